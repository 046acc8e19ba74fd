/**
 * Reasons and probabilities as people read them, one home for the pipeline's text: a share under
 * 1 % reads "< 1 %" (not "0.0 %", which claims a certainty no model has), a contribution reads in
 * percentage points with its sign, and a reason names the input, the student's value and what it
 * does to the risk.
 *
 * @module
 */
import type { Reason } from "./integrated_gradients.ts";

/**
 * A probability as a percentage a reader can trust: "< 1 %" and "> 99 %" at the ends, one
 * decimal between.
 *
 * @param p A probability in [0, 1].
 * @returns e.g. `12.3 %`, `< 1 %`.
 * @example
 * ```ts
 * percentText(0.0004); // "< 1 %"
 * percentText(0.154); // "15.4 %"
 * ```
 */
export function percentText(p: number): string {
  if (!Number.isFinite(p)) return "n/a";
  if (p < 0.01) return "< 1 %";
  if (p > 0.99) return "> 99 %";
  return `${(100 * p).toFixed(1)} %`;
}

/**
 * A change in probability in percentage points, signed; changes under 0.1 point read "< 0.1 pts".
 *
 * @param delta The change, as a probability difference.
 * @returns e.g. `+12.3 pts`, `−2.8 pts`.
 */
export function pointsText(delta: number): string {
  const pts = 100 * delta;
  if (Math.abs(pts) < 0.05) return "< 0.1 pts";
  return `${pts > 0 ? "+" : "−"}${Math.abs(pts).toFixed(1)} pts`;
}

/**
 * One reason in a sentence: the input, the student's value and its change to the risk against
 * the baseline student.
 *
 * @param reason A reason.
 * @returns e.g. `Grade_2 = 8 raises risk +12.3 pts`.
 */
export function reasonText(reason: Reason): string {
  const value = reason.value === null ? "not given" : String(reason.value);
  return `${reason.feature} = ${value} ${reason.direction} risk ${pointsText(reason.contribution)}`;
}

/**
 * What reasons are measured against, in one sentence: the baseline student's probability beside
 * the share of training students with the outcome.
 *
 * @param baseline The baseline's probability.
 * @param trainingRate The share of positives in the training data.
 * @returns The sentence.
 */
export function baselineText(baseline: number, trainingRate: number): string {
  return `Reasons are changes from the model's baseline student, scored ${
    percentText(baseline)
  }; in training ${percentText(trainingRate)} of students had the outcome`;
}

/**
 * The header of a scored CSV, one home for `deno task score` and the batch route: the row, the
 * id columns carried through, the score and its band, the imputed count and warning, then the
 * baseline and `reasons` reason columns when reasons are asked for, and the row's error.
 *
 * @param extras The columns carried through (the spec's ids).
 * @param reasons How many reason columns.
 * @returns The column names.
 */
export function scoredCsvHeader(extras: readonly string[], reasons: number): string[] {
  const reasonColumns = Array.from({ length: reasons }, (_, k) => `reason_${k + 1}`);
  return [
    "row",
    ...extras,
    "probability",
    "at_risk",
    "band",
    "imputed",
    "warning",
    ...(reasons > 0 ? ["baseline", ...reasonColumns] : []),
    "error",
  ];
}
