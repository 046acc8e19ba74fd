/**
 * Comparing two models scored on the same cross-validation folds by the corrected resampled
 * t-test (Nadeau & Bengio, 2003, "Inference for the generalization error", Machine Learning 52).
 *
 * The folds of repeated k-fold share training rows, so their scores are correlated and the plain
 * paired t-test is far too confident. Nadeau and Bengio's correction widens the variance of the
 * mean difference by the ratio of test to training size:
 * t = mean(d) / √((1 / (r·k) + n_test / n_train) · var(d)), with r·k - 1 degrees of freedom.
 *
 * @module
 */
import { InputError } from "../core/errors.ts";
import { studentTQuantile, studentTTwoSided } from "./student_t.ts";

/** Sizes of one fold's parts, for {@linkcode correctedResampledTTest}. */
export interface TTestOptions {
  /** Rows a fold is fitted on (the mean over folds when they differ). */
  trainSize: number;
  /** Rows a fold is scored on (the mean over folds when they differ). */
  testSize: number;
}

/** The outcome of {@linkcode correctedResampledTTest}. */
export interface TTestResult {
  /** Number of paired fold scores, r·k. */
  n: number;
  /** mean(a - b). */
  mean_difference: number;
  /** Sample standard deviation of a - b (n - 1 denominator). */
  sd_difference: number;
  t: number;
  df: number;
  /** Two-sided p-value from Student's t with n - 1 degrees of freedom. */
  p: number;
  /**
   * The 95 % interval of the mean difference, mean ± t(0.975, n - 1) times the corrected standard
   * error: the differences the folds cannot tell from the observed one.
   */
  ci95: [number, number];
}

/**
 * The corrected resampled t-test of two models' per-fold scores over the same r×k folds.
 *
 * When every difference is equal the variance is 0: t is 0 (p = 1) if they are all 0, else
 * ±Infinity (p = 0), and the interval is that one difference.
 *
 * @param a Model A's score on each fold, in fold order.
 * @param b Model B's score on the same folds.
 * @param options The training and test sizes of a fold.
 * @returns The statistic, its degrees of freedom, the two-sided p-value and the 95 % interval of
 *   the mean difference.
 * @example
 * ```ts
 * // 2 runs of 2-fold CV on 100 rows: 50 train, 50 test.
 * correctedResampledTTest([0.9, 0.8, 0.85, 0.95], [0.8, 0.8, 0.8, 0.8], {
 *   trainSize: 50,
 *   testSize: 50,
 * });
 * ```
 */
export function correctedResampledTTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: TTestOptions,
): TTestResult {
  if (a.length !== b.length) {
    throw new InputError(`Cannot compare fold scores: ${a.length} against ${b.length}`);
  }
  const n = a.length;
  if (n < 2) throw new InputError(`Cannot compare fold scores: ${n} fold(s), expected at least 2`);
  const { trainSize, testSize } = options;
  if (!(trainSize > 0) || !(testSize > 0)) {
    throw new InputError(
      `Invalid fold sizes: train ${trainSize}, test ${testSize}, expected positive numbers`,
    );
  }
  const d = Array.from({ length: n }, (_, i) => a[i] - b[i]);
  if (d.some((v) => !Number.isFinite(v))) {
    throw new InputError("Cannot compare fold scores: a score is not a finite number");
  }
  const mean = d.reduce((s, v) => s + v, 0) / n;
  const variance = d.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const df = n - 1;
  const denominator = Math.sqrt((1 / n + testSize / trainSize) * variance);
  const t = denominator > 0 ? mean / denominator : mean === 0 ? 0 : Math.sign(mean) * Infinity;
  const half = studentTQuantile(0.975, df) * denominator;
  return {
    n,
    mean_difference: mean,
    sd_difference: Math.sqrt(variance),
    t,
    df,
    p: studentTTwoSided(t, df),
    ci95: [mean - half, mean + half],
  };
}
