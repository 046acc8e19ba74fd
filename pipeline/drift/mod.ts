/**
 * The drift stage: the training distributions a model keeps (bins and counts per input) and the
 * drift report of new rows against them (population stability index per input, unseen values,
 * missing rates), judged against what sampling alone explains at that many rows.
 *
 * @module
 */
export {
  binOf,
  type CategoryDistribution,
  DriftCounter,
  type FeatureDistribution,
  type NumericDistribution,
  QUANTILE_BINS,
  type TrainingDistributions,
  trainingDistributions,
} from "./distributions.ts";
export {
  datasetDrift,
  DEFAULT_DRIFT_THRESHOLD,
  DRIFT_ALPHA,
  type DriftBin,
  driftCounter,
  type DriftReport,
  driftReport,
  driftSummary,
  DriftUnavailableError,
  type FeatureDrift,
  MIN_DRIFT_ROWS,
} from "./report.ts";
export { EMPTY_BIN_SHARE, psi } from "./psi.ts";
export { holm, MIN_RESAMPLES, samplingPValues } from "./sampling.ts";
