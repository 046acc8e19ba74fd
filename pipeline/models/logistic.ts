/**
 * Penalised logistic regression in plain TypeScript, fitted to convergence on the whole training
 * set: the mean log loss plus `l1 · Σ|w|` and `l2 · Σw²`, the intercept unpenalised (the objective
 * tfjs's kernel regularisers give a one-layer network), by proximal Newton's method as in
 * newGLMNET: each step minimises the log loss's second-order model plus the exact L1 term, then
 * searches along that step on the true objective. Weights the L1 term does not pay for are exactly
 * zero, so they give no reason in an explanation. Ten thousand students and 45 encoded columns take
 * about 12 ms of CPU, and the same rows always give the same weights. Where the network's Adam loop
 * stopped at its epoch cap with the probabilities not fully converged and took about a second per
 * fit, this reaches the optimum in milliseconds.
 *
 * Its explanations are exact: the margin is linear, so each column's share is `w · (x − baseline)`.
 *
 * @module
 */
import { InputError, NotFittedError } from "../core/errors.ts";
import type { Explanation, TabularClassifier, TreeModelJSON } from "./trees/mod.ts";

/** Settings of {@linkcode LogisticRegression}. */
export interface LogisticParams extends Record<string, unknown> {
  /** L1 penalty on the weights (exact: drives unhelpful columns' weights to exactly zero). */
  l1: number;
  /** L2 penalty on the weights. */
  l2: number;
  /** The most (proximal) Newton steps. */
  maxIter: number;
  /** Stop when no weight moves by more than this in a step. */
  tol: number;
}

/** Defaults: a light L2 penalty, as scikit-learn's default C = 1 gives on a few hundred rows. */
export const DEFAULT_LOGISTIC_PARAMS: LogisticParams = {
  l1: 0,
  l2: 1e-3,
  maxIter: 100,
  tol: 1e-8,
};

/** Learned state: the weights, the intercept, and the baseline row explanations start from. */
interface _State {
  d: number;
  weights: number[];
  intercept: number;
  /** The training mean of each column: the "average student" of the explanations. */
  baseline: number[];
  iterations: number;
}

/** The kind a logistic regression saves in `toJSON()`. */
export const LOGISTIC_KIND = "logistic_regression";
const KIND = LOGISTIC_KIND;

/**
 * Checks and completes logistic settings.
 *
 * @param params Partial settings.
 * @returns The full set.
 * @throws InputError naming the bad setting.
 */
export function logisticParams(params: Partial<LogisticParams> = {}): LogisticParams {
  const p = { ...DEFAULT_LOGISTIC_PARAMS, ...params };
  const bad = (name: string, expected: string) =>
    new InputError(`Invalid logistic parameter "${name}": expected ${expected}`);
  for (const key of Object.keys(params)) {
    if (!(key in DEFAULT_LOGISTIC_PARAMS)) {
      throw bad(key, `one of ${Object.keys(DEFAULT_LOGISTIC_PARAMS).join(", ")}`);
    }
  }
  const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  if (!finite(p.l1) || p.l1 < 0) throw bad("l1", "a number >= 0");
  if (!finite(p.l2) || p.l2 < 0) throw bad("l2", "a number >= 0");
  if (!Number.isInteger(p.maxIter) || p.maxIter < 1) throw bad("maxIter", "an integer >= 1");
  if (!finite(p.tol) || p.tol <= 0) throw bad("tol", "a number > 0");
  return p;
}

const sigmoid = (m: number) => 1 / (1 + Math.exp(-m));

/** A penalised logistic regression on dense encoded rows. */
export class LogisticRegression implements TabularClassifier {
  /** The kind saved in `toJSON()`. */
  readonly kind = KIND;
  /** The settings, completed. */
  readonly params: LogisticParams;
  #state?: _State;
  #base?: number;

  /** @param params Settings; missing ones take {@linkcode DEFAULT_LOGISTIC_PARAMS}. */
  constructor(params: Partial<LogisticParams> = {}) {
    this.params = logisticParams(params);
  }

