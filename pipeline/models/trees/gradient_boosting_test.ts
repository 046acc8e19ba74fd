import assert from "node:assert/strict";
import { InputError, NotFittedError } from "./_deps.ts";
import { GradientBoostingClassifier } from "./gradient_boosting.ts";
import { auc, synthetic, throwsLike } from "./testdata/synthetic.ts";
import { assertExplainsInto } from "./testdata/explain_into.ts";

const TRAIN = synthetic(400, 8, 1);
const TEST = synthetic(300, 8, 2);
const FAST = { nRounds: 60, learningRate: 0.1 };

Deno.test("GradientBoostingClassifier.predictProba() and explain() throw NotFittedError before fit", () => {
  const gbm = new GradientBoostingClassifier();
  assert.equal(gbm.fitted, false);
  assert.throws(() => gbm.predictProba(new Float32Array(8)), NotFittedError);
  assert.throws(() => gbm.predictMargin(new Float32Array(8)), NotFittedError);
  assert.throws(() => gbm.explain(new Float32Array(8)), NotFittedError);
  assert.throws(() => gbm.toJSON(), NotFittedError);
});

Deno.test("GradientBoostingClassifier gives one probability per row, the logistic of the margin", () => {
  const gbm = new GradientBoostingClassifier(FAST);
  assert.equal(gbm.fit(TRAIN.x, TRAIN.y, { d: 8, seed: 3 }), gbm);
  assert.equal(gbm.trees.roots.length, 60);
  const p = gbm.predictProba(TEST.x);
  const m = gbm.predictMargin(TEST.x);
  assert.equal(p.length, TEST.n);
  for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i] - 1 / (1 + Math.exp(-m[i]))) < 1e-15);
});

Deno.test("GradientBoostingClassifier learns an obvious rule: held-out ROC-AUC above 0.9", async (t) => {
  for (
    const [name, params] of [
      ["defaults", {}],
      ["depth 2, no subsampling", { maxDepth: 2, subsample: 1, colsample: 1 }],
      ["strong L2, few columns", { l2: 10, colsample: 0.5 }],
    ] as const
  ) {
    await t.step(name, () => {
      const gbm = new GradientBoostingClassifier(params).fit(TRAIN.x, TRAIN.y, { d: 8, seed: 3 });
      assert.ok(auc(TEST.y, gbm.predictProba(TEST.x)) > 0.9);
    });
  }
});

Deno.test("GradientBoostingClassifier stops early on validation rows and keeps the best round", () => {
  // Noisy labels: the validation loss turns up well before 400 rounds of fast learning.
  const noisy = synthetic(300, 8, 5, 0.2);
  const validation = synthetic(200, 8, 6, 0.2);
  const gbm = new GradientBoostingClassifier({ nRounds: 400, learningRate: 0.3, patience: 10 })
    .fit(noisy.x, noisy.y, { d: 8, seed: 1, validation: { x: validation.x, y: validation.y } });
  const losses = gbm.validationLoss;
  assert.ok(losses.length < 400, `ran ${losses.length} rounds`);
  const best = losses.indexOf(Math.min(...losses)) + 1;
  assert.equal(gbm.trees.roots.length, best);
  assert.equal(losses.length, best + 10);
  assert.equal(gbm.toJSON().state.rounds, best);
});

Deno.test("GradientBoostingClassifier saved as JSON text and restored gives identical predictions", () => {
  const gbm = new GradientBoostingClassifier(FAST).fit(TRAIN.x, TRAIN.y, { d: 8, seed: 3 });
  const json = JSON.parse(JSON.stringify(gbm));
  assert.equal(json.kind, "gradient_boosting");
  const restored = GradientBoostingClassifier.fromJSON(json);
  assert.deepEqual(restored.predictProba(TEST.x), gbm.predictProba(TEST.x));
  assert.deepEqual(restored.explain(TEST.x.subarray(0, 8)), gbm.explain(TEST.x.subarray(0, 8)));
  assert.deepEqual(restored.toJSON(), gbm.toJSON());
});

Deno.test("GradientBoostingClassifier with the same seed gives the same state, another seed does not", () => {
  const fit = (seed: number) =>
    new GradientBoostingClassifier(FAST).fit(TRAIN.x, TRAIN.y, { d: 8, seed });
  const a = fit(11);
  assert.deepEqual(fit(11).toJSON(), a.toJSON());
  assert.deepEqual(fit(11).predictProba(TEST.x), a.predictProba(TEST.x));
  assert.notDeepEqual(fit(12).predictProba(TEST.x), a.predictProba(TEST.x));
});

