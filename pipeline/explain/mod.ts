/**
 * Explanations of single predictions: integrated gradients through tfjs and a plain-JS dense
 * forward pass for the hot path.
 *
 * @module
 */
export {
  type Explanation,
  IG_STEPS,
  integratedGradients,
  type Reason,
} from "./integrated_gradients.ts";
export { baselineText, percentText, pointsText, reasonText, scoredCsvHeader } from "./text.ts";
