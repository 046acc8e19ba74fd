import assert from "node:assert/strict";
import { ArtifactError, InputError, mulberry32 } from "./_deps.ts";
import { CATEGORICAL, MISSING_LEFT } from "./_ensemble.ts";
import { _sampleOrdered, GradientBoostingClassifier } from "./gradient_boosting.ts";
import type { GradientBoostingParams } from "./boosting_params.ts";
import { treeModelFromJSON } from "./from_json.ts";
import { _TreeExplainer } from "./tree_shap.ts";
import { auc, throwsLike } from "./testdata/synthetic.ts";
import { mixed, RISKY_CODES } from "./testdata/mixed.ts";
import { bruteForce } from "./testdata/brute_force.ts";

const TRAIN = mixed(2000, 5, 1);
const TEST = mixed(1000, 5, 2);
const PARAMS = { nRounds: 80, learningRate: 0.1, minDataPerGroup: 20 };

function fitMixed(params: Partial<GradientBoostingParams> = PARAMS) {
  return new GradientBoostingClassifier(params).fit(TRAIN.x, TRAIN.y, {
    d: 5,
    seed: 3,
    categories: TRAIN.categories,
  });
}

/** One row of the test data with column 0 set to `code` and column 1 to `v`. */
function probe(code: number, v: number): Float32Array {
  return Float32Array.from([code, v, 0.5, 0, 1]);
}

Deno.test("GradientBoostingClassifier splits a category column on sets of codes", () => {
  const gbm = fitMixed();
  const t = gbm.trees;
  assert.ok(t.flags.some((f, i) => t.feature[i] === 0 && (f & CATEGORICAL) !== 0));
  // Every risky code scores above every safe one, other columns alike.
  const margin = (code: number) => gbm.predictMargin(probe(code, 0.5))[0];
  const risky = RISKY_CODES.map(margin);
  const safe = [0, 2, 3, 5, 7].map(margin);
  assert.ok(Math.min(...risky) > Math.max(...safe), `${risky} vs ${safe}`);
  assert.ok(auc(TEST.y, gbm.predictProba(TEST.x)) > 0.75);
});

Deno.test("GradientBoostingClassifier learns that missing values go with the risky side", () => {
  const gbm = fitMixed();
  const t = gbm.trees;
  // Column 1's splits send its missing rows left or right as they learned: some send them left.
  assert.ok(t.flags.some((f, i) => t.feature[i] === 1 && (f & MISSING_LEFT) !== 0));
  const missing = gbm.predictMargin(probe(0, NaN))[0];
  for (const v of [0.1, 0.5, 0.9]) assert.ok(missing > gbm.predictMargin(probe(0, v))[0] + 0.5);
});

Deno.test("GradientBoostingClassifier sends a code unseen in training right, as a category of none", () => {
  const gbm = fitMixed();
  const unseen = gbm.predictMargin(probe(8, 0.5))[0];
  // Codes 8, 40 and 200 are in no left set (40 and 200 lie past the bitsets): all go right.
  assert.ok(Number.isFinite(unseen));
  assert.equal(gbm.predictMargin(probe(40, 0.5))[0], unseen);
  assert.equal(gbm.predictMargin(probe(200, 0.5))[0], unseen);
});

/** Rows of one category column of 30 codes, half of them (scattered, not a range) risky. */
function scattered(n: number, seed: number) {
  const rng = mulberry32(seed);
  const x = new Float32Array(n * 2);
  const y = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const code = Math.floor(rng() * 30);
    x[2 * r] = code;
    x[2 * r + 1] = rng();
    y[r] = rng() < ((code * 7) % 30 < 15 ? 0.8 : 0.2) ? 1 : 0;
  }
  return { x, y, n };
}

Deno.test("GradientBoostingClassifier with categories beats reading scattered codes as numbers", () => {
  const train = scattered(3000, 1);
  const test = scattered(2000, 2);
  const params = { nRounds: 30, learningRate: 0.1, maxLeafNodes: 4 };
  const logLoss = (p: Float64Array) =>
    -test.y.reduce((s, y, i) => s + (y ? Math.log(p[i]) : Math.log(1 - p[i])), 0) / test.n;
  const sets = new GradientBoostingClassifier(params)
    .fit(train.x, train.y, { d: 2, seed: 1, categories: [30, 0] });
  const numbers = new GradientBoostingClassifier(params).fit(train.x, train.y, { d: 2, seed: 1 });
  // One split on a set finds the 15 risky codes; thresholds need many (0.520 against 0.593).
  assert.ok(logLoss(sets.predictProba(test.x)) < logLoss(numbers.predictProba(test.x)) - 0.03);
});

Deno.test("GradientBoostingClassifier with category and missing splits: exact TreeSHAP after save and load", () => {
  const gbm = fitMixed({ ...PARAMS, nRounds: 30, maxLeafNodes: 6 });
  const again = treeModelFromJSON(JSON.parse(JSON.stringify(gbm))) as GradientBoostingClassifier;
  assert.deepEqual(again.categories, TRAIN.categories);
  assert.deepEqual(again.predictMargin(TEST.x), gbm.predictMargin(TEST.x));
  const explainer = new _TreeExplainer(again.trees);
  const rows = [probe(4, NaN), probe(3, 0.2), probe(8, NaN), TEST.x.subarray(0, 5)];
  for (const row of rows) {
    const { base, contributions, space } = again.explain(row);
    assert.equal(space, "margin");
    const total = contributions.reduce((a, b) => a + b, base);
    assert.ok(Math.abs(total - again.predictMargin(row)[0]) < 1e-9);
    const phi = new Float64Array(5);
    explainer.addContributions(row, phi, 1);
    const exact = bruteForce(again.trees, row, 5);
    for (let j = 0; j < 5; j++) assert.ok(Math.abs(phi[j] - exact[j]) < 1e-9, `column ${j}`);
    assert.deepEqual(contributions, gbm.explain(row).contributions);
  }
});

