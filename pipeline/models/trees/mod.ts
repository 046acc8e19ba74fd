/**
 * Tree models for dense tabular rows, in pure TypeScript: a random forest (or extremely
 * randomised trees) and gradient-boosted trees, both on quantile histograms of at most 255 bins
 * per column, with flat typed-array nodes for fast prediction and exact TreeSHAP explanations.
 *
 * Every model keeps the scikit-learn contract: the constructor stores parameters (checked, an
 * InputError names a bad one), `fit()` returns `this`, prediction before `fit` throws
 * NotFittedError, and `toJSON()` / `fromJSON()` save and restore plain JSON.
 *
 * @example
 * ```ts
 * import { groupContributions, RandomForestClassifier, treeModelFromJSON } from "./mod.ts";
 *
 * const forest = new RandomForestClassifier().fit(x, y, { d, seed: 42 });
 * const risk = forest.predictProba(x.subarray(0, d))[0];
 * const { base, contributions } = forest.explain(x.subarray(0, d)); // base + Σ = risk
 * const perFeature = groupContributions(contributions, groups); // one-hot columns summed
 * const again = treeModelFromJSON(JSON.parse(JSON.stringify(forest)));
 * ```
 *
 * @module
 */
export type {
  EncodedTrees,
  Explanation,
  TabularClassifier,
  TreeArrays,
  TreeFitOptions,
  TreeModelJSON,
} from "./tabular.ts";
export { RandomForestClassifier, type RandomForestState } from "./random_forest.ts";
export { DEFAULT_FOREST_PARAMS, forestParams, type RandomForestParams } from "./forest_params.ts";
export { GradientBoostingClassifier, type GradientBoostingState } from "./gradient_boosting.ts";
export {
  boostingParams,
  DEFAULT_BOOSTING_PARAMS,
  type GradientBoostingParams,
} from "./boosting_params.ts";
export { TREE_MODEL_KINDS, treeModelFromJSON } from "./from_json.ts";
export { groupContributions } from "./tree_shap.ts";
