/**
 * Probability calibration. Class weighting inflates a network's
 * probabilities: weighing positives by w₁ and negatives by w₀ multiplies the
 * odds it learns by w₁ / w₀, so the **prior correction** logit(p) − log(w₁ / w₀)
 * maps them back without fitting anything (King & Zeng 2001, "Logistic
 * Regression in Rare Events Data", §4.1). **Platt scaling** (Platt 1999), a
 * logistic regression on the network's logit, p' = σ(a · logit(p) + b), is
 * then fitted on the validation split and kept only when it lowers log loss
 * on held-out validation folds (fit on some, scored on the rest), so it never
 * makes a model worse by the measure it optimises. On a small validation split
 * the correction matters: without it a weighted network's decisions at 0.5
 * flag far too many students whenever the noisy Platt fit is turned down.
 *
 * @module
 */
import { logLoss } from "../evaluate/metrics.ts";

/** A calibration map, saved in the model's metadata. */
export type Calibration =
  | { method: "none" }
  | {
    method: "prior";
    /** Added to the logit: log(w₀ / w₁) for class weights w₁ (positives) and w₀ (negatives). */
    shift: number;
  }
  | {
    method: "platt";
    a: number;
    b: number;
    validation_log_loss: { before: number; after: number };
  };

const EPS = 1e-7;

function logit(p: number): number {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
}

/**
 * Applies a calibration map to one probability.
 *
 * @param calibration The map.
 * @param p A probability from the network.
 * @returns The calibrated probability.
 */
export function calibrate(calibration: Calibration, p: number): number {
  const map = logitMap(calibration);
  if (!map) return p;
  return 1 / (1 + Math.exp(-(map.a * logit(p) + map.b)));
}

/**
 * A calibration as the affine map of the logit it applies, p' = σ(a · logit(p) + b).
 *
 * @param calibration The map.
 * @returns a and b, or undefined for none.
 */
export function logitMap(calibration: Calibration): { a: number; b: number } | undefined {
  if (calibration.method === "none") return undefined;
  if (calibration.method === "prior") return { a: 1, b: calibration.shift };
  return { a: calibration.a, b: calibration.b };
}

/**
 * The prior correction of a network trained with class weights.
 *
 * @param weights The weight of a positive and of a negative row.
 * @returns The correction, or none when the weights are equal.
 */
export function priorCorrection(weights: { positive: number; negative: number }): Calibration {
  const shift = Math.log(weights.negative / weights.positive);
  return Number.isFinite(shift) && shift !== 0 ? { method: "prior", shift } : { method: "none" };
}

/**
 * Fits Platt's a and b by Newton's method on the log loss (with a tiny ridge for stability).
 *
 * @param labels 0/1 labels.
 * @param scores Probabilities from the network.
 * @returns a and b.
 */
export function fitPlatt(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): { a: number; b: number } {
  const z = Array.from(scores, logit);
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0, gb = 0, haa = 1e-6, hab = 0, hbb = 1e-6;
    for (let i = 0; i < z.length; i++) {
      const p = 1 / (1 + Math.exp(-(a * z[i] + b)));
      const r = p - labels[i];
      const w = Math.max(p * (1 - p), 1e-12);
      ga += r * z[i];
      gb += r;
      haa += w * z[i] * z[i];
      hab += w * z[i];
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 1e-12)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { a, b };
}

/**
 * Chooses between a base map (none, or the prior correction of a weighted
 * network) and Platt scaling on validation data, by k-fold cross-fitting:
 * Platt wins only if its held-out log loss is lower.
 *
 * @param labels Validation labels.
 * @param scores Validation probabilities from the network.
 * @param folds Cross-fitting folds (default 5; rows are dealt in order, i mod k).
 * @param base The map kept when Platt scaling does not win (default none).
 * @returns The chosen map, fitted on all validation rows when Platt wins.
 */
export function chooseCalibration(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  folds = 5,
  base: Calibration = { method: "none" },
): Calibration {
  const n = labels.length;
  const positives = Array.from(labels).reduce((s, y) => s + y, 0);
  if (n < 2 * folds || positives < folds || n - positives < folds) return base;
  const heldOut = new Float64Array(n);
  for (let k = 0; k < folds; k++) {
    const fitIdx: number[] = [];
    for (let i = 0; i < n; i++) if (i % folds !== k) fitIdx.push(i);
    const m = fitPlatt(fitIdx.map((i) => labels[i]), fitIdx.map((i) => scores[i]));
    for (let i = k; i < n; i += folds) {
      heldOut[i] = calibrate({
        method: "platt",
        ...m,
        validation_log_loss: { before: 0, after: 0 },
      }, scores[i]);
    }
  }
  const before = logLoss(labels, Array.from(scores, (p) => calibrate(base, p)));
  const after = logLoss(labels, heldOut);
  if (!(after < before)) return base;
  return { method: "platt", ...fitPlatt(labels, scores), validation_log_loss: { before, after } };
}
