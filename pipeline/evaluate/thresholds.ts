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
  | { kind: "fixed"; threshold: number };

/** The written forms {@linkcode parsePolicy} reads, for messages. */
export const POLICY_FORMS =
  "f1, accuracy, min-recall:R, min-precision:P or fixed:T with R, P, T in [0, 1]";

/**
 * Reads a threshold policy from its written form: `f1`, `accuracy`, `min-recall:R`,
 * `min-precision:P` or `fixed:T` (R, P, T in [0, 1]).
 *
 * @param text The written form.
 * @returns The policy, or undefined when the text is none of the forms.
 */
export function parsePolicy(text: string): ThresholdPolicy | undefined {
  if (text === "f1" || text === "accuracy") return { kind: text };
  const m = /^(fixed|min-recall|min-precision):(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(text);
  if (!m) return undefined;
  const value = Number(m[2]);
  if (m[1] === "fixed") return { kind: "fixed", threshold: value };
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
 * students flagged at that precision); "fixed" returns its threshold (0.5 on calibrated
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
 * highest held-out score below it.
 *
 * @param labels 0/1 labels of the held-out rows.
 * @param scores Their calibrated probabilities.
 * @param options The decision threshold and the recall the watch band must reach.
 * @returns The bands; `high` is the decision threshold.
 */
export function chooseBands(
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