  /**
   * Fits the weights to convergence.
   *
   * @param x Training rows, n × d row-major.
   * @param y Labels 0/1.
   * @param options `d`, the number of columns (the seed is not needed: the fit is deterministic),
   *   and optionally `start`, a model fitted on the same columns whose weights Newton's method
   *   starts from instead of zero: the objective is convex, so it reaches the same optimum (to
   *   `tol`) in fewer steps, as when a model is refitted on its rows plus held-out ones.
   * @returns this
   */
  fit(x: Float32Array, y: Uint8Array, options: { d: number; start?: LogisticRegression }): this {
    const { d } = options;
    const n = y.length;
    if (n === 0 || x.length !== n * d) {
      throw new InputError("Cannot fit: no rows or a ragged matrix");
    }
    const { l1, l2, maxIter, tol } = this.params;
    const baseline = new Array<number>(d).fill(0);
    const rows = _sparse(x, n, d);
    // Row by row as over the dense matrix; a zero cell would add nothing.
    for (let c = 0; c < rows.value.length; c++) {
      if (rows.index[c] < d) baseline[rows.index[c]] += rows.value[c] / n;
    }
    const from = options.start ? options.start.#fitted() : undefined;
    if (from && from.d !== d) {
      throw new InputError(`Cannot start a fit of ${d} columns from a model of ${from.d}`);
    }
    const init = from ? Float64Array.from([...from.weights, from.intercept]) : undefined;
    const { w, iterations } = _newton(rows, y, d, { l1, l2, maxIter, tol }, init);
    this.#base = undefined;
    this.#state = {
      d,
      weights: Array.from(w.subarray(0, d)),
      intercept: w[d],
      baseline,
      iterations,
    };
    return this;
  }

  /** Columns of the rows it was fitted on; throws NotFittedError before `fit`. */
  get width(): number {
    return this.#fitted().d;
  }

  /** Iterations the last fit took. */
  get iterations(): number {
    return this.#fitted().iterations;
  }

  /**
   * The probability of the positive class for each row.
   *
   * @param x Rows, row-major.
   * @returns One probability per row.
   */
  predictProba(x: Float32Array): Float64Array {
    const { d, weights, intercept } = this.#fitted();
    const n = x.length / d;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let m = intercept;
      for (let j = 0; j < d; j++) m += weights[j] * x[i * d + j];
      out[i] = sigmoid(m);
    }
    return out;
  }

  /**
   * Each column's exact share of the row's margin against the training-mean row.
   *
   * @param row One encoded row.
   * @param into A buffer of d values to overwrite and return as the contributions (else a new one).
   * @returns `base` (the mean row's margin) plus the contributions is the row's margin.
   */
  explain(row: Float32Array | ArrayLike<number>, into?: Float64Array): Explanation {
    const { d, weights, baseline } = this.#fitted();
    const contributions = into ?? new Float64Array(d);
    for (let j = 0; j < d; j++) contributions[j] = weights[j] * (row[j] - baseline[j]);
    return { base: this.#baseMargin(), contributions, space: "margin" };
  }

  /** The margin of the training-mean row, worked out once per fit. */
  #baseMargin(): number {
    if (this.#base !== undefined) return this.#base;
    const { d, weights, intercept, baseline } = this.#fitted();
    let base = intercept;
    for (let j = 0; j < d; j++) base += weights[j] * baseline[j];
    return this.#base = base;
  }

  /** @returns Settings apart from learned state, as plain JSON. */
  toJSON(): TreeModelJSON {
    return { kind: KIND, version: 1, params: { ...this.params }, state: { ...this.#fitted() } };
  }

  /**
   * Restores a fitted model.
   *
   * @param json What `toJSON()` gave.
   * @returns The model.
   * @throws InputError when it is not a logistic model's state.
   */
  static fromJSON(json: TreeModelJSON): LogisticRegression {
    if (json.kind !== KIND) {
      throw new InputError(`Cannot read a ${json.kind} as logistic regression`);
    }
    const model = new LogisticRegression(json.params as Partial<LogisticParams>);
    const s = json.state as unknown as _State;
    if (!Array.isArray(s.weights) || s.weights.length !== s.d || !Array.isArray(s.baseline)) {
      throw new InputError("Cannot read a logistic model: its weights do not match its width");
    }
    model.#state = s;
    return model;
  }

  #fitted(): _State {
    if (!this.#state) throw new NotFittedError("LogisticRegression");
    return this.#state;
  }
}

/**
 * The matrix's non-zero cells by row (compressed sparse rows): one-hot and cut columns leave most
 * cells zero, and a zero adds nothing to a margin, a gradient or a Hessian, so skipping them gives
 * the same sums in the same order at a fraction of the work.
 */
interface _Sparse {
  /** Row i's cells are `index[start[i] .. start[i + 1])`. */
  start: Int32Array;
  index: Int32Array;
  value: Float64Array;
}

/** The rows' non-zero cells, each row ending with a cell of 1 in column `d` (the intercept). */
function _sparse(x: Float32Array, n: number, d: number): _Sparse {
  let nz = n;
  for (let c = 0; c < x.length; c++) if (x[c] !== 0) nz++;
  const start = new Int32Array(n + 1);
  const index = new Int32Array(nz);
  const value = new Float64Array(nz);
  let at = 0;
  for (let i = 0; i < n; i++) {
    start[i] = at;
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j];
      if (v !== 0) (index[at] = j), (value[at++] = v);
    }
    (index[at] = d), (value[at++] = 1);
  }
  start[n] = at;
  return { start, index, value };
}

