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

Deno.test("The bench routes exist only when the server starts with BENCH_ECHO=1", async (t) => {
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

  await t.step("off by default: the bench routes answer 404", async () => {
    const { app } = await testApp(dir);
    for (const path of ["/bench/constant", "/bench/roundtrip", "/bench/unframed"]) {
      const res = await app.request(path, post(JSON.stringify(STUDENT)));
      assert.equal(res.status, 404, path);
      await res.body?.cancel();
    }
  });

  await t.step(
    "on: it answers a constant JSON of the asked size, with the app's headers and metrics",
    async () => {
      const { app, deps } = await testApp(dir, { benchEcho: true });
      for (const bytes of [12, 663, 70_000]) {
        const res = await app.request(
          `/bench/constant?bytes=${bytes}`,
          post(JSON.stringify(STUDENT)),
        );
        assert.equal(res.status, 200);
        const text = await res.text();
        assert.equal(new TextEncoder().encode(text).length, bytes);
        assert.ok(JSON.parse(text).pad !== undefined);
        assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
      }
      assert.match(
        await deps.metrics.render({}),
        /^dropout_http_requests_total\{route="\/bench\/constant",method="POST",status="200"\} 3$/m,
      );
    },
  );

  await t.step(
    "on: /bench/roundtrip parses the body, serialises it again and answers the same constant",
    async () => {
      const { app } = await testApp(dir, { benchEcho: true });
      const res = await app.request("/bench/roundtrip?bytes=700", post(JSON.stringify(STUDENT)));
      assert.equal(res.status, 200);
      assert.equal(new TextEncoder().encode(await res.text()).length, 700);
      assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
      const bad = await app.request("/bench/roundtrip?bytes=700", post("{"));
      assert.equal(bad.status, 400);
      assert.equal((await bad.json()).error, "Invalid JSON body");
    },
  );

  await t.step(
    "on: /bench/unframed answers the constant outside the frame (no request id, headers, metrics)",
    async () => {
      const { app, deps } = await testApp(dir, { benchEcho: true });
      const res = await app.request("/bench/unframed?bytes=700", post(JSON.stringify(STUDENT)));
      assert.equal(res.status, 200);
      assert.equal(new TextEncoder().encode(await res.text()).length, 700);
      assert.equal(res.headers.get("x-request-id"), null);
      assert.equal(res.headers.get("x-content-type-options"), null);
      assert.doesNotMatch(await deps.metrics.render({}), /route="\/bench\/unframed"/);
      // The frame still runs for every other route.
      const framed = await app.request("/bench/constant?bytes=700", post("{}"));
      assert.equal(framed.headers.get("x-content-type-options"), "nosniff");
      await framed.body?.cancel();
    },
  );

  await t.step("on: a size out of range is a 400", async () => {
    const { app } = await testApp(dir, { benchEcho: true });
    const res = await app.request("/bench/constant?bytes=5", post("{}"));
    assert.equal(res.status, 400);
    assert.match((await res.json()).error, /^Invalid bytes/);
  });
});
