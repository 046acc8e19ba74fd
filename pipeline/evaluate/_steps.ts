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

/**
 * One step per distinct score, descending, with the class totals. The positives' and the
 * negatives' scores are sorted apart, as numbers in typed arrays, and merged from the top: the
 * steps are those of one sort of every score (rows of equal score make one step whatever their
 * order), at a fraction of the time a comparator sort of row indices took on 30,000 rows.
 */
export function _steps(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): { steps: _Step[]; positives: number; negatives: number } {
  _check(labels, scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  const pos = new Float64Array(positives);
  const neg = new Float64Array(labels.length - positives);
  for (let i = 0, a = 0, b = 0; i < labels.length; i++) {
    if (labels[i] === 1) pos[a++] = scores[i];
    else neg[b++] = scores[i];
  }
  pos.sort();
  neg.sort();
  const steps: _Step[] = [];
  let a = pos.length - 1;
  let b = neg.length - 1;
  let tp = 0;
  let fp = 0;
  while (a >= 0 || b >= 0) {
    const top = a < 0 ? neg[b] : b < 0 ? pos[a] : Math.max(pos[a], neg[b]);
    while (a >= 0 && pos[a] === top) (tp++, a--);
    while (b >= 0 && neg[b] === top) (fp++, b--);
    steps.push({ threshold: top, tp, fp });
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
