import assert from "node:assert/strict";
import { loadSpec, Registry, trainProfile } from "../../pipeline/mod.ts";
import {
  DATA_PATH,
  SPEC_PATH,
  STUDENT,
  trainedRegistry,
  trainingData,
} from "../../server/_testing.ts";
import { startServer } from "./_process.ts";

const { dir, ids } = await trainedRegistry(20);
const registry = new Registry(`${dir}/models`);
const spec = await loadSpec(SPEC_PATH);
const trained = await trainProfile(await trainingData(), spec, {
  profile: "early-A",
  seed: 11,
  model: { epochs: 10 },
});
const spare = await registry.save(trained, { data: await trainingData(), spec });
trained.classifier.dispose();

/** One request on a fresh connection, so the kernel may hand it to any worker. */
async function modelOnFreshConnection(url: string): Promise<string> {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const res = await fetch(`${url}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(STUDENT),
      client,
    });
    return (await res.json()).model;
  } finally {
    client.close();
  }
}

Deno.test("--workers 2: admin disabled without a token, activation reaches every worker within 1 s, SIGTERM drains", async (t) => {
  const server = await startServer(dir, { ADMIN_TOKEN: "", DROPOUT_DATA: DATA_PATH }, [
    "--workers",
    "2",
  ]);
  const { url } = server;
  try {
    await t.step("admin routes answer 403 when ADMIN_TOKEN is not set", async () => {
      for (
        const [method, path] of [["POST", "/v1/models/train"], ["GET", "/v1/datasets"], [
          "POST",
          "/retrain",
        ]]
      ) {
        const res = await fetch(`${url}${path}`, {
          method,
          headers: { authorization: "Bearer x" },
        });
        assert.equal(res.status, 403);
        assert.match((await res.json()).error, /^Admin disabled/);
      }
    });

    await t.step("both workers answer with the active model", async () => {
      // /health answered once the first worker listened; the second may still be loading.
      const listening = () => server.logs.filter((l) => l.includes('"msg":"Listening"')).length;
      for (const deadline = Date.now() + 10_000; listening() < 2 && Date.now() < deadline;) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(listening(), 2);
      const seen = new Set<string>();
      for (let i = 0; i < 10; i++) seen.add(await modelOnFreshConnection(url));
      assert.deepEqual([...seen], [ids[0]]);
    });

    await t.step(
      "a model activated in the registry is served by every worker within 1 s",
      async () => {
        await registry.activate(spare.id);
        const activated = performance.now();
        await new Promise((r) => setTimeout(r, 1000));
        const answers = await Promise.all(
          Array.from({ length: 12 }, () => modelOnFreshConnection(url)),
        );
        assert.deepEqual(new Set(answers), new Set([spare.id]));
        assert.ok(performance.now() - activated < 3000);
      },
    );

    await t.step("SIGTERM lets an in-flight request finish, then exits 0 within 10 s", async () => {
      const lines = (await Deno.readTextFile(DATA_PATH)).trim().split("\n");
      const body = new TransformStream<Uint8Array, Uint8Array>();
      const writer = body.writable.getWriter();
      const encoder = new TextEncoder();
      const answer = fetch(`${url}/v1/predict/batch`, {
        method: "POST",
        headers: { "content-type": "text/csv", accept: "text/csv" },
        body: body.readable,
      });
      await writer.write(encoder.encode(lines.slice(0, 200).join("\n") + "\n"));
      await new Promise((r) => setTimeout(r, 300));
      const stopped = performance.now();
      const exit = server.stop("SIGTERM");
      await new Promise((r) => setTimeout(r, 300));
      await writer.write(encoder.encode(lines.slice(200).join("\n") + "\n"));
      await writer.close();
      const res = await answer;
      const rows = (await res.text()).trim().split("\n");
      assert.equal(rows.length, lines.length, "header and every row answered");
      assert.equal(await exit, 0);
      assert.ok(performance.now() - stopped < 10_000);
    });
  } finally {
    await server.stop("SIGKILL");
  }
});
