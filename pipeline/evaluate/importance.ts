/**
 * Global explanations: permutation importance (Breiman, 2001) on held-out
 * rows. A feature's importance is the drop in ROC-AUC when its values are
 * shuffled across the rows, averaged over a few seeded repeats; a feature's
 * one-hot columns move together because the raw values are shuffled before
 * encoding.
 *
 * @module
 */
import type { Cell } from "../data/cells.ts";
import type { Dataset } from "../data/dataset.ts";
import { rocAuc } from "./metrics.ts";
import { deriveSeed, mulberry32, shuffleInPlace } from "../core/random.ts";

/** One feature's importance. */
export interface Importance {
  feature: string;
  /** Mean drop in ROC-AUC when the feature is shuffled. */
  importance: number;
  /** Standard deviation of the drop over the repeats. */
  sd: number;
}

/**
 * Measures permutation importance of each feature.
 *
 * @param data Held-out rows with labels.
 * @param features The model's input columns.
 * @param options The scorer (rows → probabilities), the repeat count and the seed.
 * @returns Importances, largest first.
 */
export function permutationImportance(
  data: Dataset,
  features: string[],
  options: { score: (data: Dataset) => ArrayLike<number>; repeats?: number; seed: number },
): Importance[] {
  const base = rocAuc(data.labels, options.score(data));
  const repeats = options.repeats ?? 5;
  const out = features.map((feature, j) => {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const shuffled: Cell[] = [...data.cells[feature]];
      shuffleInPlace(shuffled, mulberry32(deriveSeed(options.seed, j, r)));
      const permuted = { ...data, cells: { ...data.cells, [feature]: shuffled } };
      drops.push(base - rocAuc(data.labels, options.score(permuted)));
    }
    const mean = drops.reduce((a, b) => a + b, 0) / repeats;
    const sd = Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, repeats - 1));
    return { feature, importance: mean, sd };
  });
  return out.sort((a, b) => b.importance - a.importance);
}

/**
 * The five most relevant inputs of the best model of each setup, Portuguese
 * class, binary pass/fail, in Cortez & Silva, _Using data mining to predict
 * secondary school student performance_ (2008), Table 6, most relevant first,
 * in this data's column names: setup B (G1, failures, higher, school, Mjob)
 * and setup C (failures, school, higher, traveltime, famrel). Keyed by the
 * profile that reproduces the setup.
 *
 * @example
 * ```ts
 * const paper = PUBLISHED_TOP_INPUTS["early-C"]; // ["Number_of_Failures", "School", …]
 * ```
 */
export const PUBLISHED_TOP_INPUTS: Record<string, string[]> = {
  "early-B": [
    "Grade_1",
    "Number_of_Failures",
    "Wants_Higher_Education",
    "School",
    "Mother_Job",
  ],
  "early-C": [
    "Number_of_Failures",
    "School",
    "Wants_Higher_Education",
    "Travel_Time",
    "Family_Relationship",
  ],
};
