/**
 * The one-input grade rule as a named baseline: Cortez & Silva's naive predictor ("fails if the
 * latest period grade is below 10") turned into probabilities by each fold's training rows.
 *
 * @module
 */
import type { Dataset, DatasetSpec } from "../../pipeline/mod.ts";
import { profileOf } from "../../pipeline/mod.ts";

/** The period grades of this data set, latest first. */
export const GRADE_COLUMNS = ["Grade_2", "Grade_1"] as const;
/** The pass mark of the Portuguese 0–20 scale. */
export const PASS_MARK = 10;

/** A baseline's out-of-fold predictions. */
export interface BaselinePredictions {
  name: string;
  /** `[run][row]`. */
  scores: number[][];
  /** `[run][fold]`. */
  fit_seconds: number[][];
}

/**
 * The latest grade a profile reads (not a leak), or undefined when it reads none.
 *
 * @param spec The dataset spec.
 * @param profile The profile name.
 * @returns The grade column.
 */
export function gradeOf(spec: DatasetSpec, profile: string): string | undefined {
  const { profile: p } = profileOf(spec, profile);
  return GRADE_COLUMNS.find((g) => p.features.includes(g) && !spec.leak.includes(g));
}

/**
 * Scores every row by the rule "grade below the pass mark": the probability given to a row is
 * the dropout rate, among its fold's training rows, of the students on the same side of the mark
 * (the overall training rate when that side is empty there). A missing grade counts as a fail.
 *
 * @param data The dataset with labels.
 * @param grade The grade column.
 * @param foldOf Each row's test fold per run.
 * @returns The rule's name, scores and (tiny) fit times.
 */
export function gradeRule(
  data: Dataset,
  grade: string,
  foldOf: number[][],
): BaselinePredictions {
  const cells = data.cells[grade];
  const fails = Array.from({ length: data.rows }, (_, i) => {
    const v = cells[i];
    return v === null || Number(v) < PASS_MARK ? 1 : 0;
  });
  const scores: number[][] = [];
  const seconds: number[][] = [];
  for (const assignment of foldOf) {
    const k = assignment.reduce((m, f) => Math.max(m, f + 1), 0);
    const run = new Array<number>(data.rows);
    const times: number[] = [];
    for (let fold = 0; fold < k; fold++) {
      const started = performance.now();
      const count = [0, 0];
      const dropped = [0, 0];
      for (let i = 0; i < data.rows; i++) {
        if (assignment[i] === fold) continue;
        count[fails[i]]++;
        dropped[fails[i]] += data.labels[i];
      }
      const overall = (dropped[0] + dropped[1]) / (count[0] + count[1]);
      const rate = [0, 1].map((side) => (count[side] > 0 ? dropped[side] / count[side] : overall));
      times.push((performance.now() - started) / 1000);
      for (let i = 0; i < data.rows; i++) if (assignment[i] === fold) run[i] = rate[fails[i]];
    }
    scores.push(run);
    seconds.push(times);
  }
  return { name: `rule: ${grade} < ${PASS_MARK}`, scores, fit_seconds: seconds };
}
