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
  recallAtTop,
  rocAuc,
  rocCurve,
  summarize,
  type Summary,
} from "./metrics.ts";
export {
  type Band,
  type BandMeaning,
  bandMeanings,
  bandOf,
  type Bands,
  boundBands,
  type Capacity,
  capacityThreshold,
  chooseBands,
  chooseDecision,
  chooseThreshold,
  DEFAULT_CAPACITY,
  heldOutShare,
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
export {
  bootstrapOof,
  type CvMetric,
  foldMetrics,
  OOF_METRICS,
  type OofBootstrapOptions,
  type OofMetricName,
  type OofMetrics,
  oofMetrics,
  type OofRun,
} from "./oof.ts";
export { correctedResampledTTest, type TTestOptions, type TTestResult } from "./compare.ts";
export {
  lnGamma,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  studentTTwoSided,
} from "./student_t.ts";
