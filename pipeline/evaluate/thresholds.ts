/**
 * Decisions and risk bands, in one home: the threshold policy and its written form, the choice
 * of a decision threshold on held-out scores, the watch band below it, and the band of a
 * probability. Training, cross-validation and the predictor all decide through here.
 *
 * @module
 */
import { InputError } from "../core/errors.ts";
import { _accuracy, _confusionAt, _f1, _ratio, _steps } from "./_steps.ts";

/** How {@linkcode chooseThreshold} picks a threshold. */
export type ThresholdPolicy =
  | { kind: "f1" }
  | { kind: "min-recall"; recall: number }
  | { kind: "min-precision"; precision: number }
  | { kind: "accuracy" }
  | { kind: "fixed"; threshold: number }
  | { kind: "capacity"; share: number };

/** The written forms {@linkcode parsePolicy} reads, for messages. */
export const POLICY_FORMS =
  "f1, accuracy, min-recall:R, min-precision:P, capacity:C or fixed:T with R, P, C, T in [0, 1]";

/**
 * Reads a threshold policy from its written form: `f1`, `accuracy`, `min-recall:R`,
 * `min-precision:P`, `capacity:C` (flag at most a share C of the students) or `fixed:T`
 * (R, P, C, T in [0, 1]).
 *
 * @param text The written form.
 * @returns The policy, or undefined when the text is none of the forms.
 */
