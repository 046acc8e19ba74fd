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
  groups: readonly FeatureGroup[];
  /** Each row's value of each group's feature, as the reasons show them: `values[row][group]`. */
  values: Cell[][] | ((row: number, group: number) => Cell);
  /** Only this many reasons per row, the largest first (default: every group's). */
  top?: number;
  /** The calibration applied to the model's probability. */
  calibration: Calibration;
}

const sigmoid = (m: number) => 1 / (1 + Math.exp(-m));

/** One row's contributions on a model's own scale, and the factor that carries them onto its probability. */
interface _OnProbability {
  /** The model's probability of the row (before calibration). */
  p: number;
  /** The expected probability over the training rows. */
  p0: number;
  /** One contribution per column on the model's scale; times `scale`, they add up to `p - p0`. */
  contributions: Float64Array;
  /** The factor onto the probability scale. */
  scale: number;
}

/**
 * Carries one model's native TreeSHAP values onto its probability, keeping their sum exact.
 * `into` is the member's buffer for its contributions, reused from row to row.
 */
function _onProbability(
  model: TabularClassifier,
  row: Float32Array,
  into: Float64Array,
): _OnProbability {
  const { base, contributions, space } = model.explain(row, into);
  let native = base;
  for (let c = 0; c < contributions.length; c++) native += contributions[c];
  if (space === "probability") return { p: native, p0: base, contributions, scale: 1 };
  const p = sigmoid(native);
  const p0 = sigmoid(base);
  const gap = native - base;
  const scale = Math.abs(gap) > 1e-12 ? (p - p0) / gap : p * (1 - p);
  return { p, p0, contributions, scale };
}

/**
 * Explains encoded rows of a tree ensemble, or of several averaged (a blend): each member's
 * contributions are carried onto its probability, averaged like the probabilities, then carried
 * onto the calibrated probability.
 *
 * @param models The fitted trees (one model, or the members of a blend, averaged).
 * @param x Encoded rows, row-major.
 * @param options Feature groups, shown values and the calibration.
 * @returns One explanation per row: `baseline` is the calibrated expected probability, `raw` the
 *   row's probability before calibration, and the reasons add up to the calibrated probability
 *   minus `baseline`.
 */
export function treeReasons(
  models: TabularClassifier | TabularClassifier[],
  x: Float32Array,
  options: TreeReasonOptions,
): Explanation[] {
  const members = Array.isArray(models) ? models : [models];
  const groups = options.groups;
  const width = groups.reduce((w, g) => Math.max(w, g.end), 0);
  const top = Math.min(options.top ?? groups.length, groups.length);
  const given = options.values;
  const valueOf = typeof given === "function"
    ? given
    : (r: number, j: number) => given[r]?.[j] ?? null;
  const totals = new Float64Array(groups.length);
  const k = members.length;
  const parts = new Array<_OnProbability>(k);
  // Each row's contributions are summed into `totals` before the next row is explained.
  const buffers = members.map((m) => new Float64Array(m.width));
  const rows = width === 0 ? 0 : x.length / width;
  const out: Explanation[] = [];
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * width, (r + 1) * width);
    let raw = 0, p0 = 0;
    for (let m = 0; m < k; m++) {
      const part = _onProbability(members[m], row, buffers[m]);
      parts[m] = part;
      raw += part.p;
      p0 += part.p0;
    }
    raw /= k;
    p0 /= k;
    const q = calibrate(options.calibration, raw);
    const q0 = calibrate(options.calibration, p0);
    const gap = raw - p0;
    // The one factor that carries the contributions onto the calibrated probability; where they
    // cancel (the row is scored as the expected student), the slope at the row carries them.
    const scale = Math.abs(gap) > 1e-12 ? (q - q0) / gap : _slope(options.calibration, raw);
    for (let j = 0; j < groups.length; j++) {
      const { start, end } = groups[j];
      let sum = 0;
      for (let m = 0; m < k; m++) {
        const { contributions, scale: own } = parts[m];
        let part = 0;
        for (let c = start; c < end; c++) part += contributions[c];
        sum += own * part;
      }
      totals[j] = (scale * sum) / k;
    }
    const reasons = _largest(totals, top).map((j): Reason => ({
      feature: groups[j].feature,
      value: valueOf(r, j),
      contribution: totals[j],
      direction: totals[j] >= 0 ? "raises" : "lowers",
    }));
    out.push({ baseline: q0, raw, reasons });
  }
  return out;
}

/**
 * The indices of the `k` largest magnitudes, largest first (ties keep the lower index first, as
 * a stable sort of every value would).
 */
function _largest(values: Float64Array, k: number): number[] {
  const picked: number[] = [];
  for (let j = 0; j < values.length; j++) {
    const m = Math.abs(values[j]);
    if (picked.length < k) picked.push(j);
    else if (k > 0 && m > Math.abs(values[picked[k - 1]])) picked[k - 1] = j;
    else continue;
    let at = picked.length - 1;
    while (at > 0 && Math.abs(values[picked[at - 1]]) < m) {
      picked[at] = picked[at - 1];
      at--;
    }
    picked[at] = j;
  }
  return picked;
}

/** The derivative of the calibrated probability at a probability. */
function _slope(calibration: Calibration, p: number): number {
  const h = 1e-6;
  return (calibrate(calibration, Math.min(1, p + h)) - calibrate(calibration, Math.max(0, p - h))) /
    (Math.min(1, p + h) - Math.max(0, p - h));
}
