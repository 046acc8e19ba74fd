/**
 * The warning of a score that says more about the training average than about the student: the
 * inputs that were missing, and got the training value, carry most (over half) of the model's
 * weight, measured by its permutation importance. The API, the batch route, `deno task score` and
 * the page give it wherever the score appears.
 *
 * @module
 */
import type { Predictor } from "./predictor.ts";

const weightShares = new WeakMap<Predictor, Map<string, number>>();

/**
 * Each input the model reads, with its share of the model's permutation importance (a negative
 * drop counts as 0).
 *
 * @param predictor The model.
 * @returns Shares adding up to 1 (empty when the model keeps no importance).
 */
export function weightSharesOf(predictor: Predictor): ReadonlyMap<string, number> {
  let shares = weightShares.get(predictor);
  if (!shares) {
    const weights = (predictor.metadata.importance ?? [])
      .filter((i) => predictor.usedSet.has(i.feature))
      .map((i) => [i.feature, Math.max(0, i.importance)] as const);
    const total = weights.reduce((a, [, w]) => a + w, 0);
    shares = new Map(total > 0 ? weights.map(([f, w]) => [f, w / total]) : []);
    weightShares.set(predictor, shares);
  }
  return shares;
}

/**
 * The warning of a prediction whose imputed inputs carry most of the model's weight.
 *
 * @param predictor The model.
 * @param imputed The inputs that got the training value.
 * @returns The warning, or undefined when the imputed inputs carry half the weight or less.
 */
export function imputedWarning(predictor: Predictor, imputed: string[]): string | undefined {
  if (imputed.length === 0) return undefined;
  const shares = weightSharesOf(predictor);
  let share = 0;
  for (const f of imputed) share += shares.get(f) ?? 0;
  if (share <= 0.5) return undefined;
  const heavy = imputed.filter((f) => (shares.get(f) ?? 0) > 0);
  return `Imputed inputs carry ${Math.round(share * 100)} % of this model's weight ` +
    `(permutation importance): ${heavy.join(", ")}; the answer is mostly the training average`;
}
