import assert from "node:assert/strict";
import { InputError } from "../../pipeline/mod.ts";
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

Deno.test("readConfig() listens on 127.0.0.1 and sends no HSTS unless told otherwise", () => {
  const { config } = readConfig([], () => undefined);
  assert.equal(config.hostname, "127.0.0.1");
  assert.equal(config.behindTls, false);
  assert.deepEqual(config.timeouts, {
    headersMs: 10_000,
    bodyIdleMs: 30_000,
    requestMs: 300_000,
    keepAliveMs: 30_000,
  });
  const env: Record<string, string> = { HOST: "0.0.0.0", BEHIND_TLS: "1" };
  const told = readConfig(["--headers-timeout", "0.5", "--request-timeout", "60"], (n) => env[n]);
  assert.equal(told.config.hostname, "0.0.0.0");
  assert.equal(told.config.behindTls, true);
  assert.equal(told.config.timeouts.headersMs, 500);
  assert.equal(told.config.timeouts.requestMs, 60_000);
  assert.throws(
    () => readConfig([], (n) => (n === "BEHIND_TLS" ? "yes" : undefined)),
    /Invalid BEHIND_TLS: "yes", expected 1 \(yes\) or 0 \(no\)/,
  );
  assert.throws(
    () => readConfig(["--body-timeout", "0"], () => undefined),
    /Invalid --body-timeout/,
  );
});

Deno.test("readConfig() reads LOG_LEVEL and what to train before serving", () => {
  assert.equal(readConfig([], () => undefined).config.logLevel, "info");
  assert.equal(
    readConfig([], (n) => (n === "LOG_LEVEL" ? "debug" : undefined)).config.logLevel,
    "debug",
  );
  assert.throws(
    () => readConfig([], (n) => (n === "LOG_LEVEL" ? "verbose" : undefined)),
    /Invalid LOG_LEVEL: "verbose", expected one of debug, info, warn, error/,
  );
  assert.equal(readConfig([], () => undefined).train, undefined);
  assert.equal(readConfig(["--train-missing"], () => undefined).train, "missing");
  assert.equal(readConfig(["--train-only"], () => undefined).train, "only");
  assert.throws(() => readConfig(["--healthcheck", "--train-only"], () => undefined), InputError);
});
