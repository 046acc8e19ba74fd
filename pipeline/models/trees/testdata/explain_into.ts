/**
 * The check every model's `explain(row, into)` passes: the server explains a batch through one
 * buffer per model, reused from row to row, so the buffer's figures must be the fresh call's
 * whatever it held before.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { TabularClassifier } from "../tabular.ts";

/**
 * Asserts that `explain(row, buffer)` returns `explain(row)`'s figures in `buffer`, row after row.
 *
 * @param model A fitted model.
 * @param x Probe rows, row-major, `d` values each.
 * @param d The model's width.
 */
export function assertExplainsInto(
  model: Pick<TabularClassifier, "explain">,
  x: Float32Array,
  d: number,
): void {
  const buffer = new Float64Array(d).fill(Number.NaN);
  for (let r = 0; r < x.length / d; r++) {
    const row = x.subarray(r * d, (r + 1) * d);
    const fresh = model.explain(row);
    const reused = model.explain(row, buffer);
    assert.equal(reused.contributions, buffer, `row ${r}: the buffer given is returned`);
    assert.equal(reused.base, fresh.base, `row ${r}: base`);
    assert.equal(reused.space, fresh.space);
    assert.deepEqual(Array.from(buffer), Array.from(fresh.contributions), `row ${r}`);
  }
}
