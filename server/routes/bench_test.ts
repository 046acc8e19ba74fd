import assert from "node:assert/strict";
import { readConfig } from "../config/mod.ts";
import { STUDENT, testApp } from "../_testing.ts";

const dir = await Deno.makeTempDir({ prefix: "bench-route-test-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const post = (body: string) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body,
});

Deno.test("POST /bench/echo exists only when the server starts with BENCH_ECHO=1", async (t) => {
  await t.step(
    "BENCH_ECHO=1 turns it on; unset or 0 leaves it off; anything else is refused",
    () => {
      const env = (value?: string) => (name: string) => (name === "BENCH_ECHO" ? value : undefined);
      assert.equal(readConfig([], env("1")).config.benchEcho, true);
      assert.equal(readConfig([], env("0")).config.benchEcho, false);
      assert.equal(readConfig([], env()).config.benchEcho, false);
      assert.throws(() => readConfig([], env("yes")), /Invalid BENCH_ECHO: "yes"/);
    },
  );

  await t.step("off by default: the route answers 404", async () => {
    const { app } = await testApp(dir);
    const res = await app.request("/bench/echo", post(JSON.stringify(STUDENT)));
    assert.equal(res.status, 404);
    await res.body?.cancel();
  });

  await t.step(
    "on: it answers the JSON it was sent, with the app's headers and metrics",
    async () => {
      const { app, deps } = await testApp(dir, { benchEcho: true });
      const res = await app.request("/bench/echo", post(JSON.stringify(STUDENT)));
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), STUDENT);
      assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
      assert.match(
        await deps.metrics.render({}),
        /^dropout_http_requests_total\{route="\/bench\/echo",method="POST",status="200"\} 1$/m,
      );
    },
  );

  await t.step("on: a body that is not JSON is a 400, as on /v1/predict", async () => {
    const { app } = await testApp(dir, { benchEcho: true });
    const res = await app.request("/bench/echo", post("{not json"));
    assert.equal(res.status, 400);
    assert.match((await res.json()).error, /^Malformed JSON body: /);
  });
});
