import assert from "node:assert/strict";
import { loadSpec, Registry, trainProfile } from "../../pipeline/mod.ts";
import { SPEC_PATH, testApp, trainedRegistry, trainingData } from "../_testing.ts";

const { dir, ids } = await trainedRegistry(5);
const spec = await loadSpec(SPEC_PATH);
const registry = new Registry(`${dir}/models`);
// Three older early-A models beside the active one: saved, never activated.
const spare = await trainProfile(await trainingData(), spec, {
  profile: "early-A",
  seed: 3,
  model: { family: "logistic" },
});
const older: string[] = [];
for (let i = 0; i < 3; i++) {
  older.push((await registry.save(spare, { data: await trainingData(), spec })).id);
}
spare.classifier.dispose();
const { app } = await testApp(dir, { adminToken: "t0ken" });
const ADMIN = { authorization: "Bearer t0ken" };

Deno.test("POST /v1/models/prune removes old models and never an active one", async (t) => {
  await t.step("without the token: 401, nothing removed", async () => {
    const res = await app.request("/v1/models/prune?keep=1", { method: "POST" });
    assert.equal(res.status, 401);
    await res.body?.cancel();
    assert.equal((await registry.list()).length, 5);
  });
  await t.step("a bad keep or dry_run: 400 naming it", async () => {
    for (const query of ["keep=0", "keep=abc", "keep=1.5", "dry_run=maybe"]) {
      const res = await app.request(`/v1/models/prune?${query}`, {
        method: "POST",
        headers: ADMIN,
      });
      assert.equal(res.status, 400, query);
      assert.match((await res.json()).error, new RegExp(query.split("=")[0]));
    }
  });
  await t.step("dry_run=1 lists what would go and removes nothing", async () => {
    const res = await app.request("/v1/models/prune?keep=1&dry_run=1", {
      method: "POST",
      headers: ADMIN,
    });
    const body = await res.json();
    assert.equal(res.status, 200);
    // The newest spare is the newest early-A model; the active early-A model is kept as active.
    assert.deepEqual(body.removed, [older[1], older[0]]);
    assert.equal((await registry.list()).length, 5);
  });
  await t.step("keep=1: the active models, and the newest of each profile, remain", async () => {
    const res = await app.request("/v1/models/prune?keep=1", { method: "POST", headers: ADMIN });
    const body = await res.json();
    assert.deepEqual([body.keep, body.dry_run, body.removed], [1, false, [older[1], older[0]]]);
    assert.deepEqual(body.kept.sort(), [older[2], ...ids].sort());
    const listed = await (await app.request("/v1/models")).json();
    assert.deepEqual(listed.models.map((m: { id: string }) => m.id).sort(), body.kept.sort());
    assert.deepEqual(Object.values(listed.active).sort(), [...ids].sort());
  });
  await t.step("the active models still answer", async () => {
    const res = await app.request("/v1/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ Grade_2: 11, Grade_1: 10 }),
    });
    assert.equal((await res.json()).model, ids[0]);
  });
});
