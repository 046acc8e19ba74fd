/**
 * The data stage: the dataset spec as data, cell rules, validated loading, spec inference, the
 * seeded stratified split and its manifest, and per-feature outcome rates.
 *
 * @module
 */
export {
  column,
  type ColumnSpec,
  type ColumnType,
  type DatasetSpec,
  leaksOf,
  loadSpec,
  type OutcomeWords,
  parseSpec,
  type PeerFigures,
  type PeersRecord,
  type Profile,
  profileOf,
  type PublishedFigures,
} from "./spec.ts";
export { type SpecTexts, specTexts } from "./spec_texts.ts";
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
export { checkHeader, INPUT_LIMITS, type InputLimits } from "./input_limits.ts";
export {
  type ColumnDecision,
  DEFAULT_MAX_CATEGORIES,
  type InferredSpec,
  inferSpec,
  type InferSpecOptions,
  inferSpecWithReasons,
  MAX_CODES,
  reviewTable,
} from "./infer_spec.ts";
export {
  type Fold,
  repeatedStratifiedKFold,
  type Split,
  stratifiedHoldout,
  stratifiedSplit,
} from "./split.ts";
export {
  correlationMatrix,
  type FeatureGroup,
  featureNames,
  type FeatureRates,
  featureRates,
  type PerfectCut,
} from "./feature_rates.ts";
export {
  type PartCount,
  type SplitManifest,
  splitManifest,
  writeSplitManifest,
} from "./manifest.ts";
export { cohortSplit, type CohortSplitOptions, cohortValues, withoutInput } from "./cohort.ts";
