/**
 * Fitting models: training a profile end to end, repeated cross-validation and nested tuning.
 * They sit above `evaluate/` because every one of them fits a model and then scores it.
 *
 * @module
 */
export { DEFAULT_TRAIN_POLICY, fitOnRows, type FittedPipeline, scoreRows } from "./fit.ts";
export {
  type CohortForward,
  type Evaluation,
  type TrainedModel,
  type TrainOptions,
  trainProfile,
} from "./train_profile.ts";
export {
  CHOICE_ROWS,
  CHOICE_SPACE,
  type ChoiceBudget,
  choiceBudget,
  chooseModel,
  crossValidateProfile,
  foldsInWorkers,
  FULL_SPACE_ROWS,
  HOLDOUT_ROWS,
  LARGE_FOLDS,
  LARGE_SPACE,
  type ModelChoice,
  needsChoice,
} from "./choose.ts";
export {
  choiceName,
  crossValidate,
  type CvCohort,
  type CvFairness,
  type CvInterval,
  type CvOptions,
  type CvPredictions,
  type CvReport,
  DEFAULT_CV_POLICY,
  type FoldJob,
  type FoldResult,
  runFold,
} from "./cv.ts";
export {
  BASELINE_RULE,
  type CandidateComparison,
  compareCandidates,
  type CompareOptions,
  oneStandardErrorChoice,
  tune,
  TUNE_SPACE,
  type TuneCriterion,
  type TuneOptions,
  type TuneReport,
} from "./tune.ts";
