/**
 * Counting helpers shared by the metrics and the threshold choice: one step per distinct score,
 * with the confusion counts at each. Private to `evaluate/`.
 *
 * @module
 */
import { InputError } from "../core/errors.ts";

/** Confusion counts at one threshold. */
export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Cumulative counts when predicting positive at `score >= threshold`. */
export interface _Step {
  threshold: number;
  tp: number;
  fp: number;
}

export function _check(labels: ArrayLike<number>, scores: ArrayLike<number>): void {
  if (labels.length !== scores.length) {
    throw new InputError(
      `Cannot compute metrics: ${labels.length} labels but ${scores.length} scores`,
    );
  }
  if (labels.length === 0) throw new InputError("Cannot compute metrics: no examples");
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) {
      throw new InputError(`Cannot compute metrics: label ${i} is ${labels[i]}, expected 0 or 1`);
    }
    if (!(scores[i] >= 0 && scores[i] <= 1)) {
      throw new InputError(
        `Cannot compute metrics: score ${i} is ${scores[i]}, expected a probability in [0, 1]`,
      );
    }
  }
}

export function _ratio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

/** One step per distinct score, descending, with the class totals. */
export function _steps(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): { steps: _Step[]; positives: number; negatives: number } {
  _check(labels, scores);
  const order = Array.from({ length: scores.length }, (_, i) => i)
    .sort((a, b) => scores[b] - scores[a]);
  const steps: _Step[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (labels[i] === 1) tp++;
    else fp++;
    if (k === order.length - 1 || scores[order[k + 1]] !== scores[i]) {
      steps.push({ threshold: scores[i], tp, fp });
    }
  }
  return { steps, positives: tp, negatives: fp };
}

export function _confusionAt(step: _Step, positives: number, negatives: number): Confusion {
  return { tp: step.tp, fp: step.fp, tn: negatives - step.fp, fn: positives - step.tp };
}

export function _f1(c: Confusion): number {
  // The count form equals 2PR/(P+R) and gives bit-identical values for equal ratios.
  return _ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn);
}

export function _accuracy(c: Confusion): number {
  return (c.tp + c.tn) / (c.tp + c.fp + c.tn + c.fn);
}