export function parsePolicy(text: string): ThresholdPolicy | undefined {
  if (text === "f1" || text === "accuracy") return { kind: text };
  const m = /^(fixed|min-recall|min-precision|capacity):(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(text);
  if (!m) return undefined;
  const value = Number(m[2]);
  if (m[1] === "fixed") return { kind: "fixed", threshold: value };
  if (m[1] === "capacity") return { kind: "capacity", share: value };
  return m[1] === "min-recall"
    ? { kind: "min-recall", recall: value }
    : { kind: "min-precision", precision: value };
}

/**
 * Writes a policy the way {@linkcode parsePolicy} reads it.
 *
 * @param policy The policy.
 * @returns e.g. `min-recall:0.8`.
 */
export function policyText(policy: ThresholdPolicy): string {
  if (policy.kind === "min-recall") return `min-recall:${policy.recall}`;
  if (policy.kind === "min-precision") return `min-precision:${policy.precision}`;
  if (policy.kind === "capacity") return `capacity:${policy.share}`;
  return policy.kind === "fixed" ? `fixed:${policy.threshold}` : policy.kind;
}

/** The threshold returned when no candidate qualifies. */
const _FALLBACK = 0.5;

/**
 * Picks a decision threshold, so that `score >= threshold` means positive. "f1" and "accuracy"
 * maximise that metric over the distinct scores, ties going to the higher score; when 0.5 decides
 * the held-out rows exactly as the chosen score does (it lies between that score and the next lower
 * one), 0.5 is returned instead, so a model that separates the rows with a wide gap is not cut at
 * the gap's edge. "min-recall" takes the highest score whose recall reaches the target;
 * "min-precision" takes the lowest score whose precision still reaches the target (the most
 * students flagged at that precision); "capacity" takes the lowest score that flags at most its
 * share of the rows ({@linkcode capacityThreshold}); "fixed" returns its threshold (0.5 on calibrated
 * probabilities is the decision that maximises expected accuracy). When nothing qualifies (F1 is 0
 * everywhere, or no threshold reaches the recall) the result is 0.5.
 *
 * @param labels 0/1 labels, 1 = positive.
 * @param scores Probabilities of the positive class.
 * @param policy What to optimise.
 * @returns The threshold.
 */
export function chooseThreshold(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  policy: ThresholdPolicy,
): number {
  if (policy.kind === "fixed") {
    if (!(policy.threshold >= 0 && policy.threshold <= 1)) {
      throw new InputError(`Invalid threshold: ${policy.threshold}, expected a number in [0, 1]`);
    }
    return policy.threshold;
  }
  if (policy.kind === "capacity") return capacityThreshold(scores, policy.share);
  const { steps, positives, negatives } = _steps(labels, scores);
  if (policy.kind === "min-recall") {
    const target = policy.recall;
    if (!(target >= 0 && target <= 1)) {
      throw new InputError(`Invalid recall: ${target}, expected a number in [0, 1]`);
    }
    const hit = steps.find((s) => _ratio(s.tp, positives) >= target);
    return hit?.threshold ?? _FALLBACK;
  }
  if (policy.kind === "min-precision") {
    const target = policy.precision;
    if (!(target >= 0 && target <= 1)) {
      throw new InputError(`Invalid precision: ${target}, expected a number in [0, 1]`);
    }
    const hit = steps.findLast((s) => s.tp > 0 && s.tp / (s.tp + s.fp) >= target);
    return hit?.threshold ?? _FALLBACK;
  }
  const metric = policy.kind === "f1" ? _f1 : _accuracy;
  let best = -1;
  let bestValue = policy.kind === "f1" ? 0 : -Infinity;
  // Steps run from the highest threshold down, so a strict > keeps the higher one on ties.
  for (let k = 0; k < steps.length; k++) {
    const value = metric(_confusionAt(steps[k], positives, negatives));
    if (value > bestValue) {
      best = k;
      bestValue = value;
    }
  }
  if (best < 0) return _FALLBACK;
  // Every threshold in (next lower score, chosen score] decides the held-out rows alike. A model
  // that separates them (one given the leak) leaves a wide gap there, and its edge, the lowest
  // positive score, may be 1: a student at 0.99 would then be "low". 0.5, the decision that
  // maximises expected accuracy on calibrated probabilities, is taken whenever it lies in the gap.
  const chosen = steps[best].threshold;
  const below = steps[best + 1]?.threshold ?? -Infinity;
  return below < _FALLBACK && _FALLBACK <= chosen ? _FALLBACK : chosen;
}

/**
 * What advisers can act on, as shares of the students scored: `flagged` is the most the high band
 * may hold (the students who can be seen), `watch` the most the medium band may hold. A spec
 * states them under `capacity`; {@linkcode DEFAULT_CAPACITY} applies otherwise.
 */
export interface Capacity {
  /** Largest share of students the high band (flagged, at risk) may hold, in (0, 1]. */
  flagged: number;
  /** Largest share of students the medium (watch) band may hold, in [0, 1]. */
  watch: number;
}

/**
 * The capacity of a spec that states none: a fifth of the students flagged, at most a quarter on
 * watch, so that at least half of a class is low and the watch list stays well under 30 %.
 */
export const DEFAULT_CAPACITY: Readonly<Capacity> = { flagged: 0.2, watch: 0.25 };

/**
 * The share to hold a small held-out set to so that a new class keeps within a capacity: one
 * standard error of a share under it. A band cut at a capacity on a hundred validation students
 * would otherwise exceed it on half of new classes (a share of 0.2 on 100 students varies by
 * ±0.04); one standard error lowers that to about one in six.
 *
 * @param share The capacity.
 * @param n The held-out rows the cut is made on.
 * @returns The share to cut at, in [0, share].
 */
export function heldOutShare(share: number, n: number): number {
  if (n <= 0) return share;
  return Math.max(0, share - Math.sqrt((share * (1 - share)) / n));
}

/**
 * The lowest threshold among the scores that keeps the share of scores at or above it within a
 * capacity. Students who share one score fall on one side together, so the share can stay under
 * the capacity; when even the highest score is shared by more, the result lies just above it and
 * nobody is flagged.
 *
 * @param scores Held-out probabilities.
 * @param share The largest share of them the threshold may keep at or above it, in [0, 1].
 * @returns The threshold.
 * @example
 * ```ts
 * capacityThreshold([0.9, 0.8, 0.3, 0.2, 0.1], 0.4); // 0.8: two of five
 * ```
 */
export function capacityThreshold(scores: ArrayLike<number>, share: number): number {
  if (!(share >= 0 && share <= 1)) {
    throw new InputError(`Invalid capacity: ${share}, expected a share in [0, 1]`);
  }
  const sorted = Float64Array.from(scores).sort().reverse();
  const n = sorted.length;
  if (n === 0) return _FALLBACK;
  let chosen = Math.min(1, sorted[0] + 1e-9);
  for (let k = 0; k < n; k++) {
    // Only the last of a run of equal scores is a place to cut.
    if (k + 1 < n && sorted[k + 1] === sorted[k]) continue;
    if ((k + 1) / n > share) break;
    chosen = sorted[k];
  }
  return chosen;
}

/**
 * The decision threshold of a model: its policy's choice on held-out rows, kept when it flags at
 * most `capacity.flagged` of them, else raised to flag that share less one standard error
 * ({@linkcode heldOutShare}). Whatever the policy maximises, a weak model
 * then flags no more students than advisers can see; a `fixed` threshold is taken as given.
 *
 * @param labels 0/1 labels of the held-out rows.
 * @param scores Their calibrated probabilities.
 * @param options The policy and, when bounded, the capacity.
 * @returns The threshold.
 */
export function chooseDecision(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: { policy: ThresholdPolicy; capacity?: Capacity },
): number {
  const chosen = chooseThreshold(labels, scores, options.policy);
  if (!options.capacity || options.policy.kind === "fixed") return chosen;
  return boundBands({ medium: chosen, high: chosen }, scores, {
    capacity: options.capacity,
    tolerant: true,
  }).high;
}

/** What one band means on some scored rows. */
export interface BandMeaning {
  band: Band;
  /** The lowest probability in the band (0 for low). */
  from: number;
  /** Share of the rows in the band. */
  share: number;
  /** Recall of "at or above this band's edge": the share of positives the band and those above it hold. */
  recall: number;
  /** Precision of "at or above this band's edge": the share of positives among those rows. */
  precision: number;
}

/**
 * What each band means on labelled rows (the model card's test split): its share of the rows,
 * and the recall and precision of treating every row from its lower edge up as positive.
 *
 * @param labels 0/1 labels.
 * @param scores Their probabilities.
 * @param bands The model's bands.
 * @returns High, medium and low, in that order.
 */
export function bandMeanings(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  bands: Bands,
): BandMeaning[] {
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i];
  const edges: [Band, number][] = [["high", bands.high], ["medium", bands.medium], ["low", 0]];
  return edges.map(([band, from]) => {
    let inBand = 0;
    let above = 0;
    let tp = 0;
    for (let i = 0; i < n; i++) {
      if (scores[i] < from) continue;
      above++;
      tp += labels[i];
      if (bandOf(bands, scores[i]) === band) inBand++;
    }
    return {
      band,
      from,
      share: _ratio(inBand, n),
      recall: _ratio(tp, positives),
      precision: _ratio(tp, above),
    };
  });
}

