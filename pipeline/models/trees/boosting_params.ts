/**
 * The hyper-parameters of gradient boosting: their meaning, the defaults and their checks.
 *
 * @module
 */
import { _check, _isInt, _isNumber, _merge } from "./_params.ts";
import { MAX_BINS } from "./_binning.ts";

const MODEL = "GradientBoostingClassifier";

/** Hyper-parameters of `GradientBoostingClassifier`. */
export interface GradientBoostingParams {
  /** Boosting rounds at most (one tree each). */
  nRounds: number;
  /** Shrinkage of every leaf value, in (0, 1]. */
  learningRate: number;
  /** Leaves per tree at most. */
  maxLeafNodes: number;
  /** Deepest a leaf may be (root = 0); null for no limit but `maxLeafNodes`. */
  maxDepth: number | null;
  /** Fewest training rows in a leaf. */
  minSamplesLeaf: number;
  /** Smallest hessian sum in a leaf. */
  minHessianLeaf: number;
  /** L2 penalty λ on leaf values: value = −G / (H + λ). */
  l2: number;
  /** Smallest loss reduction a split must bring. */
  minGainToSplit: number;
  /** Fraction of rows drawn (without replacement) for each tree, in (0, 1]. */
  subsample: number;
  /** Fraction of columns each tree may split on, in (0, 1]. */
  colsample: number;
  /** With validation rows: stop after this many rounds without a lower validation log loss. */
  patience: number;
  /** Bins per column at most, 2–255. */
  maxBins: number;
  /** A category column with at most this many categories present splits one against the rest. */
  maxCatToOnehot: number;
  /**
   * Category splits: categories with fewer rows are left out of the left set, and the rest are
   * ordered by G / (H + catSmooth).
   */
  catSmooth: number;
  /** Extra L2 on the children of a category split (a set of categories fits noise easily). */
  catL2: number;
  /** Categories on the left of a category split at most. */
  maxCatThreshold: number;
  /** Rows between two candidate sets of a category split, and the fewest on its right. */
  minDataPerGroup: number;
}

/**
 * Defaults chosen by 2 × 10-fold cross-validation on the student data, by log loss and Brier
 * score with ROC-AUC as a check (see README.md beside this file): slow shrinkage, trees of 8
 * leaves, row and column subsampling, and 100 rounds (300 overfit ~600 rows clearly). With
 * validation rows, early stopping may end sooner.
 */
export const DEFAULT_BOOSTING_PARAMS: GradientBoostingParams = {
  nRounds: 100,
  learningRate: 0.05,
  maxLeafNodes: 8,
  maxDepth: null,
  minSamplesLeaf: 10,
  minHessianLeaf: 1e-3,
  l2: 1,
  minGainToSplit: 0,
  subsample: 0.8,
  colsample: 0.8,
  patience: 20,
  maxBins: MAX_BINS,
  maxCatToOnehot: 4,
  catSmooth: 10,
  catL2: 10,
  maxCatThreshold: 32,
  minDataPerGroup: 100,
};

/**
 * Checks and completes boosting parameters.
 *
 * @param params Partial parameters.
 * @returns The full set.
 * @throws {InputError} Naming the first bad parameter.
 */
export function boostingParams(
  params: Partial<GradientBoostingParams> = {},
): GradientBoostingParams {
  const p = _merge(MODEL, DEFAULT_BOOSTING_PARAMS, params);
  const check = (ok: boolean, name: keyof GradientBoostingParams, expected: string) =>
    _check(ok, MODEL, name, p[name], expected);
  const fraction = (v: unknown) => _isNumber(v) && v > 0 && v <= 1;
  check(_isInt(p.nRounds, 1), "nRounds", "an integer >= 1");
  check(fraction(p.learningRate), "learningRate", "a number in (0, 1]");
  check(_isInt(p.maxLeafNodes, 2), "maxLeafNodes", "an integer >= 2");
  check(p.maxDepth === null || _isInt(p.maxDepth, 1), "maxDepth", "an integer >= 1 or null");
  check(_isInt(p.minSamplesLeaf, 1), "minSamplesLeaf", "an integer >= 1");
  check(_isNumber(p.minHessianLeaf) && p.minHessianLeaf >= 0, "minHessianLeaf", "a number >= 0");
  check(_isNumber(p.l2) && p.l2 >= 0, "l2", "a number >= 0");
  check(_isNumber(p.minGainToSplit) && p.minGainToSplit >= 0, "minGainToSplit", "a number >= 0");
  check(fraction(p.subsample), "subsample", "a fraction in (0, 1]");
  check(fraction(p.colsample), "colsample", "a fraction in (0, 1]");
  check(_isInt(p.patience, 1), "patience", "an integer >= 1");
  check(_isInt(p.maxBins, 2) && p.maxBins <= MAX_BINS, "maxBins", "an integer 2–255");
  check(_isInt(p.maxCatToOnehot, 1), "maxCatToOnehot", "an integer >= 1");
  check(_isNumber(p.catSmooth) && p.catSmooth >= 0, "catSmooth", "a number >= 0");
  check(_isNumber(p.catL2) && p.catL2 >= 0, "catL2", "a number >= 0");
  check(_isInt(p.maxCatThreshold, 1), "maxCatThreshold", "an integer >= 1");
  check(_isInt(p.minDataPerGroup, 1), "minDataPerGroup", "an integer >= 1");
  return p;
}
