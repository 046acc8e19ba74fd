/**
 * Fitting models: training a profile end to end, repeated cross-validation and nested tuning.
 * They sit above `evaluate/` because every one of them fits a model and then scores it.
 *
 * @module
 */
export {
  DEFAULT_TRAIN_POLICY,
  type Evaluation,
  fitOnRows,
  type FittedPipeline,
  scoreRows,
  type TrainedModel,
  type TrainOptions,
  trainProfile,
} from "./fit.ts";
export {
  crossValidate,
  type CvFairness,
  type CvInterval,
  type CvOptions,
  type CvPredictions,
  type CvReport,
  DEFAULT_CV_POLICY,
} from "./cv.ts";
export {
  BASELINE_RULE,
  oneStandardErrorChoice,
  tune,
  TUNE_SPACE,
  type TuneCriterion,
  type TuneOptions,
  type TuneReport,
} from "./tune.ts";
