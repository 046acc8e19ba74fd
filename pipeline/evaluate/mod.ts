/**
 * Scoring predictions: metrics, decision thresholds and risk bands, bootstrap intervals,
 * fairness audits and permutation importance. Pure functions of labels, scores and data.
 *
 * @module
 */
export {
  averagePrecision,
  brierScore,
  type CalibrationBin,
  calibrationBins,
  type Confusion,
  confusion,
  type CurvePoint,
  evaluate,
  logLoss,
  type Metrics,
  prCurve,
  rocAuc,
  rocCurve,
  summarize,
  type Summary,
} from "./metrics.ts";
export {
  type Band,
  bandOf,
  type Bands,
  chooseBands,
  chooseThreshold,
  parsePolicy,
  POLICY_FORMS,
  policyText,
  type ThresholdPolicy,
} from "./thresholds.ts";
export {
  DEFAULT_SENSITIVE,
  type FairnessReport,
  fairnessReport,
  type GroupRates,
} from "./fairness.ts";
export { bootstrapIntervals, CI_METRICS, type Interval } from "./intervals.ts";
export { type Importance, permutationImportance, PUBLISHED_TOP_INPUTS } from "./importance.ts";
