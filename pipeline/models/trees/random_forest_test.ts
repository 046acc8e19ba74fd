import assert from "node:assert/strict";
import { InputError, NotFittedError } from "./_deps.ts";
import { RandomForestClassifier } from "./random_forest.ts";
import { auc, synthetic, throwsLike } from "./testdata/synthetic.ts";
import { assertExplainsInto } from "./testdata/explain_into.ts";

const TRAIN = synthetic(400, 8, 1);
const TEST = synthetic(300, 8, 2);
const FAST = { nTrees: 40 };

Deno.test("RandomForestClassifier.predictProba() and explain() throw NotFittedError before fit", () => {
  const forest = new RandomForestClassifier();
  assert.equal(forest.fitted, false);
  assert.throws(() => forest.predictProba(new Float32Array(8)), NotFittedError);
  assert.throws(() => forest.explain(new Float32Array(8)), NotFittedError);
  assert.throws(() => forest.toJSON(), NotFittedError);
});

Deno.test("RandomForestClassifier.fit() returns the forest, which gives one probability per row", () => {
  const forest = new RandomForestClassifier(FAST);
  assert.equal(forest.fit(TRAIN.x, TRAIN.y, { d: 8, seed: 3 }), forest);
  const p = forest.predictProba(TEST.x);
  assert.equal(p.length, TEST.n);
  assert.ok(p.every((v) => v >= 0 && v <= 1));
  assert.equal(forest.trees.roots.length, 40);
  assert.equal(forest.predictProba(new Float32Array(0)).length, 0);
});

Deno.test("RandomForestClassifier learns an obvious rule: held-out ROC-AUC above 0.9", async (t) => {
  for (
    const [name, params] of [
      ["gini", {}],
      ["entropy", { criterion: "entropy" }],
      ["extremely randomised", { randomSplits: true, bootstrap: false }],
      ["depth-limited", { maxDepth: 3, maxFeatures: "all" }],
    ] as const
  ) {
    await t.step(name, () => {
      const forest = new RandomForestClassifier({ ...FAST, ...params });
      forest.fit(TRAIN.x, TRAIN.y, { d: 8, seed: 3 });
      assert.ok(auc(TEST.y, forest.predictProba(TEST.x)) > 0.9);
    });
  }
});

Deno.test("RandomForestClassifier saved as JSON text and restored gives identical predictions", () => {
  const forest = new RandomForestClassifier(FAST).fit(TRAIN.x, TRAIN.y, { d: 8, seed: 3 });
  const json = JSON.parse(JSON.stringify(forest));
  assert.equal(json.kind, "random_forest");
  assert.deepEqual(json.params, forest.params);
  const restored = RandomForestClassifier.fromJSON(json);
  assert.deepEqual(restored.predictProba(TEST.x), forest.predictProba(TEST.x));
  assert.deepEqual(restored.explain(TEST.x.subarray(0, 8)), forest.explain(TEST.x.subarray(0, 8)));
  assert.deepEqual(restored.toJSON(), forest.toJSON());
});

Deno.test("RandomForestClassifier with the same seed gives the same state, another seed does not", () => {
  const fit = (seed: number) =>
    new RandomForestClassifier(FAST).fit(TRAIN.x, TRAIN.y, { d: 8, seed });
  const a = fit(11);
  assert.deepEqual(fit(11).toJSON(), a.toJSON());
  assert.deepEqual(fit(11).predictProba(TEST.x), a.predictProba(TEST.x));
  assert.notDeepEqual(fit(12).predictProba(TEST.x), a.predictProba(TEST.x));
});

Deno.test("RandomForestClassifier with every weight 2 predicts as with no weights", () => {
  const plain = new RandomForestClassifier(FAST).fit(TRAIN.x, TRAIN.y, { d: 8, seed: 5 });
  const doubled = new RandomForestClassifier(FAST).fit(TRAIN.x, TRAIN.y, {
    d: 8,
    seed: 5,
    weights: new Float32Array(TRAIN.n).fill(2),
  });
  assert.deepEqual(doubled.predictProba(TEST.x), plain.predictProba(TEST.x));
});

