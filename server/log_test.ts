import assert from "node:assert/strict";
import { jsonLogger } from "./log.ts";
import { testApp } from "./_testing.ts";

Deno.test("jsonLogger() drops the lines below its level", () => {
  const written: string[] = [];
  const { log, error } = console;
  console.log = (line: string) => written.push(line);
  console.error = (line: string) => written.push(line);
  try {
    const logger = jsonLogger(() => 0, "warn");
    logger.log("debug", "Probe");
    logger.log("info", "Request");
    logger.log("warn", "Slow", { ms: 3 });
    logger.log("error", "Failed");
    jsonLogger(() => 0).log("debug", "Probe");
  } finally {
    console.log = log;
    console.error = error;
  }
  assert.deepEqual(written.map((l) => JSON.parse(l).msg), ["Slow", "Failed"]);
  assert.deepEqual(JSON.parse(written[0]), {
    time: "1970-01-01T00:00:00.000Z",
    level: "warn",
    msg: "Slow",
    ms: 3,
  });
});

Deno.test("the app logs probes (/health, /ready, /metrics) at debug and other requests at info", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { app, logger } = await testApp(dir);
    for (const path of ["/health", "/ready", "/metrics", "/v1/spec"]) {
      await (await app.request(path)).body?.cancel();
    }
    const levels = Object.fromEntries(
      logger.lines.filter((l) => l.msg === "Request").map((l) => [l.path, l.level]),
    );
    assert.deepEqual(levels, {
      "/health": "debug",
      "/ready": "debug",
      "/metrics": "debug",
      "/v1/spec": "info",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
