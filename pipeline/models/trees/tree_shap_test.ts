import assert from "node:assert/strict";
import { InputError, mulberry32 } from "./_deps.ts";
import { _TreeBuilder } from "./_ensemble.ts";
import { _TreeExplainer, groupContributions } from "./tree_shap.ts";
import { GradientBoostingClassifier } from "./gradient_boosting.ts";
import { RandomForestClassifier } from "./random_forest.ts";
import { synthetic, throwsLike } from "./testdata/synthetic.ts";
import { bruteForce } from "./testdata/brute_force.ts";

/** A random tree with repeated columns on its paths and covers that add up. */
function randomTree(builder: _TreeBuilder, d: number, rng: () => number, maxDepth: number) {
  const grow = (node: number, depth: number, cover: number) => {
    if (depth >= maxDepth || (depth > 0 && rng() < 0.25)) return;
    const share = 0.1 + 0.8 * rng();
    const left = builder.add(rng() * 2 - 1, cover * share);
    const right = builder.add(rng() * 2 - 1, cover * (1 - share));
    const f = Math.floor(rng() * d);
    const kind = rng();
    // A third each: a plain threshold, one with missing values left, a set of codes.
    if (kind < 1 / 3) builder.split(node, f, Math.floor(rng() * 4) + 0.5, left, right);
    else if (kind < 2 / 3) builder.split(node, f, Math.floor(rng() * 4) + 0.5, left, right, true);
    else {
      const codes = [0, 1, 2, 3, 4, 40].filter(() => rng() < 0.4);
      builder.splitCategories(node, f, codes, left, right, rng() < 0.5);
    }
    grow(left, depth + 1, cover * share);
    grow(right, depth + 1, cover * (1 - share));
  };
  const root = builder.add(0, 100);
  builder.roots.push(root);
  grow(root, 0, 100);
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol,
      `column ${i}: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

Deno.test("TreeSHAP of a stump gives the whole step to its column", () => {
  const b = new _TreeBuilder();
  const root = b.add(0, 4);
  b.roots.push(root);
  b.split(root, 0, 0.5, b.add(1, 3), b.add(0, 1));
  const explainer = new _TreeExplainer(b.finish());
  assert.deepEqual(Array.from(explainer.expected), [0.75]);
  const phi = new Float64Array(2);
  explainer.addContributions([0, 9], phi, 1);
  assert.deepEqual(Array.from(phi), [0.25, 0]);
});

Deno.test("TreeSHAP equals brute-force Shapley values on random trees with category and missing splits", () => {
  const rng = mulberry32(7);
  for (let trial = 0; trial < 40; trial++) {
    const d = 1 + (trial % 5);
    const b = new _TreeBuilder();
    for (let k = 0; k < 1 + (trial % 3); k++) randomTree(b, d, rng, 2 + (trial % 5));
    const trees = b.finish();
    const explainer = new _TreeExplainer(trees);
    for (let probe = 0; probe < 5; probe++) {
      // Codes 0–4, 40 (a second bitset word) and missing values.
      const x = Array.from({ length: d }, () => {
        const u = rng();
        return u < 0.15 ? NaN : u < 0.25 ? 40 : Math.floor(rng() * 5);
      });
      const phi = new Float64Array(d);
      explainer.addContributions(x, phi, 1);
      assertClose(phi, bruteForce(trees, x, d), 1e-9);
    }
  }
});

/** A random tree whose even columns split on thresholds and odd ones on sets of codes. */
function binnableTree(builder: _TreeBuilder, d: number, rng: () => number, splits: number) {
  const root = builder.add(0, 100);
  builder.roots.push(root);
  const leaves = [{ node: root, cover: 100 }];
  for (let k = 0; k < splits; k++) {
    const { node, cover } = leaves.splice(Math.floor(rng() * leaves.length), 1)[0];
    const share = 0.1 + 0.8 * rng();
    const left = builder.add(rng() * 2 - 1, cover * share);
    const right = builder.add(rng() * 2 - 1, cover * (1 - share));
    const f = Math.floor(rng() * d);
    if (f % 2 === 0) builder.split(node, f, Math.floor(rng() * 4) + 0.5, left, right, rng() < 0.5);
    else {
      const codes = [0, 1, 2, 3, 4, 31].filter(() => rng() < 0.4);
      builder.splitCategories(node, f, codes, left, right, rng() < 0.5);
    }
    leaves.push({ node: left, cover: cover * share }, { node: right, cover: cover * (1 - share) });
  }
}

Deno.test("TreeSHAP by side pattern and bins equals the leaf tables and brute force", () => {
  const rng = mulberry32(11);
  for (let trial = 0; trial < 30; trial++) {
    const d = 2 + (trial % 4);
    const b = new _TreeBuilder();
    const count = 1 + (trial % 4);
    for (let k = 0; k < count; k++) binnableTree(b, d, rng, 1 + ((trial + k) % 10));
    const trees = b.finish();
    const patterned = new _TreeExplainer(trees);
    const leaves = new _TreeExplainer(trees, 8, 0);
    assert.equal(leaves.patterned, 0);
    assert.equal(patterned.binned, patterned.patterned);
    assert.equal(patterned.patterned, patterned.tabled);
    for (let probe = 0; probe < 8; probe++) {
      // Missing values, thresholds met exactly, codes past the sets, negative and fractional ones.
      const x = Array.from({ length: d }, () => {
        const u = rng();
        return u < 0.15
          ? NaN
          : u < 0.25
          ? [40, -1, 2.5, 1.5, 31][Math.floor(rng() * 5)]
          : Math.floor(rng() * 5);
      });
      const a = new Float64Array(d);
      const c = new Float64Array(d);
      patterned.addContributions(x, a, 0.5);
      leaves.addContributions(x, c, 0.5);
      assertClose(a, c, 1e-12);
      assertClose(a, bruteForce(trees, x, d).map((v) => v * 0.5), 1e-9);
    }
  }
});

Deno.test("TreeSHAP equals brute-force Shapley values on fitted forests and boosting", () => {
  const data = synthetic(150, 5, 3, 0.1);
  const probe = synthetic(6, 5, 4);
  const models = [
    new RandomForestClassifier({ nTrees: 5 }).fit(data.x, data.y, { d: 5, seed: 1 }),
    new GradientBoostingClassifier({ nRounds: 10, maxLeafNodes: 6 }).fit(data.x, data.y, {
      d: 5,
      seed: 1,
    }),
  ];
  for (const model of models) {
    const explainer = new _TreeExplainer(model.trees);
    const scale = model instanceof RandomForestClassifier ? 1 / model.trees.roots.length : 1;
    for (let r = 0; r < probe.n; r++) {
      const x = probe.x.subarray(r * 5, r * 5 + 5);
      const phi = new Float64Array(5);
      explainer.addContributions(x, phi, 1);
      assertClose(phi, bruteForce(model.trees, x, 5), 1e-9);
      assertClose(model.explain(x).contributions, phi.map((v) => v * scale), 1e-12);
    }
  }
});

Deno.test("TreeSHAP tables give the recursion's values, and deep trees keep the recursion", () => {
  const data = synthetic(800, 12, 9, 0.4);
  const probe = synthetic(20, 12, 10);
  const shallow = new RandomForestClassifier({ nTrees: 20, maxDepth: 5 }).fit(data.x, data.y, {
    d: 12,
    seed: 3,
  });
  const deep = new RandomForestClassifier({ nTrees: 20, minSamplesLeaf: 1, maxDepth: null }).fit(
    data.x,
    data.y,
    {
      d: 12,
      seed: 3,
    },
  );
  for (const model of [shallow, deep]) {
    const tabled = new _TreeExplainer(model.trees);
    const recursive = new _TreeExplainer(model.trees, 0);
    assert.equal(recursive.tabled, 0);
    for (let r = 0; r < probe.n; r++) {
      const x = probe.x.subarray(r * 12, r * 12 + 12);
      const a = new Float64Array(12);
      const b = new Float64Array(12);
      tabled.addContributions(x, a, 0.5);
      recursive.addContributions(x, b, 0.5);
      assertClose(a, b, 1e-12);
    }
  }
  assert.equal(new _TreeExplainer(shallow.trees).tabled, 20);
  const booster = new GradientBoostingClassifier({ nRounds: 20, maxLeafNodes: 8 }).fit(
    data.x,
    data.y,
    { d: 12, seed: 3 },
  );
  const byPattern = new _TreeExplainer(booster.trees);
  assert.equal(byPattern.patterned, booster.trees.roots.length);
  const byLeaves = new _TreeExplainer(booster.trees, 8, 0);
  for (let r = 0; r < probe.n; r++) {
    const x = probe.x.subarray(r * 12, r * 12 + 12);
    const a = new Float64Array(12);
    const c = new Float64Array(12);
    byPattern.addContributions(x, a, 1);
    byLeaves.addContributions(x, c, 1);
    assertClose(a, c, 1e-12);
  }
  assert.ok(new _TreeExplainer(deep.trees).tabled < 20, "every deep tree was tabled");
});

Deno.test("groupContributions() sums the columns of each group once", () => {
  const total = groupContributions([0.1, 0, -0.02, 0.3, 9], [[0, 1, 2], [3]]);
  assertClose(total, [0.08, 0.3], 1e-15);
  assert.deepEqual(Array.from(groupContributions([1, 2], [])), []);
});

Deno.test("groupContributions() refuses a column out of range or in two groups", () => {
  throwsLike(() => groupContributions([1, 2], [[0, 2]]), InputError, /column 2 in group 0/);
  throwsLike(() => groupContributions([1, 2], [[0], [0, 1]]), InputError, /more than one group/);
  throwsLike(() => groupContributions([1, 2], [[0.5]]), InputError, /"groups"/);
});