/** Risk bands: a probability at or above `high` is high risk (flagged), at or above `medium` is medium. */
export interface Bands {
  medium: number;
  high: number;
}

/** Risk band names, lowest first. */
export type Band = "low" | "medium" | "high";

/**
 * Chooses the risk bands around a decision threshold on held-out scores. The watch (medium) band
 * reaches a recall target, or, when the decision threshold already does, half of the way from its
 * recall to 1, so the medium band still names the next students to look at. When the decision
 * already finds every held-out positive, the band starts half-way between the decision and the
 * highest held-out score below it. With a capacity, the band then shrinks from below until it
 * holds at most `capacity.watch` of the held-out students (less one standard error), so no model
 * puts everyone on watch.
 *
 * @param labels 0/1 labels of the held-out rows.
 * @param scores Their calibrated probabilities.
 * @param options The decision threshold, the recall the watch band must reach and the capacity
 *   bounding its share.
 * @returns The bands; `high` is the decision threshold.
 */
export function chooseBands(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: { threshold: number; watchRecall: number; capacity?: Capacity },
): Bands {
  const bands = _recallBands(labels, scores, options);
  return options.capacity
    ? boundBands(bands, scores, { capacity: options.capacity, tolerant: true })
    : bands;
}

/**
 * Raises bands until, on some scores, the high band holds at most `capacity.flagged` of them and
 * the medium band at most `capacity.watch`, each less one standard error
 * ({@linkcode heldOutShare}). With `tolerant`, a band already within its capacity itself is kept
 * and only one over it is cut back (less the error): training decides so on validation, where a
 * model that finds every positive within capacity keeps its threshold. Without, any share over
 * the capacity less the error is cut: training applies that to the final model's scores of every
 * row it learned from, where a refitted model scores its own students higher than new ones.
 *
 * @param bands The bands chosen so far.
 * @param scores Probabilities of the students the shares are counted on.
 * @param options The capacity and whether a share within it is kept.
 * @returns Bands no lower than the given ones.
 */
