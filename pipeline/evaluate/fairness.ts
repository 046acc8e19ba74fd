/**
 * Group fairness of a model's decisions on held-out data: per group of a
 * sensitive column, the true- and false-positive rates, precision and the
 * positive (flagged) rate, and two summary gaps: the equalized-odds difference
 * (the larger of the TPR and FPR gaps between groups; Hardt, Price & Srebro,
 * 2016) and the demographic-parity difference (the gap in positive rates).
 *
 * @module
 */
import type { Cell } from "../data/cells.ts";

/** Decision rates of one group. */
export interface GroupRates {
  group: string;
  n: number;
  positives: number;
  tpr: number;
  fpr: number;
  precision: number;
  positive_rate: number;
}

/** The audit of one sensitive column. */
export interface FairnessReport {
  column: string;
  groups: GroupRates[];
  equalized_odds_difference: number;
  demographic_parity_difference: number;
}

/** Columns audited by default, when the spec has them. */
export const DEFAULT_SENSITIVE = ["Gender", "Address", "School"];

/**
 * Audits decisions by the groups of one column.
 *
 * @param column The column's name.
 * @param groups Each row's group value.
 * @param labels 0/1 true labels.
 * @param decisions 0/1 decisions (flagged at risk).
 * @returns Rates per group and the two gaps (0 when there is one group).
 */
export function fairnessReport(
  column: string,
  groups: Cell[],
  labels: ArrayLike<number>,
  decisions: ArrayLike<number>,
): FairnessReport {
  const byGroup = new Map<string, { tp: number; fp: number; tn: number; fn: number }>();
  groups.forEach((g, i) => {
    const key = g === null ? "(missing)" : String(g);
    const c = byGroup.get(key) ?? { tp: 0, fp: 0, tn: 0, fn: 0 };
    if (labels[i]) decisions[i] ? c.tp++ : c.fn++;
    else decisions[i] ? c.fp++ : c.tn++;
    byGroup.set(key, c);
  });
  const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
  const rates = [...byGroup.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([group, c]) => {
    const n = c.tp + c.fp + c.tn + c.fn;
    return {
      group,
      n,
      positives: c.tp + c.fn,
      tpr: ratio(c.tp, c.tp + c.fn),
      fpr: ratio(c.fp, c.fp + c.tn),
      precision: ratio(c.tp, c.tp + c.fp),
      positive_rate: ratio(c.tp + c.fp, n),
    };
  });
  const gap = (pick: (r: GroupRates) => number) =>
    rates.length < 2 ? 0 : Math.max(...rates.map(pick)) - Math.min(...rates.map(pick));
  return {
    column,
    groups: rates,
    equalized_odds_difference: Math.max(gap((r) => r.tpr), gap((r) => r.fpr)),
    demographic_parity_difference: gap((r) => r.positive_rate),
  };
}
