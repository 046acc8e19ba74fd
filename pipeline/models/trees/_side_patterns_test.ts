import assert from "node:assert/strict";
import { mulberry32 } from "./_deps.ts";
import { _addLeafSums, _TreeBuilder } from "./_ensemble.ts";
import { _LeafLookup } from "./_side_patterns.ts";
import { GradientBoostingClassifier } from "./gradient_boosting.ts";
import { synthetic } from "./testdata/synthetic.ts";

/** A random tree of `splits` splits: even columns on thresholds, odd ones on code sets. */
function tree(builder: _TreeBuilder, d: number, rng: () => number, splits: number) {
  const root = builder.add(rng(), 100);
  builder.roots.push(root);
  const leaves = [root];
  for (let k = 0; k < splits; k++) {
    const node = leaves.splice(Math.floor(rng() * leaves.length), 1)[0];
    const left = builder.add(rng() * 2 - 1, 50);
    const right = builder.add(rng() * 2 - 1, 50);
    const f = Math.floor(rng() * d);
    if (f % 2 === 0) builder.split(node, f, Math.floor(rng() * 4) + 0.5, left, right, rng() < 0.5);
    else {
      const codes = [0, 1, 2, 3, 4, 31].filter(() => rng() < 0.4);
      builder.splitCategories(node, f, codes, left, right, rng() < 0.5);
    }
    leaves.push(left, right);
  }
}

Deno.test("_LeafLookup sums the leaves _addLeafSums walks to, bit for bit", () => {
  const rng = mulberry32(5);
  for (let trial = 0; trial < 20; trial++) {
    const d = 2 + (trial % 4);
    const b = new _TreeBuilder();
    for (let k = 0; k < 1 + (trial % 6); k++) tree(b, d, rng, (trial + k) % 11);
    const trees = b.finish();
    const lookup = _LeafLookup.of(trees);
    assert.ok(lookup, `trial ${trial}`);
    const rows = 200;
    // Missing values, thresholds met exactly, codes past the sets, negative and fractional ones.
    const x = Float32Array.from({ length: rows * d }, () => {
      const u = rng();
      return u < 0.15
        ? NaN
        : u < 0.3
        ? [40, -1, 2.5, 1.5, 31, 0.5][Math.floor(rng() * 6)]
        : Math.floor(rng() * 5);
    });
    const walked = new Float64Array(rows).fill(0.25);
    const looked = new Float64Array(rows).fill(0.25);
    _addLeafSums(trees, x, d, walked);
    lookup.addLeafSums(x, d, looked);
    assert.deepEqual(looked, walked);
  }
});

Deno.test("_LeafLookup is refused for a tree of more splits, or a column split both ways", () => {
  const rng = mulberry32(6);
  const big = new _TreeBuilder();
  tree(big, 4, rng, 11);
  assert.equal(_LeafLookup.of(big.finish()), undefined);
  const mixed = new _TreeBuilder();
  const root = mixed.add(0, 10);
  mixed.roots.push(root);
  const [a, b, c, e] = [mixed.add(0, 5), mixed.add(1, 5), mixed.add(2, 2), mixed.add(3, 3)];
  mixed.split(root, 0, 1.5, a, b);
  mixed.splitCategories(b, 0, [2], c, e, false);
  assert.equal(_LeafLookup.of(mixed.finish()), undefined);
});

Deno.test("GradientBoostingClassifier scores a large batch as it scores rows one by one", () => {
  const data = synthetic(600, 6, 3, 0.2);
  const model = new GradientBoostingClassifier({ nRounds: 30, maxLeafNodes: 8 }).fit(
    data.x,
    data.y,
    { d: 6, seed: 2 },
  );
  const probe = synthetic(3000, 6, 4);
  const batch = model.predictMargin(probe.x);
  for (let r = 0; r < probe.n; r += 97) {
    assert.equal(batch[r], model.predictMargin(probe.x.subarray(r * 6, r * 6 + 6))[0]);
  }
});