export function boundBands(
  bands: Bands,
  scores: ArrayLike<number>,
  options: { capacity: Capacity; tolerant?: boolean },
): Bands {
  const { capacity, tolerant = false } = options;
  const n = scores.length;
  let high = bands.high;
  if (!tolerant || _shareAtOrAbove(scores, high) > capacity.flagged) {
    high = Math.max(high, capacityThreshold(scores, heldOutShare(capacity.flagged, n)));
  }
  // However far the recall target reaches, the band holds at most its share of the students.
  const flagged = _shareAtOrAbove(scores, high);
  let medium = Math.min(high, bands.medium);
  if (!tolerant || _shareAtOrAbove(scores, medium) - flagged > capacity.watch) {
    const floor = capacityThreshold(scores, Math.min(1, flagged + heldOutShare(capacity.watch, n)));
    medium = Math.min(high, Math.max(medium, floor));
  }
  return { medium, high };
}

function _shareAtOrAbove(scores: ArrayLike<number>, threshold: number): number {
  let n = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] >= threshold) n++;
  return scores.length === 0 ? 0 : n / scores.length;
}

function _recallBands(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: { threshold: number; watchRecall: number },
): Bands {
  const { threshold } = options;
  const { steps, positives } = _steps(labels, scores);
  const reached = steps.findLast((s) => s.threshold >= threshold);
  const decisionRecall = _ratio(reached?.tp ?? 0, positives);
  let watch = chooseThreshold(labels, scores, {
    kind: "min-recall",
    recall: Math.max(options.watchRecall, decisionRecall + (1 - decisionRecall) / 2),
  });
  // A model of a few inputs gives whole groups of students one score. When only watching every
  // student reaches the target, a band from the lowest score would name everyone: start it at the
  // next score up instead, the widest band that still leaves the lowest-risk students out.
  const lowest = steps[steps.length - 1].threshold;
  if (watch <= lowest && steps.length > 1) watch = steps[steps.length - 2].threshold;
  if (watch >= threshold) {
    // The decision already finds every held-out positive, so no recall target places a band below
    // it: the band takes the upper half of the gap between the decision and the highest-scored
    // held-out student below it, naming new students the model scores between the two groups.
    const under = steps.find((s) => s.threshold < threshold)?.threshold;
    return { medium: under === undefined ? threshold : (under + threshold) / 2, high: threshold };
  }
  return { medium: watch, high: threshold };
}

/**
 * The band of a probability.
 *
 * @param bands The model's bands.
 * @param probability A probability.
 * @returns low, medium or high.
 */
export function bandOf(bands: Bands, probability: number): Band {
  return probability >= bands.high ? "high" : probability >= bands.medium ? "medium" : "low";
}
