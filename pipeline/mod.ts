/**
 * The dropout early-warning pipeline: the one door through which notebooks,
 * the server, the command-line tasks and the tests reach it.
 *
 * Stages follow the scikit-learn contract in TypeScript: a stage's constructor
 * stores parameters, `fit()` learns from the training split only, `transform()`
 * is pure, and learned state is plain JSON.
 *
 * @example Train the default profile and score one student
 * ```ts
 * import { loadDataset, loadSpec, Registry, trainProfile } from "./mod.ts";
 *
 * const spec = await loadSpec("data/specs/student_dropout.json");
 * const data = await loadDataset("../shared/data/student_dropout.csv", spec);
 * const trained = await trainProfile(data, spec, { profile: "early-A", seed: 7 });
 * const registry = new Registry("models");
 * const saved = await registry.save(trained, { data, spec });
 * await registry.activate(saved.id);
 * const predictor = await registry.load(saved.id);
 * const [result] = predictor.predict(predictor.read([{ Age: 17, Grade_1: 8 }]));
 * console.log(result.probability, result.band, result.imputed);
 * ```
 *
 * @module
 */
export {
  ArtifactError,
  formatIssue,
  GateError,
  InputError,
  MAX_SHOWN_VALUE,
  NotFittedError,
  PipelineError,
  SchemaError,
  type SchemaIssue,
  shownValue,
} from "./errors.ts";
export {
  column,
  type ColumnSpec,
  type ColumnType,
  type DatasetSpec,
  leaksOf,
  loadSpec,
  parseSpec,
  type Profile,
  profileOf,
} from "./spec.ts";
export {
  type Cell,
  type CellResult,
  expectation,
  readCell,
  readRecord,
  type Row,
} from "./cells.ts";
export {
  type Dataset,
  DEFAULT_DATA,
  loadDataset,
  type LoadOptions,
  parseDataset,
  parseDatasetChunks,
  resolveDataPath,
  rowAt,
  sha256Hex,
  takeRows,
} from "./dataset.ts";
export { DEFAULT_MAX_CATEGORIES, inferSpec, type InferSpecOptions } from "./infer_spec.ts";
export {
  type EncodedRow,
  Preprocessor,
  type PreprocessorParams,
  type PreprocessorState,
} from "./preprocess.ts";
export {
  classWeights,
  DEFAULT_MODEL_PARAMS,
  type EpochLog,
  MlpClassifier,
  type ModelArtifacts,
  type ModelParams,
  modelParams,
} from "./model.ts";
export {
  type Fold,
  repeatedStratifiedKFold,
  type Split,
  stratifiedHoldout,
  stratifiedSplit,
} from "./split.ts";
export {
  averagePrecision,
  brierScore,
  type CalibrationBin,
  calibrationBins,
  chooseThreshold,
  type Confusion,
  confusion,
  type CurvePoint,
  evaluate,
  logLoss,
  type Metrics,
  parsePolicy,
  POLICY_FORMS,
  policyText,
  prCurve,
  recallAtTop,
  rocAuc,
  rocCurve,
  summarize,
  type Summary,
  type ThresholdPolicy,
} from "./metrics.ts";
export {
  type Bands,
  DEFAULT_SEED,
  DEFAULT_TRAIN_POLICY,
  type Evaluation,
  fitOnRows,
  type FittedPipeline,
  scoreRows,
  type TrainedModel,
  type TrainOptions,
  trainProfile,
} from "./train.ts";
export {
  crossValidate,
  type CvFairness,
  type CvInterval,
  type CvOptions,
  type CvPredictions,
  type CvReport,
  DEFAULT_CV_POLICY,
  PUBLISHED_PCC,
} from "./cv.ts";
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
export { lnGamma, regularizedIncompleteBeta, studentTCdf, studentTTwoSided } from "./student_t.ts";
export {
  calibrate,
  type Calibration,
  chooseCalibration,
  fitPlatt,
  logitMap,
  priorCorrection,
} from "./calibration.ts";
export { type Explanation, IG_STEPS, integratedGradients, type Reason } from "./explain.ts";
export {
  DEFAULT_SENSITIVE,
  type FairnessReport,
  fairnessReport,
  type GroupRates,
} from "./fairness.ts";
export { bootstrapIntervals, CI_METRICS, type Interval } from "./intervals.ts";
export { type Importance, permutationImportance, PUBLISHED_TOP_INPUTS } from "./importance.ts";
export { ARTIFACT_VERSION, buildMetadata, type ModelMetadata } from "./artifacts.ts";
export { modelCard } from "./model_card.ts";
export { tune, TUNE_SPACE, type TuneCriterion, type TuneOptions, type TuneReport } from "./tune.ts";
export { type ModelSummary, Registry, type RegistryOptions } from "./registry.ts";
export { type Band, loadPredictor, type Prediction, Predictor } from "./predictor.ts";
export { ensureBackend, tensorCount } from "./backend.ts";
export { ensureActiveModels, type EnsureOptions } from "./bootstrap.ts";
export { syncDir, writeFileAtomic } from "./_atomic.ts";
export { csvField, csvLine } from "./csv_out.ts";
export { deriveSeed, mulberry32, sampleIndices, shuffleInPlace } from "./_random.ts";
export {
  correlationMatrix,
  type FeatureGroup,
  featureNames,
  type FeatureRates,
  featureRates,
  type PerfectCut,
} from "./feature_rates.ts";
export {
  classBalanceFigure,
  type ClassBalanceOptions,
  correlationFigure,
  type FeatureFigure,
  featureFigure,
  type PlotlyFigure,
} from "./figures.ts";
export { baseLayout, COLOR, paletteColor } from "./_plotly.ts";
export { plotlyLoaderScript } from "./plotly_embed.ts";
export {
  COMPARED_METRICS,
  cvFigure,
  HIGHLIGHT_LABEL,
  importanceFigure,
  metricsFigure,
  type ModelView,
  trainingCurvesFigure,
} from "./figures_model.ts";
export {
  calibrationFigure,
  confusionFigure,
  prFigure,
  rocFigure,
  thresholdFigure,
} from "./figures_eval.ts";
export {
  type PartCount,
  type SplitManifest,
  splitManifest,
  writeSplitManifest,
} from "./split_manifest.ts";