/** Sets `out[i]` to row i's cells times `v` (the intercept's cell included): Xv. */
function _product(sx: _Sparse, v: Float64Array, out: Float64Array): void {
  const { start, index, value } = sx;
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let c = start[i]; c < start[i + 1]; c++) s += v[index[c]] * value[c];
    out[i] = s;
  }
}

/**
 * The mean log loss at the margins `m + t · q`, which it leaves in `outM` with each row's
 * probability in `outP`: the margins are linear in the step, so a trial step costs no product.
 */
function _loss(
  y: Uint8Array,
  m: Float64Array,
  q: Float64Array,
  t: number,
  outM: Float64Array,
  outP: Float64Array,
): number {
  const n = y.length;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const mi = m[i] + t * q[i];
    outM[i] = mi;
    // log(1 + e^m) − y·m and the sigmoid from one e^−|m|, finite for any m.
    const e = Math.exp(-Math.abs(mi));
    loss += (mi > 0 ? mi : 0) + Math.log1p(e) - y[i] * mi;
    outP[i] = mi >= 0 ? 1 / (1 + e) : e / (1 + e);
  }
  return loss / n;
}

/** The penalty `l1 · Σ|w| + l2 · Σw²` of the weights (the intercept, last, is free). */
function _penalty(w: Float64Array, d: number, penalty: { l1: number; l2: number }): number {
  let l1 = 0;
  let l2 = 0;
  for (let j = 0; j < d; j++) (l1 += Math.abs(w[j])), (l2 += w[j] * w[j]);
  return penalty.l1 * l1 + penalty.l2 * l2;
}

/**
 * Proximal Newton's method (newGLMNET's outer loop): at each step the smooth part (mean log loss
 * plus `l2 · Σw²`) is replaced by its second-order model at `w`, the model plus the exact L1 term
 * is minimised over the new weights ({@linkcode _quadraticL1}), and a backtracking line search on
 * the true objective takes the largest of 1, ½, ¼, … that gives a sufficient decrease. The
 * Hessian carries the columns' collinearity (one-hot groups and the intercept are collinear), so
 * it converges in a handful of steps where coordinate descent and proximal gradient on the
 * objective itself needed thousands of sweeps on the same rows. Weights the L1 term does not pay
 * for end exactly at zero.
 */
