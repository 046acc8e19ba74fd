/**
 * Metrics of a binary classifier: confusion counts, threshold metrics, ranking
 * metrics (ROC AUC, average precision), probabilistic metrics (Brier, log loss),
 * curves, calibration bins, threshold choice and a mean with its 95% interval.
 *
 * Labels are 0/1 with 1 the positive class (dropped out); scores are
 * probabilities in [0, 1]; an example is predicted positive iff
 * `score >= threshold`. Every function is pure.
 *
 * Degenerate cases follow one rule: a ratio whose denominator is 0 is 0
 * (precision with no predicted positives, recall with no positives, F1 when
 * precision + recall = 0). The ranking metrics are the exception: ROC AUC is
 * NaN when either class is absent, average precision NaN when no positives.
 *
 * @module
 */

import { InputError } from "../core/errors.ts";
import {
  _accuracy,
  _check,
  _confusionAt,
  _f1,
  _ratio,
  type _Step,
  _steps,
  type Confusion,
} from "./_steps.ts";

export type { Confusion };

/** Every metric of {@linkcode evaluate} at one threshold. */
export interface Metrics {
  threshold: number;
  /** Number of examples. */
  n: number;
  /** Number of positive labels. */
  positives: number;
  accuracy: number;
  /** (recall + specificity) / 2. */
  balanced_accuracy: number;
  precision: number;
  recall: number;
  specificity: number;
  f1: number;
  roc_auc: number;
  /** Average precision. */
  pr_auc: number;
  brier: number;
  log_loss: number;
  confusion: Confusion;
}

/** One point of a ROC or precision-recall curve. */
export interface CurvePoint {
  threshold: number;
  x: number;
  y: number;
}

/** One non-empty equal-width bin of predicted probabilities. */
export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  mean_predicted: number;
  observed_rate: number;
}

/** A mean with the half-width of its 95% confidence interval. */
export interface Summary {
  mean: number;
  /** Half-width of the 95% Student t interval: mean ± ci95. */
  ci95: number;
  /** Sample standard deviation (n - 1 denominator). */
  sd: number;
  n: number;
}

/** Student t 0.975 quantiles for df 1..30 (standard two-sided 95% table values). */
// deno-fmt-ignore
const _T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
  2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
  2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/**
 * Counts true/false positives and negatives, predicting positive iff `score >= threshold`.
 * @param labels 0/1 labels, 1 = positive.
 * @param scores Probabilities of the positive class.
 * @param threshold The decision threshold.
 * @returns The confusion counts.
 */
export function confusion(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
): Confusion {
  _check(labels, scores);
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const predicted = scores[i] >= threshold;
    if (labels[i] === 1) {
      if (predicted) c.tp++;
      else c.fn++;
    } else if (predicted) c.fp++;
    else c.tn++;
  }
  return c;
}

/**
 * Computes every metric at one threshold (see the module doc for degenerate cases).
 * @param labels 0/1 labels, 1 = positive.
 * @param scores Probabilities of the positive class.
 * @param threshold The decision threshold.
 * @returns The metrics and the confusion counts.
 */
export function evaluate(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
): Metrics {
  const c = confusion(labels, scores, threshold);
  const recall = _ratio(c.tp, c.tp + c.fn);
  const specificity = _ratio(c.tn, c.tn + c.fp);
  return {
    threshold,
    n: labels.length,
    positives: c.tp + c.fn,
    accuracy: _accuracy(c),
    balanced_accuracy: (recall + specificity) / 2,
    precision: _ratio(c.tp, c.tp + c.fp),
    recall,
    specificity,
    f1: _f1(c),
    roc_auc: rocAuc(labels, scores),
    pr_auc: averagePrecision(labels, scores),
    brier: brierScore(labels, scores),
    log_loss: logLoss(labels, scores),
    confusion: c,
  };
}

