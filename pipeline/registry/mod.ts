/**
 * One artifact folder per model: its metadata, model card, atomic writing, loading as a
 * predictor, and the registry that lists, activates and rolls back models.
 *
 * @module
 */
export { ARTIFACT_VERSION, buildMetadata, type ModelMetadata } from "./metadata.ts";
export { modelCard } from "./model_card.ts";
export {
  DEFAULT_KEEP,
  type ModelSummary,
  type PruneResult,
  Registry,
  type RegistryOptions,
} from "./registry.ts";
export { loadPredictor, type Prediction, Predictor } from "./predictor.ts";
export { imputedWarning, weightSharesOf } from "./imputed_warning.ts";
