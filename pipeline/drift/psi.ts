/**
 * The population stability index, the distance drift reports measure between two binned
 * distributions.
 *
 * @module
 */

/**
 * The share an empty bin is given in the PSI, so a bin empty on one side contributes a large
 * but finite term (ln(share / 1e-4)) instead of an infinite one.
 */
export const EMPTY_BIN_SHARE = 1e-4;

/**
 * The population stability index of two count vectors over the same bins:
 * Σ (new − training) · ln(new / training), each as a share of its total.
 *
 * @param training Training rows per bin.
 * @param observed New rows per bin.
 * @returns The index (0 for identical shares).
 * @example
 * ```ts
 * psi([50, 50], [50, 50]); // 0
 * psi([90, 10], [50, 50]); // 0.879
 * ```
 */
export function psi(training: number[], observed: number[]): number {
  const t = total(training);
  const o = total(observed);
  if (t === 0 || o === 0) return 0;
  let sum = 0;
  for (let i = 0; i < training.length; i++) {
    const e = Math.max(training[i] / t, EMPTY_BIN_SHARE);
    const a = Math.max(observed[i] / o, EMPTY_BIN_SHARE);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

function total(counts: number[]): number {
  let sum = 0;
  for (const c of counts) sum += c;
  return sum;
}
