/**
 * Per-student explanations by Integrated Gradients (Sundararajan, Taly & Yan,
 * 2017) against a baseline: the training mean of the encoded inputs, i.e. an
 * "average student". Attributions of a feature's one-hot columns are summed, so
 * a categorical feature counts as one. The stated property, checked by tests:
 * completeness, the contributions add up to f(x) − f(baseline) up to the error
 * of the numerical integral.
 *
 * @module
 */
import { tf } from "../models/backend.ts";
import type { Cell } from "../data/cells.ts";
import type { ColumnGroup } from "../features/preprocessor.ts";

/** One feature's share of a prediction. */
export interface Reason {
  /** The input column. */
  feature: string;
  /** The student's value (null when it was imputed). */
  value: Cell;
  /** Signed change in probability attributed to this feature, against the baseline student. */
  contribution: number;
  /** Whether the feature pushes the risk up or down. */
  direction: "raises" | "lowers";
}

/** An explanation: the reasons, and the numbers they add up to. */
export interface Explanation {
  /** The probability of the baseline (average) student. */
  baseline: number;
  /** The student's probability before calibration, what the contributions explain. */
  raw: number;
  /** All features' contributions, largest magnitude first. */
  reasons: Reason[];
}

/** Columns of the encoded vector owned by one input feature (the preprocessor's groups). */
export type FeatureGroup = ColumnGroup;

/** How finely the path integral is approximated (trapezoid rule). */
export const IG_STEPS = 128;

/**
 * Attributes each encoded row's predicted probability to its input features.
 *
 * @param model A function from an [n, width] tensor to [n, 1] probabilities (the network).
 * @param x Encoded rows, row-major (n × width).
 * @param options The baseline vector, the feature groups, the raw cell values and the step count.
 * @returns One explanation per row.
 */
export function integratedGradients(
  model: (input: tf.Tensor2D) => tf.Tensor,
  x: Float32Array,
  options: {
    baseline: Float32Array;
    groups: readonly FeatureGroup[];
    values: Cell[][];
    steps?: number;
  },
): Explanation[] {
  const width = options.baseline.length;
  const rows = x.length / width;
  const steps = options.steps ?? IG_STEPS;
  if (rows === 0) return [];
  const { grads, ends } = tf.tidy(() => {
    const base = tf.tensor2d(options.baseline, [1, width]);
    const input = tf.tensor2d(x, [rows, width]);
    const delta = tf.sub(input, base);
    // Points along the straight path, alphas 0..1, for every row: [rows * (steps + 1), width].
    const alphas = tf.linspace(0, 1, steps + 1).reshape([1, steps + 1, 1]);
    const path = tf.add(
      base.reshape([1, 1, width]),
      tf.mul(alphas, delta.reshape([rows, 1, width])),
    ).reshape([rows * (steps + 1), width]);
    const gradient = tf.grad((z: tf.Tensor) => tf.sum(model(z as tf.Tensor2D)))(path)
      .reshape([rows, steps + 1, width]);
    // Trapezoid rule over the path, times (x − baseline).
    const inner = gradient.slice([0, 1, 0], [rows, steps - 1, width]).sum(1);
    const edges = tf.add(
      gradient.slice([0, 0, 0], [rows, 1, width]).squeeze([1]),
      gradient.slice([0, steps, 0], [rows, 1, width]).squeeze([1]),
    );
    const average = tf.div(tf.add(inner, tf.mul(edges, 0.5)), steps);
    const attributions = tf.mul(average, delta);
    const outputs = model(tf.concat([base, input]) as tf.Tensor2D);
    return {
      grads: attributions.dataSync() as Float32Array,
      ends: outputs.dataSync() as Float32Array,
    };
  });
  const baseline = ends[0];
  return Array.from({ length: rows }, (_, r) => {
    const reasons = options.groups.map((g, j): Reason => {
      let contribution = 0;
      for (let k = g.start; k < g.end; k++) contribution += grads[r * width + k];
      return {
        feature: g.feature,
        value: options.values[r]?.[j] ?? null,
        contribution,
        direction: contribution >= 0 ? "raises" : "lowers",
      };
    });
    reasons.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    return { baseline, raw: ends[r + 1], reasons };
  });
}
