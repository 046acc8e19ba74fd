/**
 * The hyper-parameters of the random forest: their meaning, the defaults and their checks.
 *
 * @module
 */
import { _check, _isInt, _isNumber, _merge } from "./_params.ts";
import { MAX_BINS } from "./_binning.ts";

const MODEL = "RandomForestClassifier";

/** Hyper-parameters of `RandomForestClassifier`. */
export interface RandomForestParams {
  /** Trees in the forest. */
  nTrees: number;
  /** Impurity a split lowers. */
  criterion: "gini" | "entropy";
  /** Columns searched per node: `sqrt`, `log2`, `all`, a count ≥ 1 or a fraction in (0, 1). */
  maxFeatures: "sqrt" | "log2" | "all" | number;
  /** Fewest distinct training rows in a leaf. */
  minSamplesLeaf: number;
  /** Fewest distinct rows a node needs to be split. */
  minSamplesSplit: number;
  /** Deepest a leaf may be (root = 0); null for no limit. */
  maxDepth: number | null;
  /** Draw each tree's rows with replacement (false: every tree sees every row). */
  bootstrap: boolean;
  /** Rows drawn per tree as a fraction of n, in (0, 1]; null draws n. */
  maxSamples: number | null;
  /** One random cut per column instead of the best (extremely randomised trees). */
  randomSplits: boolean;
  /** Bins per column at most, 2–255. */
  maxBins: number;
}

/**
 * Defaults chosen by 2 × 10-fold cross-validation on the student data, by log loss and Brier
 * score with ROC-AUC as a check (see README.md beside this file): a third of the columns per
 * node (the one-hot columns make √d too few to meet the strong ones often), leaves of at least
 * 3 rows, and 100 trees of depth at most 6. Fully grown, 300 trees scored the same within the
 * folds' noise (log loss summed over setups A, B and C 0.698 against 0.700 for these), but
 * explaining one student took 6 times as long: exact TreeSHAP costs leaves × depth² per tree, and
 * a tree of depth 6 splits on few enough columns per path to be explained from tables
 * (`_shap_tables.ts`).
 */
export const DEFAULT_FOREST_PARAMS: RandomForestParams = {
  nTrees: 100,
  criterion: "gini",
  maxFeatures: 0.33,
  minSamplesLeaf: 3,
  minSamplesSplit: 2,
  maxDepth: 6,
  bootstrap: true,
  maxSamples: null,
  randomSplits: false,
  maxBins: MAX_BINS,
};

/**
 * Checks and completes forest parameters.
 *
 * @param params Partial parameters.
 * @returns The full set.
 * @throws {InputError} Naming the first bad parameter.
 */
export function forestParams(params: Partial<RandomForestParams> = {}): RandomForestParams {
  const p = _merge(MODEL, DEFAULT_FOREST_PARAMS, params);
  const check = (ok: boolean, name: keyof RandomForestParams, expected: string) =>
    _check(ok, MODEL, name, p[name], expected);
  check(_isInt(p.nTrees, 1), "nTrees", "an integer >= 1");
  check(p.criterion === "gini" || p.criterion === "entropy", "criterion", "gini or entropy");
  const mf = p.maxFeatures;
  check(
    mf === "sqrt" || mf === "log2" || mf === "all" ||
      (_isNumber(mf) && (Number.isInteger(mf) ? mf >= 1 : mf > 0 && mf < 1)),
    "maxFeatures",
    "sqrt, log2, all, an integer >= 1 or a fraction in (0, 1)",
  );
  check(_isInt(p.minSamplesLeaf, 1), "minSamplesLeaf", "an integer >= 1");
  check(_isInt(p.minSamplesSplit, 2), "minSamplesSplit", "an integer >= 2");
  check(p.maxDepth === null || _isInt(p.maxDepth, 1), "maxDepth", "an integer >= 1 or null");
  check(typeof p.bootstrap === "boolean", "bootstrap", "true or false");
  check(
    p.maxSamples === null || (_isNumber(p.maxSamples) && p.maxSamples > 0 && p.maxSamples <= 1),
    "maxSamples",
    "a fraction in (0, 1] or null",
  );
  check(typeof p.randomSplits === "boolean", "randomSplits", "true or false");
  check(_isInt(p.maxBins, 2) && p.maxBins <= MAX_BINS, "maxBins", "an integer 2–255");
  return p;
}

/** The number of columns searched per node for `d` columns. */
export function _mtry(maxFeatures: RandomForestParams["maxFeatures"], d: number): number {
  if (maxFeatures === "sqrt") return Math.max(1, Math.floor(Math.sqrt(d)));
  if (maxFeatures === "log2") return Math.max(1, Math.floor(Math.log2(d)));
  if (maxFeatures === "all") return d;
  return Math.min(
    d,
    Number.isInteger(maxFeatures) ? maxFeatures : Math.max(1, Math.floor(maxFeatures * d)),
  );
}
