/**
 * Checks of the matrices given to `fit`, `predictProba` and `explain`, shared by the tree models.
 *
 * @module
 */
import { InputError } from "./_deps.ts";

/** Checks a training matrix, its labels and weights; returns the row count. */
export function _checkFit(
  model: string,
  x: Float32Array,
  y: Uint8Array,
  d: number,
  weights?: Float32Array,
): number {
  if (!Number.isSafeInteger(d) || d < 1) {
    throw new InputError(`Invalid fit option "d": ${d}, expected a positive integer (columns)`);
  }
  const n = y.length;
  if (n === 0) throw new InputError(`Cannot fit ${model}: no rows`);
  if (x.length !== n * d) {
    throw new InputError(
      `Cannot fit ${model}: x has ${x.length} values, expected ${n} rows × ${d} columns`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new InputError(`Cannot fit ${model}: label of row ${i} is ${y[i]}, expected 0 or 1`);
    }
  }
  if (weights !== undefined) {
    if (weights.length !== n) {
      throw new InputError(
        `Invalid fit option "weights": ${weights.length} values, expected one per row (${n})`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (!(weights[i] >= 0) || !Number.isFinite(weights[i])) {
        throw new InputError(
          `Invalid fit option "weights": row ${i} has ${weights[i]}, expected a finite number >= 0`,
        );
      }
    }
  }
  return n;
}

/** Checks a matrix to score against the fitted width; returns the row count. */
export function _checkRows(model: string, x: ArrayLike<number>, d: number): number {
  if (x.length % d !== 0) {
    throw new InputError(
      `Cannot score with ${model}: ${x.length} values is not a whole number of rows of ${d} columns`,
    );
  }
  return x.length / d;
}
