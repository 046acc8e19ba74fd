import assert from "node:assert/strict";
import { loadSpec, Registry, tensorCount, trainProfile } from "../../pipeline/mod.ts";
import { SPEC_PATH, trainedRegistry, trainingData } from "../_testing.ts";
import { ModelStore } from "./model_pool.ts";

// Networks: these tests check that a swapped-out model frees its tensors only after its last lease.
const { dir, ids } = await trainedRegistry(10, { family: "mlp" });

Deno.test("ModelStore.refresh() loads every active model once", async () => {
  const store = new ModelStore(new Registry(`${dir}/models`));
  assert.deepEqual((await store.refresh()).sort(), [...ids].sort());
  assert.deepEqual(await store.refresh(), []);
  assert.deepEqual(store.ids(), { "early-A": ids[0], seed: ids[1] });
  store.close();
});

Deno.test("ModelStore.swap() disposes the old model only after its last lease", async () => {
  const registry = new Registry(`${dir}/models`);
  const store = new ModelStore(registry);
  await store.refresh();
  const before = tensorCount();
  const lease = store.acquire("seed")!;
  const replacement = await registry.load(ids[1]);
  const loaded = tensorCount();
  store.swap(replacement);
  assert.equal(tensorCount(), loaded, "the leased model is still whole");
  assert.equal(lease.predictor.predict([{ Final_Grade: 5 }]).length, 1);
  lease.release();
  lease.release();
  assert.equal(tensorCount(), before, "released: the old model's tensors are freed");
  assert.equal(store.get("seed"), replacement);
  store.close();
});

Deno.test("ModelStore.watch() picks up a pointer change made by another process", async () => {
  const registry = new Registry(`${dir}/models`);
  const store = new ModelStore(registry);
  await store.refresh();
  const spec = await loadSpec(SPEC_PATH);
  const data = await trainingData();
  const trained = await trainProfile(data, spec, {
    profile: "seed",
    seed: 3,
    model: { epochs: 3 },
  });
  const spare = await registry.save(trained, { data, spec });
  trained.classifier.dispose();
  const stop = store.watch(50);
  // Another process activates the spare: this store must follow within the poll interval.
  await new Registry(`${dir}/models`).activate(spare.id);
  const deadline = Date.now() + 2000;
  while (store.ids().seed !== spare.id && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  stop();
  assert.equal(store.ids().seed, spare.id);
  await registry.activate(ids[1]);
  store.close();
});
