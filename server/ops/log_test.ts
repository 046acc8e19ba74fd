import assert from "node:assert/strict";
import { jsonLogger } from "./log.ts";
import { testApp } from "../_testing.ts";

Deno.test("jsonLogger() drops the lines below its level", () => {
  const written: string[] = [];
  const sink = {
    out: (line: string) => written.push(line),
    err: (line: string) => written.push(line),
  };
  const logger = jsonLogger(() => 0, "warn", sink);
  logger.log("debug", "Probe");
  logger.log("info", "Request");
  logger.log("warn", "Slow", { ms: 3 });
  logger.log("error", "Failed");
  jsonLogger(() => 0, "info", sink).log("debug", "Probe");
  assert.deepEqual(written.map((l) => JSON.parse(l).msg), ["Slow", "Failed"]);
  assert.deepEqual(JSON.parse(written[0]), {
    time: "1970-01-01T00:00:00.000Z",
    level: "warn",
    msg: "Slow",
    ms: 3,
  });
});

Deno.test("jsonLogger() writes held lines in order, before an error and at exit", async () => {
  const script = `
    import { jsonLogger } from ${JSON.stringify(new URL("./log.ts", import.meta.url).href)};
    const logger = jsonLogger(() => 0);
    logger.log("info", "One");
    logger.log("info", "Two");
    logger.log("error", "Three");
    for (let i = 0; i < 2000; i++) logger.log("info", "Many", { i });
    logger.log("info", "Last");
  `;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "-q", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const out = new TextDecoder().decode(stdout).trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(out.slice(0, 2).map((l) => l.msg), ["One", "Two"]);
  assert.equal(out.length, 2 + 2000 + 1);
  assert.deepEqual(out.slice(2, -1).map((l) => l.i), Array.from({ length: 2000 }, (_, i) => i));
  assert.equal(out.at(-1).msg, "Last");
  assert.equal(JSON.parse(new TextDecoder().decode(stderr)).msg, "Three");
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

Deno.test("jsonLogger() writes the line JSON.stringify would write for the same fields", () => {
  const written: string[] = [];
  const sink = { out: (line: string) => written.push(line), err: () => {} };
  let now = Date.UTC(2026, 0, 1);
  const logger = jsonLogger(() => now, "info", sink);
  const cases: (Record<string, unknown> | undefined)[] = [
    undefined,
    {},
    { a: undefined },
    { request_id: "x", client_request_id: undefined, path: '/a"b\n', status: 200, ms: 1.25 },
    { msg: "replaced", extra: [1, { b: null }] },
    { level: "other", time: "then" },
  ];
  for (const fields of cases) {
    now += 1;
    logger.log("info", 'Request "q"', fields);
    const time = new Date(now).toISOString();
    assert.equal(
      written.at(-1),
      JSON.stringify({ time, level: "info", msg: 'Request "q"', ...fields }),
    );
  }
});