Deno.test("RandomForestClassifier.explain() adds up to the probability on random data", () => {
  for (let trial = 0; trial < 8; trial++) {
    const d = 4 + (trial % 5);
    const data = synthetic(60 + 20 * trial, d, 100 + trial, 0.2);
    const forest = new RandomForestClassifier({ nTrees: 15, minSamplesLeaf: 1 + (trial % 3) })
      .fit(data.x, data.y, { d, seed: trial });
    const probe = synthetic(10, d, 200 + trial);
    const p = forest.predictProba(probe.x);
    for (let r = 0; r < probe.n; r++) {
      const { base, contributions, space } = forest.explain(probe.x.subarray(r * d, r * d + d));
      assert.equal(space, "probability");
      assert.equal(contributions.length, d);
      const total = contributions.reduce((a, b) => a + b, base);
      assert.ok(Math.abs(total - p[r]) < 1e-6, `trial ${trial} row ${r}: ${total} vs ${p[r]}`);
    }
  }
});

Deno.test("RandomForestClassifier refuses bad parameters with an InputError naming them", async (t) => {
  const cases: [string, Record<string, unknown>][] = [
    ["nTrees", { nTrees: 0 }],
    ["criterion", { criterion: "log_loss" }],
    ["maxFeatures", { maxFeatures: 1.5 }],
    ["maxFeatures", { maxFeatures: "half" }],
    ["minSamplesLeaf", { minSamplesLeaf: 0 }],
    ["minSamplesSplit", { minSamplesSplit: 1 }],
    ["maxDepth", { maxDepth: 0 }],
    ["bootstrap", { bootstrap: "yes" }],
    ["maxSamples", { maxSamples: 1.2 }],
    ["randomSplits", { randomSplits: 1 }],
    ["maxBins", { maxBins: 256 }],
    ["nTree", { nTree: 10 }],
  ];
  for (const [name, params] of cases) {
    await t.step(`${name} = ${JSON.stringify(Object.values(params)[0])}`, () => {
      throwsLike(
        () => new RandomForestClassifier(params as never),
        InputError,
        new RegExp(`"${name}"`),
      );
    });
  }
});

Deno.test("RandomForestClassifier.fit() refuses a ragged matrix, bad labels, weights and one class", () => {
  const forest = new RandomForestClassifier(FAST);
  const y = new Uint8Array([0, 1, 0]);
  throwsLike(() => forest.fit(new Float32Array(7), y, { d: 2, seed: 1 }), InputError, /3 rows/);
  throwsLike(
    () => forest.fit(new Float32Array(6), new Uint8Array([0, 2, 1]), { d: 2, seed: 1 }),
    InputError,
    /label of row 1/,
  );
  throwsLike(
    () =>
      forest.fit(new Float32Array(6), y, { d: 2, seed: 1, weights: new Float32Array([1, -1, 1]) }),
    InputError,
    /"weights"/,
  );
  throwsLike(
    () => forest.fit(new Float32Array(6), new Uint8Array(3), { d: 2, seed: 1 }),
    InputError,
    /both classes/,
  );
  throwsLike(() => forest.fit(new Float32Array(6), y, { d: 2, seed: 1.5 }), InputError, /"seed"/);
  const fitted = forest.fit(new Float32Array([0, 1, 1, 0, 0, 1]), y, { d: 2, seed: 1 });
  throwsLike(() => fitted.predictProba(new Float32Array(3)), InputError, /2 columns/);
  throwsLike(() => fitted.explain([1]), InputError, /expected 2/);
});

Deno.test("RandomForestClassifier.explain(row, into) fills the buffer given with explain(row)'s figures", () => {
  const data = synthetic(200, 7, 11, 0.2);
  const forest = new RandomForestClassifier({ nTrees: 20 }).fit(data.x, data.y, { d: 7, seed: 1 });
  assertExplainsInto(forest, synthetic(12, 7, 12).x, 7);
});
