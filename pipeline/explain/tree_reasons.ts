/**
 * Reasons of a tree ensemble's prediction, from exact TreeSHAP: each column's contribution to the
 * model's own output (the forest's probability, the boosted trees' log-odds) against the expected
 * output over the training rows, summed over the columns of each input feature so that a one-hot
 * category counts once, then carried onto the calibrated probability the adviser sees.
 *
 * The carry keeps the reasons additive: every contribution is scaled by the one factor that makes
 * them add up to the calibrated probability minus the calibrated expected probability. The scale
 * is positive (calibration and the logistic link are increasing), so signs and the order of the
 * reasons are those of the exact Shapley values.
 *
 * @module
 */
import type { Cell } from "../data/cells.ts";
import { calibrate, type Calibration } from "../models/calibration.ts";
import type { TabularClassifier } from "../models/trees/mod.ts";
import type { Explanation, FeatureGroup, Reason } from "./integrated_gradients.ts";

/** Options of {@linkcode treeReasons}. */
export interface TreeReasonOptions {
  /** Columns of the encoded vector owned by each input feature. */
  groups: FeatureGroup[];
  /** Each row's value of each group's feature, as the reasons show them. */
  values: Cell[][];
  /** The calibration applied to the model's probability. */
  calibration: Calibration;
}

const sigmoid = (m: number) => 1 / (1 + Math.exp(-m));

/**
 * Explains encoded rows of a tree ensemble.
 *
 * @param model The fitted trees.
 * @param x Encoded rows, row-major.
 * @param options Feature groups, shown values and the calibration.
 * @returns One explanation per row: `baseline` is the calibrated expected probability, `raw` the
 *   row's probability before calibration, and the reasons add up to the calibrated probability
 *   minus `baseline`.
 */
export function treeReasons(
  model: TabularClassifier,
  x: Float32Array,
  options: TreeReasonOptions,
): Explanation[] {
  const width = options.groups.reduce((w, g) => Math.max(w, g.end), 0);
  const rows = width === 0 ? 0 : x.length / width;
  const out: Explanation[] = [];
  for (let r = 0; r < rows; r++) {
    const { base, contributions, space } = model.explain(x.subarray(r * width, (r + 1) * width));
    let native = base;
    for (const c of contributions) native += c;
    const toProbability = space === "margin" ? sigmoid : (v: number) => v;
    const raw = toProbability(native);
    const q = calibrate(options.calibration, raw);
    const q0 = calibrate(options.calibration, toProbability(base));
    const gap = native - base;
    // The one factor that carries the native contributions onto the calibrated probability; where
    // they cancel (the row is scored as the expected student), the slope at the row carries them.
    const scale = Math.abs(gap) > 1e-12
      ? (q - q0) / gap
      : _slope(options.calibration, native, space);
    const reasons = options.groups.map((g, j): Reason => {
      let sum = 0;
      for (let k = g.start; k < g.end; k++) sum += contributions[k];
      const contribution = scale * sum;
      return {
        feature: g.feature,
        value: options.values[r]?.[j] ?? null,
        contribution,
        direction: contribution >= 0 ? "raises" : "lowers",
      };
    });
    reasons.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    out.push({ baseline: q0, raw, reasons });
  }
  return out;
}

/** The derivative of the calibrated probability with respect to the native output. */
function _slope(calibration: Calibration, native: number, space: "probability" | "margin"): number {
  const h = 1e-6;
  const f = (v: number) => calibrate(calibration, space === "margin" ? sigmoid(v) : v);
  return (f(native + h) - f(native - h)) / (2 * h);
}
