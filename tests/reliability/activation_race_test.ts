import assert from "node:assert/strict";
import { loadSpec, Registry, trainProfile } from "../../pipeline/mod.ts";
import { SPEC_PATH, trainingData } from "../../server/_testing.ts";
import { ADMIN, fixture, report, serve, sleep } from "./_harness.ts";

const ROUNDS = 50;
const { dir, ids } = await fixture();
const registry = new Registry(`${dir}/models`);
const spec = await loadSpec(SPEC_PATH);
const spares: string[] = [];
for (const profile of ["early-A", "seed"]) {
  const trained = await trainProfile(await trainingData(), spec, {
    profile,
    seed: 31,
    model: { epochs: 2 },
  });
  spares.push((await registry.save(trained, { data: await trainingData(), spec })).id);
  trained.classifier.dispose();
}

Deno.test("activations of two profiles at once both land in active.json", async (t) => {
  await t.step(`Registry.activate(), ${ROUNDS} rounds of two at once`, async () => {
    const other = new Registry(`${dir}/models`);
    for (let i = 0; i < ROUNDS; i++) {
      const [a, s] = i % 2 ? spares : ids;
      await Promise.all([registry.activate(a), other.activate(s)]);
      assert.deepEqual(await registry.active(), { "early-A": a, seed: s }, `round ${i + 1}`);
    }
    await Promise.all([registry.activate(ids[0]), registry.activate(ids[1])]);
  });

  const server = await serve(dir);
  try {
    await t.step(
      "through the server: both stay served after the active.json watcher runs",
      async () => {
        const answers = await Promise.all(
          spares.map((id) =>
            fetch(`${server.url}/v1/models/${id}/activate`, { method: "POST", headers: ADMIN })
          ),
        );
        for (const res of answers) {
          assert.equal(res.status, 200, await res.text());
        }
        assert.deepEqual(await registry.active(), { "early-A": spares[0], seed: spares[1] });
        await sleep(800);
        const ready = await (await fetch(`${server.url}/ready`)).json();
        assert.deepEqual(ready.models, { "early-A": spares[0], seed: spares[1] });
      },
    );
  } finally {
    assert.equal(await server.stop(), 0);
  }
  report(`activation race: ${ROUNDS} rounds of two concurrent activations, none lost`);
});
