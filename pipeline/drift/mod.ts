/**
 * The drift stage: the training distributions a model keeps (bins and counts per input) and the
 * drift report of new rows against them (population stability index per input, unseen values,
 * missing rates).
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
  type DriftBin,
  driftCounter,
  type DriftReport,
  driftReport,
  driftSummary,
  DriftUnavailableError,
  EMPTY_BIN_SHARE,
  type FeatureDrift,
  psi,
} from "./report.ts";