Deno.test("GradientBoostingClassifier restores a version 1 save (no flags) as before", () => {
  const json = JSON.parse(JSON.stringify(fitMixed({ ...PARAMS, nRounds: 5 })));
  delete json.state.trees.flags;
  delete json.state.trees.catBits;
  delete json.state.categories;
  json.version = 1;
  const old = GradientBoostingClassifier.fromJSON(json);
  assert.equal(old.trees.flags.every((f) => f === 0), true);
  assert.deepEqual(old.categories, [0, 0, 0, 0, 0]);
});

Deno.test("GradientBoostingClassifier refuses bad category codes and malformed category sets", () => {
  const bad = TRAIN.x.slice();
  bad[5] = 2.5;
  throwsLike(
    () =>
      new GradientBoostingClassifier(PARAMS).fit(bad, TRAIN.y, {
        d: 5,
        seed: 1,
        categories: TRAIN.categories,
      }),
    InputError,
    /row 1 column 0 is 2\.5, expected a category code 0–8 or NaN/,
  );
  throwsLike(
    () =>
      new GradientBoostingClassifier(PARAMS).fit(TRAIN.x, TRAIN.y, {
        d: 5,
        seed: 1,
        categories: [8],
      }),
    InputError,
    /"categories"/,
  );
  const json = JSON.parse(JSON.stringify(fitMixed({ ...PARAMS, nRounds: 5 })));
  json.state.trees.catBits = btoa("");
  throwsLike(
    () => GradientBoostingClassifier.fromJSON(json),
    ArtifactError,
    /category set outside catBits/,
  );
});

Deno.test("GradientBoostingClassifier walks held-out and unsampled rows on bins to the leaves a raw walk reaches", () => {
  // Validation rows with NaN, a code the fit never saw (k) and numbers past every edge: the loss
  // recorded for the kept round is the kept model's own loss on them.
  const k = TRAIN.categories[0];
  const vx = TEST.x.slice();
  for (let r = 0; r < 1000; r += 7) vx[r * 5] = k;
  for (let r = 3; r < 1000; r += 11) vx[r * 5 + 1] = NaN;
  for (let r = 5; r < 1000; r += 13) vx[r * 5 + 1] = 1e9;
  // Training rows missing code 0 mostly positive, so that splits send missing cells both ways.
  const tx = TRAIN.x.slice();
  const ty = TRAIN.y.slice();
  for (let r = 0; r < 2000; r += 6) (tx[r * 5] = NaN), (ty[r] = r % 5 === 0 ? 0 : 1);
  const gbm = new GradientBoostingClassifier({ ...PARAMS, nRounds: 60, patience: 60 }).fit(
    tx,
    ty,
    { d: 5, seed: 3, categories: TRAIN.categories, validation: { x: vx, y: TEST.y } },
  );
  const t = gbm.trees;
  assert.ok(t.flags.some((f, i) => t.feature[i] === 0 && f === (CATEGORICAL | MISSING_LEFT)));
  const kept = gbm.trees.roots.length;
  const p = gbm.predictProba(vx);
  let loss = 0;
  for (let i = 0; i < p.length; i++) loss -= Math.log(TEST.y[i] === 1 ? p[i] : 1 - p[i]);
  assert.ok(Math.abs(loss / p.length - gbm.validationLoss[kept - 1]) < 1e-9);
});

Deno.test("The rows of a round are drawn with mulberry32's numbers, and its state goes on from them", () => {
  const from = Int32Array.from({ length: 500 }, (_, i) => 3 * i + 1);
  for (const [k, seed] of [[0, 1], [1, 2], [137, 42], [499, 7], [500, 9]]) {
    const out = new Int32Array(k);
    const state = _sampleOrdered(from, k, out, seed);
    // Knuth's selection sampling with the library's generator.
    const rng = mulberry32(seed);
    const want: number[] = [];
    if (k >= from.length) want.push(...from);
    else {
      for (let i = 0; i < from.length && want.length < k; i++) {
        if (rng() * (from.length - i) < k - want.length) want.push(from[i]);
      }
    }
    assert.deepEqual(Array.from(out), want, `k ${k}`);
    assert.equal(mulberry32(state)(), rng(), `the next draw after k ${k}`);
  }
});

Deno.test("GradientBoostingClassifier fits with more leaves allowed than a tree can have", () => {
  // The walk tables are sized by the rows, not by maxLeafNodes (a billion leaves would need 512 GB).
  const gbm = new GradientBoostingClassifier({ nRounds: 5, maxLeafNodes: 1e9, subsample: 0.5 })
    .fit(TRAIN.x, TRAIN.y, { d: 5, seed: 3, categories: TRAIN.categories });
  assert.ok(auc(TEST.y, gbm.predictProba(TEST.x)) > 0.7);
});
