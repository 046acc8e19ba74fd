import assert from "node:assert/strict";
import { InputError } from "../pipeline/mod.ts";
import { readConfig } from "./config.ts";

Deno.test("readConfig() takes flags over environment variables over defaults", () => {
  const env: Record<string, string> = { PORT: "9000", MICROBATCH: "off", CORS_ORIGINS: "a, b" };
  const { config, healthcheck } = readConfig(["--port", "9100", "--healthcheck"], (n) => env[n]);
  assert.equal(config.port, 9100);
  assert.equal(healthcheck, true);
  assert.equal(config.microbatch.enabled, false);
  assert.deepEqual(config.corsOrigins, ["a", "b"]);
  assert.equal(config.adminToken, undefined);
  assert.equal(config.workers, 1);
});

Deno.test("readConfig() names the bad flag or variable", () => {
  assert.throws(() => readConfig(["--nope"], () => undefined), InputError);
  assert.throws(
    () => readConfig([], (n) => (n === "WORKERS" ? "0" : undefined)),
    /Invalid WORKERS: "0", expected an integer >= 1/,
  );
  assert.throws(
    () => readConfig([], (n) => (n === "MICROBATCH" ? "maybe" : undefined)),
    /Invalid MICROBATCH/,
  );
});