Deno.test("GradientBoostingClassifier.explain() adds up to the margin on random data", () => {
  for (let trial = 0; trial < 8; trial++) {
    const d = 4 + (trial % 5);
    const data = synthetic(80 + 20 * trial, d, 100 + trial, 0.2);
    const gbm = new GradientBoostingClassifier({
      nRounds: 30,
      maxLeafNodes: 3 + trial,
      minSamplesLeaf: 1 + trial,
    }).fit(data.x, data.y, { d, seed: trial });
    const probe = synthetic(10, d, 200 + trial);
    const m = gbm.predictMargin(probe.x);
    for (let r = 0; r < probe.n; r++) {
      const { base, contributions, space } = gbm.explain(probe.x.subarray(r * d, r * d + d));
      assert.equal(space, "margin");
      const total = contributions.reduce((a, b) => a + b, base);
      assert.ok(Math.abs(total - m[r]) < 1e-6, `trial ${trial} row ${r}: ${total} vs ${m[r]}`);
    }
  }
});

Deno.test("GradientBoostingClassifier gives rows of weight 0 no say", () => {
  // Appending copies of the test rows with flipped labels at weight 0 must change nothing but
  // the bin edges, which the original rows' values already fix for these few-valued columns.
  const d = 4;
  const base = synthetic(200, d, 8);
  for (let r = 0; r < base.n; r++) base.x[r * d] = Math.round(base.x[r * d] * 4) / 4;
  const x = new Float32Array(base.x.length * 2);
  x.set(base.x);
  x.set(base.x, base.x.length);
  const y = new Uint8Array(base.n * 2);
  y.set(base.y);
  y.set(base.y.map((v) => 1 - v), base.n);
  const weights = new Float32Array(base.n * 2);
  weights.fill(1, 0, base.n);
  const params = { nRounds: 20, subsample: 1, colsample: 1 };
  const plain = new GradientBoostingClassifier(params).fit(base.x, base.y, { d, seed: 1 });
  const weighted = new GradientBoostingClassifier(params).fit(x, y, { d, seed: 1, weights });
  assert.deepEqual(weighted.predictProba(base.x), plain.predictProba(base.x));
});

Deno.test("GradientBoostingClassifier refuses bad parameters with an InputError naming them", async (t) => {
  const cases: [string, Record<string, unknown>][] = [
    ["nRounds", { nRounds: 0 }],
    ["learningRate", { learningRate: 0 }],
    ["learningRate", { learningRate: "0.1" }],
    ["maxLeafNodes", { maxLeafNodes: 1 }],
    ["maxDepth", { maxDepth: 2.5 }],
    ["minSamplesLeaf", { minSamplesLeaf: 0 }],
    ["minHessianLeaf", { minHessianLeaf: -1 }],
    ["l2", { l2: NaN }],
    ["minGainToSplit", { minGainToSplit: -0.1 }],
    ["subsample", { subsample: 0 }],
    ["colsample", { colsample: 1.1 }],
    ["patience", { patience: 0 }],
    ["maxBins", { maxBins: 1 }],
    ["learning_rate", { learning_rate: 0.1 }],
  ];
  for (const [name, params] of cases) {
    await t.step(`${name} = ${JSON.stringify(Object.values(params)[0])}`, () => {
      throwsLike(
        () => new GradientBoostingClassifier(params as never),
        InputError,
        new RegExp(`"${name}"`),
      );
    });
  }
});

Deno.test("GradientBoostingClassifier.fit() refuses validation rows of another width", () => {
  const validation = { x: new Float32Array(9), y: new Uint8Array(3) };
  throwsLike(
    () => new GradientBoostingClassifier(FAST).fit(TRAIN.x, TRAIN.y, { d: 8, seed: 1, validation }),
    InputError,
    /3 rows × 8 columns/,
  );
});

Deno.test("GradientBoostingClassifier.explain(row, into) fills the buffer given with explain(row)'s figures", () => {
  const data = synthetic(200, 7, 11, 0.2);
  const gbm = new GradientBoostingClassifier({ nRounds: 20 }).fit(data.x, data.y, {
    d: 7,
    seed: 1,
  });
  assertExplainsInto(gbm, synthetic(12, 7, 12).x, 7);
});

Deno.test("GradientBoostingClassifier stays finite when a leaf's hessian is nearly zero and its margins leap past ±700", () => {
  // One column that separates the classes but for one mislabelled row, no L2, no least hessian
  // and full steps: once the other rows' hessians reach their floor, that row's gradient over
  // them makes leaf values near 10^14, and e^−margin leaves the doubles. Kept by multiplying
  // alone, it would turn to Infinity, then NaN (Infinity × 0).
  const n = 200;
  const x = Float32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0 : 1));
  const y = Uint8Array.from({ length: n }, (_, i) => (i === 1 ? 0 : i % 2));
  const gbm = new GradientBoostingClassifier({
    nRounds: 60,
    learningRate: 1,
    l2: 0,
    minHessianLeaf: 0,
    subsample: 0.5,
    minSamplesLeaf: 1,
    patience: 60,
  }).fit(x, y, { d: 1, seed: 5, validation: { x, y } });
  const losses = gbm.validationLoss;
  assert.equal(losses.length, 60);
  assert.ok(Math.max(...losses) > 1e10, "the margins should leap far past ±700");
  assert.ok(losses.every((v) => Number.isFinite(v) && v >= 0), losses.join(", "));
  assert.ok(gbm.predictProba(x).every((p) => p >= 0 && p <= 1));
});
