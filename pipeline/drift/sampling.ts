/**
 * How much PSI sampling alone gives: a parametric bootstrap of the training distribution. For n
 * new rows, it draws many samples of n rows from each input's training bins, computes each
 * sample's PSI against training, and so gives the p-value of an observed PSI: the share of
 * samples of training's own distribution that drift at least as far. With Holm's correction over
 * the inputs, a report raises an alarm on a sample of the training data itself at most 5 % of the
 * time, whatever n, where a fixed PSI cut (0.2) raised one on most samples of 50 rows.
 *
 * A sample's bin counts are one multinomial draw, made as conditional binomials, so a resample
 * costs the number of bins, not n. The binomial is drawn by inversion below a mean of 20 and from
 * its normal approximation above. These few lines are written here rather than taken from
 * `@stdlib/random` so the draws run on the pipeline's one seeded generator (`mulberry32`) without
 * a dependency tree for one function.
 *
 * @module
 */
import { deriveSeed, mulberry32 } from "../core/random.ts";
import { psi } from "./psi.ts";

/** Resamples drawn per input at least; more when many inputs need smaller p-values. */
export const MIN_RESAMPLES = 999;

/**
 * The p-value of each observed PSI under sampling alone: (1 + resamples at least as large) /
 * (resamples + 1).
 *
 * @param training Each input's training rows per bin (the bins the PSI was computed on).
 * @param observed Each input's observed PSI.
 * @param options The rows compared (n), the resamples and the seed.
 * @returns One p-value per input.
 */
export function samplingPValues(
  training: number[][],
  observed: number[],
  options: { rows: number; resamples: number; seed?: number },
): number[] {
  const { rows, resamples } = options;
  return training.map((counts, j) => {
    const rng = mulberry32(deriveSeed(options.seed ?? 0, rows, j));
    const total = counts.reduce((a, b) => a + b, 0);
    const shares = counts.map((c) => (total === 0 ? 0 : c / total));
    const drawn = new Array<number>(counts.length);
    let above = 0;
    for (let b = 0; b < resamples; b++) {
      multinomial(rows, shares, drawn, rng);
      if (psi(counts, drawn) >= observed[j] - 1e-12) above++;
    }
    return (1 + above) / (resamples + 1);
  });
}

/**
 * Holm's step-down correction: adjusted p-values whose rejections at α keep the chance of any
 * false alarm across all inputs at most α.
 *
 * @param p Raw p-values.
 * @returns Adjusted p-values, in the same order.
 * @example
 * ```ts
 * holm([0.01, 0.04, 0.03]); // [0.03, 0.06, 0.06]
 * ```
 */
export function holm(p: number[]): number[] {
  const k = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b]);
  const adjusted = new Array<number>(k);
  let running = 0;
  order.forEach((i, rank) => {
    running = Math.max(running, Math.min(1, (k - rank) * p[i]));
    adjusted[i] = running;
  });
  return adjusted;
}

function multinomial(n: number, shares: number[], into: number[], rng: () => number): void {
  let left = n;
  let mass = 1;
  for (let i = 0; i < shares.length; i++) {
    if (left === 0 || mass <= 0) {
      into[i] = 0;
      continue;
    }
    const p = i === shares.length - 1 ? 1 : Math.min(1, shares[i] / mass);
    const x = binomial(left, p, rng);
    into[i] = x;
    left -= x;
    mass -= shares[i];
  }
}

function binomial(n: number, p: number, rng: () => number): number {
  if (p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p, rng);
  const mean = n * p;
  if (mean >= 20) {
    const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    return Math.min(n, Math.max(0, Math.round(mean + z * Math.sqrt(mean * (1 - p)))));
  }
  const u = rng();
  let x = 0;
  let prob = Math.pow(1 - p, n);
  let cdf = prob;
  while (u > cdf && x < n) {
    prob *= ((n - x) / (x + 1)) * (p / (1 - p));
    x++;
    cdf += prob;
  }
  return x;
}