/**
 * Area under the ROC curve as the Mann-Whitney statistic: the share of
 * (positive, negative) pairs where the positive scores higher, ties counting 1/2.
 * @param labels 0/1 labels, 1 = positive.
 * @param scores Probabilities of the positive class.
 * @returns The AUC in [0, 1], or NaN when either class is absent.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { steps, positives, negatives } = _steps(labels, scores);
  if (positives === 0 || negatives === 0) return NaN;
  let wins = 0;
  let prev: _Step = { threshold: Infinity, tp: 0, fp: 0 };
  for (const step of steps) {
    const tiedNegatives = step.fp - prev.fp;
    wins += (step.tp - prev.tp) * (negatives - step.fp + tiedNegatives / 2);
    prev = step;
  }
  return wins / (positives * negatives);
}

/**
 * Area under the precision-recall curve as average precision (scikit-learn's
 * definition): the sum over distinct thresholds of (R_n - R_{n-1}) P_n, tied scores grouped.
 * @param labels 0/1 labels, 1 = positive.
 * @param scores Probabilities of the positive class.
 * @returns The average precision, or NaN when there are no positives.
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { steps, positives } = _steps(labels, scores);
  if (positives === 0) return NaN;
  let ap = 0;
  let prevTp = 0;
  for (const step of steps) {
    ap += (step.tp - prevTp) * (step.tp / (step.tp + step.fp));
    prevTp = step.tp;
  }
  // Dividing once at the end keeps a perfect ranking at exactly 1.
  return ap / positives;
}

/**
 * Mean squared difference between score and label.
 * @param labels 0/1 labels, 1 = positive.
 * @param scores Probabilities of the positive class.
 * @returns The Brier score in [0, 1], lower is better.
 */
export function brierScore(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  _check(labels, scores);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += (scores[i] - labels[i]) ** 2;
  return sum / labels.length;
}

/**
 * Mean negative log-likelihood (natural log), scores clipped to [eps, 1 - eps].
 * @param labels 0/1 labels, 1 = positive.
 * @param scores Probabilities of the positive class.
 * @param eps The clipping margin, in (0, 0.5).
 * @returns The log loss, lower is better.
 */
export function logLoss(labels: ArrayLike<number>, scores: ArrayLike<number>, eps = 1e-7): number {
  _check(labels, scores);
  if (!(eps > 0 && eps < 0.5)) throw new InputError(`Invalid eps: ${eps}, expected (0, 0.5)`);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(Math.max(scores[i], eps), 1 - eps);
    sum += labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return -sum / labels.length;
}

/**
 * ROC curve: x = false positive rate, y = true positive rate. Starts at
 * (0, 0) with threshold Infinity, then one point per distinct score, descending,
 * ending at (1, 1). A rate whose class is absent is 0.
 * @param labels 0/1 labels, 1 = positive.
 * @param scores Probabilities of the positive class.
 * @returns The curve points.
 */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): CurvePoint[] {
  const { steps, positives, negatives } = _steps(labels, scores);
  return [
    { threshold: Infinity, x: 0, y: 0 },
    ...steps.map((s) => ({
      threshold: s.threshold,
      x: _ratio(s.fp, negatives),
      y: _ratio(s.tp, positives),
    })),
  ];
}

/**
 * Precision-recall curve: x = recall, y = precision, one point per distinct
 * score, descending (so recall rises). No synthetic (0, 1) end point is added.
 * @param labels 0/1 labels, 1 = positive.
 * @param scores Probabilities of the positive class.
 * @returns The curve points.
 */
export function prCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): CurvePoint[] {
  const { steps, positives } = _steps(labels, scores);
  return steps.map((s) => ({
    threshold: s.threshold,
    x: _ratio(s.tp, positives),
    y: s.tp / (s.tp + s.fp),
  }));
}

