/**
 * Seeded synthetic data for the tree tests, shaped like the encoded student rows: a few
 * numeric columns, one-hot groups and binary flags, with a label that follows an obvious rule
 * plus noise.
 *
 * @module
 */
import { mulberry32 } from "../_deps.ts";

/** A small dataset: rows n × d row-major, labels and the rule's true probability. */
export interface Synthetic {
  x: Float32Array;
  y: Uint8Array;
  n: number;
  d: number;
}

/**
 * Makes n rows of d ≥ 4 columns: x0 uniform in [0, 1), x1 an ordinal 0–4, x2/x3 a one-hot pair,
 * the rest noise flags. The label is 1 with probability 1 − 2·noise when x0 > 0.6 and x1 ≤ 1, else `noise`.
 *
 * @param n Rows.
 * @param d Columns (at least 4).
 * @param seed Seed.
 * @param noise Chance of a positive outside the rule (default 0.01).
 * @returns The dataset.
 */
export function synthetic(n: number, d: number, seed: number, noise = 0.01): Synthetic {
  const rng = mulberry32(seed);
  const x = new Float32Array(n * d);
  const y = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    x[o] = rng();
    x[o + 1] = Math.floor(rng() * 5);
    const hot = rng() < 0.5 ? 1 : 0;
    x[o + 2] = hot;
    x[o + 3] = 1 - hot;
    for (let f = 4; f < d; f++) x[o + f] = rng() < 0.3 ? 1 : 0;
    const risky = x[o] > 0.6 && x[o + 1] <= 1;
    y[r] = rng() < (risky ? 1 - 2 * noise : noise) ? 1 : 0;
  }
  return { x, y, n, d };
}

/** ROC-AUC by ranks (ties count half), for checks inside the tests. */
export function auc(y: ArrayLike<number>, score: ArrayLike<number>): number {
  let pos = 0;
  let wins = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    pos++;
    for (let j = 0; j < y.length; j++) {
      if (y[j] === 1) continue;
      wins += score[i] > score[j] ? 1 : score[i] === score[j] ? 0.5 : 0;
    }
  }
  return wins / (pos * (y.length - pos));
}

/** Asserts that `call` throws an error of `type` whose message matches `pattern`. */
export function throwsLike(
  call: () => unknown,
  type: new (...args: never[]) => Error,
  pattern: RegExp,
): void {
  let caught: unknown;
  try {
    call();
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof type)) throw new Error(`Expected a ${type.name}, got ${caught}`);
  if (!pattern.test(caught.message)) {
    throw new Error(`Expected a message matching ${pattern}, got "${caught.message}"`);
  }
}
