/**
 * The model families and what they share: the tfjs backend, the multilayer perceptron and
 * probability calibration.
 *
 * @module
 */
export {
  BLEND_MEMBERS,
  type BlendMember,
  blendMembers,
  classWeights,
  DEFAULT_MODEL_PARAMS,
  type EpochLog,
  MlpClassifier,
  type ModelArtifacts,
  type ModelParams,
  modelParams,
} from "./mlp.ts";
export {
  calibrate,
  type Calibration,
  chooseCalibration,
  fitPlatt,
  logitMap,
  priorCorrection,
} from "./calibration.ts";
export { ensureBackend, tensorCount } from "./backend.ts";
export {
  DEFAULT_LOGISTIC_PARAMS,
  LOGISTIC_KIND,
  type LogisticParams,
  logisticParams,
  LogisticRegression,
} from "./logistic.ts";
