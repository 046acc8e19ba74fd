/**
 * Confidence intervals of test metrics by the percentile bootstrap (Efron &
 * Tibshirani, 1993): resample the test rows with replacement, recompute the
 * metric, and take the 2.5th and 97.5th percentiles. Seeded, so reproducible.
 *
 * @module
 */
import { evaluate, type Metrics } from "./metrics.ts";
import { mulberry32, sampleIndices } from "../core/random.ts";

/** A point estimate with its 95 % interval. */
export interface Interval {
  value: number;
  low: number;
  high: number;
}

/** The metrics given intervals. */
export const CI_METRICS = [
  "accuracy",
  "balanced_accuracy",
  "precision",
  "recall",
  "f1",
  "roc_auc",
] as const;

/**
 * Bootstraps 95 % intervals of the main metrics at a fixed threshold.
 *
 * @param labels Test labels.
 * @param scores Test probabilities.
 * @param options Threshold, resample count (default 1,000) and seed.
 * @returns Each metric's value and interval.
 */
export function bootstrapIntervals(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: { threshold: number; resamples?: number; seed: number },
): Record<(typeof CI_METRICS)[number], Interval> {
  const n = labels.length;
  const point = evaluate(labels, scores, options.threshold);
  const rng = mulberry32(options.seed);
  const samples: Record<string, number[]> = Object.fromEntries(CI_METRICS.map((k) => [k, []]));
  const resamples = options.resamples ?? 1000;
  for (let b = 0; b < resamples; b++) {
    const idx = sampleIndices(n, n, rng);
    const y = idx.map((i) => labels[i]);
    if (y.every((v) => v === y[0])) continue; // one class only: AUC undefined, skip the draw
    const m: Metrics = evaluate(y, idx.map((i) => scores[i]), options.threshold);
    for (const k of CI_METRICS) samples[k].push(m[k]);
  }
  const pct = (sorted: number[], q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return Object.fromEntries(CI_METRICS.map((k) => {
    const s = samples[k].sort((a, b) => a - b);
    return [k, { value: point[k], low: pct(s, 0.025), high: pct(s, 0.975) }];
  })) as Record<(typeof CI_METRICS)[number], Interval>;
}
