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
  MAX_SHOWN_NAME,
  MAX_SHOWN_NAMES,
  MAX_SHOWN_VALUE,
  NotFittedError,
  PipelineError,
  SchemaError,
  type SchemaIssue,
  shownName,
  shownNames,
  shownValue,
} from "./errors.ts";
export { isHeld, syncDir, whileHolding, writeFileAtomic } from "./atomic.ts";
export { csvField, csvLine, neutralised } from "./csv.ts";
export { DEFAULT_SEED, deriveSeed, mulberry32, sampleIndices, shuffleInPlace } from "./random.ts";
