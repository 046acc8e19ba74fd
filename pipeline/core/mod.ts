/**
 * Foundations every stage shares: the typed errors, seeded randomness, atomic file writes and CSV
 * writing.
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
export { syncDir, writeFileAtomic } from "./atomic.ts";
export { csvField, csvLine } from "./csv.ts";
export { DEFAULT_SEED, deriveSeed, mulberry32, sampleIndices, shuffleInPlace } from "./random.ts";