function _newton(
  sx: _Sparse,
  y: Uint8Array,
  d: number,
  options: { l1: number; l2: number; maxIter: number; tol: number },
  init?: Float64Array,
): { w: Float64Array; iterations: number } {
  const n = y.length;
  const k = d + 1;
  const { start: rowStart, index: cols, value: vals } = sx;
  let w: Float64Array = init ? init.slice() : new Float64Array(k);
  let margins = new Float64Array(n);
  _product(sx, w, margins);
  let p = new Float64Array(n);
  let trialM = new Float64Array(n);
  let trialP = new Float64Array(n);
  const q = new Float64Array(n);
  let current = _loss(y, margins, margins, 0, margins, p) + _penalty(w, d, options);
  const h = new Float64Array(k * k);
  // Once a step moves no weight by √tol, the next one moves them by about tol (Newton's method
  // converges quadratically), and the Hessian has changed too little to be worth working out again.
  let fresh = true;
  for (let it = 1; it <= options.maxIter; it++) {
    const g = new Float64Array(k);
    if (fresh) h.fill(0);
    for (let i = 0; i < n; i++) {
      const r = (p[i] - y[i]) / n;
      const first = rowStart[i];
      const end = rowStart[i + 1];
      for (let c = first; c < end; c++) g[cols[c]] += r * vals[c];
      if (!fresh) continue;
      const v = (p[i] * (1 - p[i])) / n;
      // The lower triangle (b <= a), zero cells skipped.
      for (let ca = first; ca < end; ca++) {
        const va = v * vals[ca];
        const ha = cols[ca] * k;
        for (let cb = first; cb <= ca; cb++) h[ha + cols[cb]] += va * vals[cb];
      }
    }
    for (let j = 0; j < d; j++) g[j] += 2 * options.l2 * w[j];
    if (fresh) {
      for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) h[b * k + a] = h[a * k + b];
      for (let j = 0; j < d; j++) h[j * k + j] += 2 * options.l2;
      // A tiny ridge keeps the system solvable when a column is constant in the training rows.
      for (let a = 0; a < k; a++) h[a * k + a] += 1e-10;
    }
    const z = _quadraticL1(h, g, w, d, options.l1);
    const delta = z.map((v, j) => v - w[j]);
    let moved = 0;
    for (let j = 0; j < k; j++) moved = Math.max(moved, Math.abs(delta[j]));
    // The model's minimiser is within `tol` of `w`: take it as it is and stop.
    if (moved < options.tol) return { w: z, iterations: it };
    // The decrease the model's linear part promises (negative unless `w` is optimal already).
    let promise = 0;
    for (let j = 0; j < k; j++) promise += g[j] * delta[j];
    for (let j = 0; j < d; j++) promise += options.l1 * (Math.abs(z[j]) - Math.abs(w[j]));
    if (!(promise < 0)) return { w, iterations: it };
    _product(sx, delta, q);
    let step = 1;
    let next = z;
    let value = _loss(y, margins, q, step, trialM, trialP) + _penalty(next, d, options);
    while (value > current + 0.01 * step * promise) {
      step /= 2;
      // Rounding alone can fail the test this close to the optimum: keep `w`.
      if (step * moved < options.tol) return { w, iterations: it };
      next = w.map((c, j) => c + step * delta[j]);
      value = _loss(y, margins, q, step, trialM, trialP) + _penalty(next, d, options);
    }
    [margins, trialM] = [trialM, margins];
    [p, trialP] = [trialP, p];
    w = next;
    current = value;
    fresh = step < 1 || moved >= Math.sqrt(options.tol);
  }
  return { w, iterations: options.maxIter };
}

/**
 * Minimises the second-order model `gᵀ(z − w) + ½ (z − w)ᵀ H (z − w)` plus `l1 · Σ|z|` (all but
 * the last, free, coordinate) over `z`. When `l1` is 0 that is one Cholesky solve (a Newton step).
 * Otherwise cyclic coordinate descent on the k × k system (soft thresholding) finds which weights
 * are zero and the others' signs, and each time a sweep leaves that pattern unchanged the model is
 * solved on it exactly ({@linkcode _onPattern}); that solution, or the point on the way to it where
 * a first weight reaches zero, is where the sweeps go on from, until it meets the optimality
 * conditions. The first pattern tried is `w`'s own, which near the optimum is already right, so
 * late steps take no sweep.
 */
function _quadraticL1(
  h: Float64Array,
  g: Float64Array,
  w: Float64Array,
  d: number,
  l1: number,
): Float64Array {
  const k = d + 1;
  const sign = new Int8Array(k).fill(2);
  if (l1 === 0) return _onPattern(h, g, w, d, l1, sign, w).z;
  for (let j = 0; j < d; j++) sign[j] = Math.sign(w[j]);
  let { z, optimal } = _onPattern(h, g, w, d, l1, sign, w);
  // Hδ for δ = z − w, kept up to date by the sweeps.
  const hd = new Float64Array(k);
  let sweeps = 0;
  while (!optimal && sweeps < 1000) {
    hd.fill(0);
    for (let l = 0; l < k; l++) {
      const step = z[l] - w[l];
      if (step === 0) continue;
      for (let j = 0; j < k; j++) hd[j] += h[l * k + j] * step;
    }
    let changed = true;
    while (changed && sweeps++ < 1000) {
      changed = false;
      let largest = 0;
      for (let j = 0; j < k; j++) {
        const hjj = h[j * k + j];
        const a = g[j] + hd[j];
        let next: number;
        if (j === d) next = z[j] - a / hjj;
        else {
          const u = z[j] - a / hjj;
          const cut = l1 / hjj;
          next = u > cut ? u - cut : u < -cut ? u + cut : 0;
        }
        const change = next - z[j];
        if (change === 0) continue;
        if (j < d && Math.sign(next) !== Math.sign(z[j])) changed = true;
        z[j] = next;
        largest = Math.max(largest, Math.abs(change));
        const row = j * k;
        for (let l = 0; l < k; l++) hd[l] += change * h[row + l];
      }
      if (largest <= 1e-15 * (1 + Math.abs(z[d]))) return z;
    }
    for (let j = 0; j < d; j++) sign[j] = Math.sign(z[j]);
    ({ z, optimal } = _onPattern(h, g, w, d, l1, sign, z));
  }
  return z;
}

