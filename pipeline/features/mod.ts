/**
 * The feature stage: the preprocessor that learns encodings on the training split only.
 *
 * @module
 */
export {
  type EncodedRow,
  Preprocessor,
  type PreprocessorParams,
  type PreprocessorState,
} from "./preprocessor.ts";