/**
 * Groups scores into equal-width bins over [0, 1] for a reliability diagram.
 * Bin i holds [i/bins, (i+1)/bins); a score of exactly 1 goes to the last bin.
 * Empty bins are omitted.
 * @param labels 0/1 labels, 1 = positive.
 * @param scores Probabilities of the positive class.
 * @param bins The number of bins, a positive integer.
 * @returns The non-empty bins in ascending order.
 */
export function calibrationBins(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  bins = 10,
): CalibrationBin[] {
  _check(labels, scores);
  if (!Number.isInteger(bins) || bins < 1) {
    throw new InputError(`Invalid bins: ${bins}, expected a positive integer`);
  }
  const count = new Array<number>(bins).fill(0);
  const sumScore = new Array<number>(bins).fill(0);
  const sumLabel = new Array<number>(bins).fill(0);
  for (let i = 0; i < labels.length; i++) {
    let b = Math.min(Math.floor(scores[i] * bins), bins - 1);
    // Rounding in scores[i] * bins can land one bin off (0.57 * 100 = 56.99…).
    if (b < bins - 1 && scores[i] >= (b + 1) / bins) b++;
    else if (b > 0 && scores[i] < b / bins) b--;
    count[b]++;
    sumScore[b] += scores[i];
    sumLabel[b] += labels[i];
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    out.push({
      lower: b / bins,
      upper: (b + 1) / bins,
      count: count[b],
      mean_predicted: sumScore[b] / count[b],
      observed_rate: sumLabel[b] / count[b],
    });
  }
  return out;
}

/**
 * Mean, sample standard deviation and 95% Student t half-width, e.g. over CV folds.
 * Uses the t quantile for df = n - 1 up to 30 and 1.96 beyond; n = 1 gives sd = ci95 = 0.
 * @param values The observations, at least one.
 * @returns The summary.
 */
export function summarize(values: number[]): Summary {
  const n = values.length;
  if (n === 0) throw new InputError("Cannot summarize: no values");
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, ci95: 0, sd: 0, n };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const t = _T975[n - 2] ?? 1.96;
  return { mean, ci95: (t * sd) / Math.sqrt(n), sd, n };
}

/**
 * Recall among the top `percent` % of students ranked by score: the share of all positives found
 * when a school can follow up only that many students. The list holds m = ⌈n · percent / 100⌉
 * students. Ties are shared, not broken by row order: when the m-th place falls inside a group of
 * equal scores, the students above the group are all taken and the group's positives count in
 * proportion to the places left, which is the expected recall under a random tie-break (a
 * constant score finds `m / n` of the positives).
 *
 * @param labels 0/1 labels, 1 = positive.
 * @param scores Probabilities of the positive class.
 * @param percent The share of students flagged, in (0, 100].
 * @returns The recall in [0, 1], or NaN when there are no positives.
 * @example
 * ```ts
 * // Top 50 % of 4 students = 2: 0.9 (positive) and 0.7 (negative) -> 1 of 2 positives.
 * recallAtTop([1, 0, 1, 0], [0.9, 0.7, 0.4, 0.1], 50); // 0.5
 * ```
 */
export function recallAtTop(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  percent: number,
): number {
  if (!(percent > 0 && percent <= 100)) {
    throw new InputError(`Invalid percent: ${percent}, expected a number in (0, 100]`);
  }
  const { steps, positives } = _steps(labels, scores);
  if (positives === 0) return NaN;
  // The tolerance keeps 10 % of 100 at exactly 10 places despite binary rounding.
  const places = Math.max(1, Math.ceil((labels.length * percent) / 100 - 1e-9));
  let above: _Step = { threshold: Infinity, tp: 0, fp: 0 };
  for (const step of steps) {
    const taken = step.tp + step.fp;
    if (taken >= places) {
      const aboveCount = above.tp + above.fp;
      const tied = taken - aboveCount;
      const found = above.tp + ((step.tp - above.tp) * (places - aboveCount)) / tied;
      return found / positives;
    }
    above = step;
  }
  return 1; // unreachable: the last step holds every student
}