/**
 * The model's minimiser when the weights' signs are `sign` (−1, 0 for fixed at zero, 1; 2 for
 * free, as every weight is when `l1` is 0, and the intercept always). It is optimal when the
 * signs hold and every zero weight's model gradient is within `l1`. When a sign breaks, it returns
 * instead the point where the first weight reaches zero on the way from `from` (a point with the
 * pattern's signs), which the model is lower at, being a convex quadratic on the pattern.
 */
function _onPattern(
  h: Float64Array,
  g: Float64Array,
  w: Float64Array,
  d: number,
  l1: number,
  sign: Int8Array,
  from: Float64Array,
): { z: Float64Array; optimal: boolean } {
  const k = d + 1;
  const free: number[] = [];
  for (let j = 0; j < k; j++) if (sign[j] !== 0) free.push(j);
  const s = free.length;
  // δ is −w on the zero weights; on the free ones H_FF δ_F = −(g_F + l1·sign_F + H_FZ δ_Z).
  const delta = new Float64Array(k);
  for (let j = 0; j < d; j++) if (sign[j] === 0) delta[j] = -w[j];
  const a = new Float64Array(s * s);
  const b = new Float64Array(s);
  for (let r = 0; r < s; r++) {
    const j = free[r];
    const row = j * k;
    let rhs = g[j] + (sign[j] === 1 ? l1 : sign[j] === -1 ? -l1 : 0);
    for (let l = 0; l < d; l++) if (delta[l] !== 0 && sign[l] === 0) rhs += h[row + l] * delta[l];
    b[r] = -rhs;
    for (let c = 0; c < s; c++) a[r * s + c] = h[row + free[c]];
  }
  const solved = _solve(a, b, s);
  for (let r = 0; r < s; r++) delta[free[r]] = solved[r];
  const z = w.map((v, j) => (sign[j] === 0 ? 0 : v + delta[j]));
  let reach = 1;
  let first = -1;
  for (let j = 0; j < d; j++) {
    if (sign[j] === 0 || sign[j] === 2 || Math.sign(z[j]) === sign[j]) continue;
    const t = from[j] / (from[j] - z[j]);
    if (first < 0 || t < reach) (reach = t), (first = j);
  }
  if (first >= 0) {
    const on = from.map((v, j) => v + reach * (z[j] - v));
    on[first] = 0;
    return { z: on, optimal: false };
  }
  for (let j = 0; j < d; j++) {
    if (sign[j] !== 0) continue;
    let grad = g[j];
    for (let l = 0; l < k; l++) grad += h[j * k + l] * delta[l];
    if (Math.abs(grad) > l1 * (1 + 1e-9) + 1e-15) return { z, optimal: false };
  }
  return { z, optimal: true };
}

/** Solves the symmetric positive definite system `a · x = b` by Cholesky factorisation. */
function _solve(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * k + j];
      for (let m = 0; m < j; m++) sum -= l[i * k + m] * l[j * k + m];
      l[i * k + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * k + j];
    }
  }
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let sum = b[i];
    for (let m = 0; m < i; m++) sum -= l[i * k + m] * z[m];
    z[i] = sum / l[i * k + i];
  }
  const out = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let sum = z[i];
    for (let m = i + 1; m < k; m++) sum -= l[m * k + i] * out[m];
    out[i] = sum / l[i * k + i];
  }
  return out;
}
