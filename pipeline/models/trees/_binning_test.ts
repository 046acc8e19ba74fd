import assert from "node:assert/strict";
import { binColumns, binOf, learnEdges, MAX_BINS } from "./_binning.ts";
import { mulberry32 } from "./_deps.ts";

Deno.test("learnEdges() cuts midway between the distinct values of a few-valued column", () => {
  const x = new Float32Array([3, 0, 1, 0, 1, 3, 7, 7]);
  // Rows (3, 0), (1, 0), (1, 3), (7, 7).
  assert.deepEqual(learnEdges(x, 4, 2, MAX_BINS), [[2, 5], [1.5, 5]]);
  assert.deepEqual(learnEdges(new Float32Array([2, 2, 2]), 3, 1, MAX_BINS), [[]]);
});

Deno.test("learnEdges() keeps at most maxBins bins of a many-valued column, by quantile", () => {
  const rng = mulberry32(1);
  const n = 5000;
  const x = Float32Array.from({ length: n }, () => rng());
  const [edges] = learnEdges(x, n, 1, MAX_BINS);
  assert.ok(edges.length <= MAX_BINS - 1 && edges.length > 200);
  assert.ok(edges.every((e, i) => i === 0 || e > edges[i - 1]));
  const counts = new Array(edges.length + 1).fill(0);
  for (const b of binColumns(x, n, 1, [edges])) counts[b]++;
  // Quantile bins hold about n / 255 rows each.
  assert.ok(Math.max(...counts) < (3 * n) / MAX_BINS, `largest bin ${Math.max(...counts)}`);
});

Deno.test("binOf() agrees with the raw threshold rule and sends NaN to the last bin", () => {
  const edges = [0.5, 2, 5];
  for (const v of [-1, 0.5, 0.6, 2, 3, 5, 9]) {
    const b = binOf(v, edges);
    for (let k = 0; k < edges.length; k++) assert.equal(b <= k, v <= edges[k], `value ${v}`);
  }
  assert.equal(binOf(NaN, edges), 3);
  assert.deepEqual(Array.from(binColumns(new Float32Array([NaN, 0, 9]), 3, 1, [edges])), [3, 0, 3]);
});
