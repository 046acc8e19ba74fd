/**
 * Gradient-boosted histogram trees for binary classification (logistic loss, Newton leaf
 * values, shrinkage, L2 on leaf values), grown best leaf first as LightGBM does, with seeded row
 * and column subsampling and optional early stopping on validation rows given to `fit`. Every
 * split learns which side missing values (NaN) take, and columns named as categories split on
 * sets of codes (see `_grow_boost.ts`).
 *
 * @module
 */
import { ArtifactError, deriveSeed, InputError, mulberry32, NotFittedError } from "./_deps.ts";
import { _check, _isInt, _isNumber } from "./_params.ts";
import { boostingParams, type GradientBoostingParams } from "./boosting_params.ts";
import { _checkFit, _checkRows } from "./_fit_inputs.ts";
import { learnEdges } from "./_binning.ts";
import { _binWithMissing, MAX_CATEGORY_CODE } from "./_binned.ts";
import {
  _addLeafSums,
  _decodeTrees,
  _encodeTrees,
  _TreeBuilder,
  type EncodedTrees,
  type TreeArrays,
} from "./_ensemble.ts";
import { _addLastBinned, _BoostScratch, _growBoostTree } from "./_grow_boost.ts";
import { _TreeExplainer } from "./tree_shap.ts";
import { _LeafLookup } from "./_side_patterns.ts";
import type { Explanation, TabularClassifier, TreeFitOptions, TreeModelJSON } from "./tabular.ts";

/** Batches of at least this many rows are scored by leaf lookup when the trees allow it. */
const LOOKUP_MIN_ROWS = 1024;

/** Learned state of a boosted model, as saved. */
export interface GradientBoostingState extends Record<string, unknown> {
  d: number;
  seed: number;
  edges: number[][];
  /** Per column, its number of category codes (0 for a numeric column); absent before version 2. */
  categories?: number[];
  /** The starting log-odds (the weighted training prior). */
  baseMargin: number;
  /** Rounds kept (the best round with early stopping). */
  rounds: number;
  trees: EncodedTrees;
}

const MODEL = "GradientBoostingClassifier";
const KIND = "gradient_boosting";
const STREAM = 0x6b05;
const VERSION = 2;
/** Rows the bin edges are learned from at most (LightGBM's `bin_construct_sample_cnt`). */
const BIN_SAMPLE = 200_000;

/**
 * A gradient-boosting classifier on dense rows; explanations are exact TreeSHAP in margin
 * (log-odds) space, since the trees add up there and not in probability.
 *
 * @example
 * ```ts
 * const gbm = new GradientBoostingClassifier().fit(x, y, { d: 40, seed: 7, validation: { x: vx, y: vy } });
 * const p = gbm.predictProba(vx);
 * const { base, contributions } = gbm.explain(vx.subarray(0, 40)); // log-odds
 * ```
 */
export class GradientBoostingClassifier implements TabularClassifier {
  /** The kind saved in `toJSON()`. */
  readonly kind = KIND;
  /** The hyper-parameters, as given and completed. */
  readonly params: GradientBoostingParams;
  /** Validation log loss after each round of the last fit (empty without validation rows). */
  validationLoss: number[] = [];
  #state?: {
    d: number;
    seed: number;
    edges: number[][];
    categories: number[];
    baseMargin: number;
    trees: TreeArrays;
  };
  #explainer?: _TreeExplainer;
  /** The leaves by side pattern, made on the first large batch (null: some tree must be walked). */
  #lookup?: _LeafLookup | null;

  /** @param params Hyper-parameters; missing ones take `DEFAULT_BOOSTING_PARAMS`. */
  constructor(params: Partial<GradientBoostingParams> = {}) {
    this.params = boostingParams(params);
  }

  /** Columns of the rows it was fitted on; throws NotFittedError before `fit`. */
  get width(): number {
    return this.#fitted().d;
  }

  /** True once fitted or restored. */
  get fitted(): boolean {
    return this.#state !== undefined;
  }

  /** The learned trees (flat node arrays, leaf values in log-odds); NotFittedError before `fit`. */
  get trees(): TreeArrays {
    return this.#fitted().trees;
  }

  /** Per column, the category codes it was fitted with (0 for numeric); NotFittedError before `fit`. */
  get categories(): number[] {
    return this.#fitted().categories;
  }

  /**
   * Boosts trees on the rows; with `options.validation`, stops once the validation log loss has
   * not improved for `patience` rounds and keeps the best round.
   *
   * @param x Training rows, n × d row-major.
   * @param y Labels 0/1; both classes must be present.
   * @param options Columns, seed, category columns, optional row weights and validation rows.
   * @returns this
   * @throws {InputError} When the matrix, labels, weights, seed, categories or validation rows
   *   are invalid.
   */
  fit(x: Float32Array, y: Uint8Array, options: TreeFitOptions): this {
    const { d, seed, validation } = options;
    const n = _checkFit(MODEL, x, y, d, options.weights);
    _check(Number.isSafeInteger(seed), MODEL, "seed", seed, "an integer");
    const categories = options.categories ?? new Array<number>(d).fill(0);
    _check(
      categories.length === d && categories.every((k) => _isInt(k, 0)),
      MODEL,
      "categories",
      categories,
      `one integer >= 0 per column (${d})`,
    );
    // Codes beyond a byte are split on as ordered numbers, as an ordinal encoding would be.
    const kinds = categories.map((k) => (k <= MAX_CATEGORY_CODE + 1 ? k : 0));
    if (validation) _checkFit(MODEL, validation.x, validation.y, d);
    const p = this.params;
    const sw = options.weights ? Float64Array.from(options.weights) : new Float64Array(n).fill(1);
    let wPos = 0;
    let wAll = 0;
    for (let r = 0; r < n; r++) (wAll += sw[r]), (wPos += y[r] * sw[r]);
    if (!(wPos > 0 && wPos < wAll)) {
      throw new InputError(`Cannot fit ${MODEL}: both classes need rows of positive weight`);
    }
    const baseMargin = Math.log(wPos / (wAll - wPos));
    const edges = learnEdges(x, n, d, p.maxBins, _binSample(n, seed));
    const data = _binWithMissing(x, n, d, edges, kinds, MODEL);
    const growth = { ...p, maxDepth: p.maxDepth ?? Number.MAX_SAFE_INTEGER };
    const builder = new _TreeBuilder();
    const scratch = new _BoostScratch(data);
    const margin = new Float64Array(n).fill(baseMargin);
    // e^−margin of each row, kept by multiplying in each round's leaf factor e^−v (one exp per
    // leaf, not per row); a row whose factor product leaves the doubles' safe range (a margin
    // past ±690) takes the exp of its margin afresh.
    const expNeg = new Float64Array(n).fill(Math.exp(-baseMargin));
    // Each leaf's e^−v of the last tree, by node from its root (a tree has under 2 × leaves nodes).
    const factors = new Float64Array(2 * Math.min(growth.maxLeafNodes, n));
    const gh = new Float64Array(2 * n);
    const known = new Uint8Array(n);
    const usable = Int32Array.from({ length: n }, (_, i) => i).filter((r) => sw[r] > 0);
    const take = Math.max(1, Math.round(p.subsample * usable.length));
    const perm = Int32Array.from({ length: d }, (_, i) => i).filter((f) =>
      _varies(data.bins, f, n, d)
    );
    const nCols = Math.max(1, Math.round(p.colsample * perm.length));
    const vm = validation ? new Float64Array(validation.y.length).fill(baseMargin) : undefined;
    const vExp = vm ? new Float64Array(vm.length).fill(Math.exp(-baseMargin)) : undefined;
    // Rows outside a round's sample, and validation rows, are walked down its tree on their bins
    // (cheaper than on raw values, to the same leaves); rows that hold a code the walk cannot
    // tell from NaN, or codes no bin has, are walked on raw values.
    const vBins = validation
      ? _walkBins(validation.x, validation.y.length, d, data.edges, kinds)
      : undefined;
    this.validationLoss = [];
    let best = Infinity;
    let bestRound = 0;
    const rows = scratch.rows;
    for (let round = 0; round < p.nRounds; round++) {
      const state = _sampleOrdered(usable, take, rows, deriveSeed(seed, STREAM, round));
      // Only the sampled rows' gradients are read.
      for (let i = 0; i < take; i++) {
        const r = rows[i];
        let e = expNeg[r];
        if (!(e > 1e-300 && e < 1e300)) e = expNeg[r] = Math.exp(-margin[r]);
        const q = 1 / (1 + e);
        gh[2 * r] = sw[r] * (q - y[r]);
        gh[2 * r + 1] = Math.max(sw[r] * q * (1 - q), 1e-16);
      }
      const rng = mulberry32(state);
      const features = _sampleInto(perm, nCols, new Int32Array(nCols), rng).sort();
      const leaves = _growBoostTree(data, gh, sw, take, features, growth, builder, scratch);
      // The grown rows' leaves are known from the partition; only the others walk the tree.
      known.fill(0);
      for (const leaf of leaves) {
        const v = builder.value[leaf.node];
        const factor = Math.exp(-v);
        factors[leaf.node - scratch.walkRoot] = factor;
        for (let i = leaf.start; i < leaf.end; i++) {
          const r = scratch.rows[i];
          margin[r] += v;
          expNeg[r] *= factor;
          known[r] = 1;
        }
      }
      if (take < n) {
        if (data.unseen) {
          builder.addLast(x, d, margin, known);
          for (let r = 0; r < n; r++) if (known[r] === 0) expNeg[r] = Math.exp(-margin[r]);
        } else {
          _addLastBinned(builder, scratch, data.bins, d, margin, known, { e: expNeg, factors });
        }
      }
      if (vm && validation && vExp) {
        if (vBins) _addLastBinned(builder, scratch, vBins, d, vm, undefined, { e: vExp, factors });
        else {
          builder.addLast(validation.x, d, vm);
          for (let r = 0; r < vm.length; r++) vExp[r] = Math.exp(-vm[r]);
        }
        const loss = _logLoss(validation.y, vm, vExp);
        this.validationLoss.push(loss);
        if (loss < best - 1e-9) (best = loss), (bestRound = round + 1);
        else if (round + 1 - bestRound >= p.patience) break;
      }
    }
    if (vm) builder.truncate(Math.max(1, bestRound));
    this.#state = {
      d,
      seed,
      edges: data.edges,
      categories: kinds,
      baseMargin,
      trees: builder.finish(),
    };
    this.#explainer = undefined;
    this.#lookup = undefined;
    return this;
  }

  /**
   * The log-odds of the positive class for each row: the base margin plus every tree's leaf.
   *
   * @param x Rows, m × d row-major.
   * @returns One margin per row.
   */
  predictMargin(x: Float32Array): Float64Array {
    const s = this.#fitted();
    const out = new Float64Array(_checkRows(MODEL, x, s.d)).fill(s.baseMargin);
    // A large batch reads each tree's leaf from its side pattern: the same sums, no walks.
    if (out.length >= LOOKUP_MIN_ROWS) this.#lookup ??= _LeafLookup.of(s.trees) ?? null;
    if (this.#lookup) this.#lookup.addLeafSums(x, s.d, out);
    else _addLeafSums(s.trees, x, s.d, out);
    return out;
  }

  /**
   * The probability of the positive class for each row (the logistic of the margin).
   *
   * @param x Rows, m × d row-major.
   * @returns One probability per row.
   */
  predictProba(x: Float32Array): Float64Array {
    const out = this.predictMargin(x);
    for (let i = 0; i < out.length; i++) out[i] = 1 / (1 + Math.exp(-out[i]));
    return out;
  }

  /**
   * Exact TreeSHAP for one row in margin (log-odds) space: `base + Σ contributions` equals
   * `predictMargin(row)[0]` (to rounding); the probability is its logistic.
   *
   * @param row The row's d values.
   * @param into A buffer of d values to overwrite and return as the contributions (else a new one).
   * @returns The base (base margin plus each tree's cover-weighted mean) and one value per column.
   */
  explain(row: Float32Array | ArrayLike<number>, into?: Float64Array): Explanation {
    const s = this.#fitted();
    if (row.length !== s.d) {
      throw new InputError(
        `Cannot explain with ${MODEL}: row has ${row.length} values, expected ${s.d}`,
      );
    }
    this.#explainer ??= new _TreeExplainer(s.trees);
    const contributions = into ? into.fill(0) : new Float64Array(s.d);
    this.#explainer.addContributions(row, contributions, 1);
    const base = this.#explainer.expectedFrom(s.baseMargin);
    return { base, contributions, space: "margin" };
  }

  /** Parameters and learned state as plain JSON (node arrays as base64). */
  toJSON(): TreeModelJSON & { params: GradientBoostingParams; state: GradientBoostingState } {
    const s = this.#fitted();
    return {
      kind: KIND,
      version: VERSION,
      params: { ...this.params },
      state: {
        d: s.d,
        seed: s.seed,
        edges: s.edges,
        categories: s.categories,
        baseMargin: s.baseMargin,
        rounds: s.trees.roots.length,
        trees: _encodeTrees(s.trees),
      },
    };
  }

  /**
   * Restores a model saved with `toJSON()`.
   *
   * @param json What `toJSON()` returned (parsed).
   * @returns A fitted model.
   * @throws {ArtifactError} When the JSON is not a saved gradient-boosting model.
   */
  static fromJSON(json: TreeModelJSON): GradientBoostingClassifier {
    if (json?.kind !== KIND || (json.version !== 1 && json.version !== VERSION)) {
      throw new ArtifactError(
        `Cannot restore ${MODEL}: kind ${json?.kind} version ${json?.version}, expected ${KIND} version 1 or ${VERSION}`,
      );
    }
    let model: GradientBoostingClassifier;
    try {
      model = new GradientBoostingClassifier(json.params as Partial<GradientBoostingParams>);
    } catch (error) {
      throw new ArtifactError(`Cannot restore ${MODEL}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const state = json.state as GradientBoostingState;
    if (
      !_isInt(state?.d, 1) || !Array.isArray(state.edges) || state.edges.length !== state.d ||
      !_isNumber(state.baseMargin) ||
      (state.categories !== undefined &&
        !(Array.isArray(state.categories) && state.categories.length === state.d &&
          state.categories.every((k) => _isInt(k, 0))))
    ) {
      throw new ArtifactError(
        `Cannot restore ${MODEL}: the state has no valid width, edges and base margin`,
      );
    }
    const trees = _decodeTrees(state.trees, state.d, MODEL);
    model.#state = {
      d: state.d,
      seed: state.seed,
      edges: state.edges,
      categories: state.categories ?? new Array<number>(state.d).fill(0),
      baseMargin: state.baseMargin,
      trees,
    };
    return model;
  }

  #fitted() {
    if (!this.#state) throw new NotFittedError(MODEL);
    return this.#state;
  }
}

/** Draws `k` of `from` without replacement into `out[0..k)` (partial Fisher–Yates on a copy). */
function _sampleInto(from: Int32Array, k: number, out: Int32Array, rng: () => number): Int32Array {
  if (k >= from.length) {
    out.set(from);
    return out.subarray(0, from.length);
  }
  const pool = from.slice();
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (pool.length - i));
    const held = pool[j];
    pool[j] = pool[i];
    pool[i] = held;
    out[i] = held;
  }
  return out.subarray(0, k);
}

/**
 * Draws `k` of `from` without replacement into `out[0..k)`, keeping their order (selection
 * sampling, Knuth's Algorithm S): rows in ascending order make the histograms read memory in order.
 * The uniform draws are `mulberry32(seed)`'s, inlined (a call per row cost a tenth of a round).
 *
 * @returns The generator's state after the draws: `mulberry32(state)` goes on where they ended.
 */
export function _sampleOrdered(
  from: Int32Array,
  k: number,
  out: Int32Array,
  seed: number,
): number {
  let state = seed >>> 0;
  if (k >= from.length) {
    out.set(from);
    return state;
  }
  let needed = k;
  const size = from.length;
  for (let i = 0; i < size && needed > 0; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    if ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (size - i) < needed) {
      out[k - needed--] = from[i];
    }
  }
  return state;
}

/**
 * Validation rows binned for {@linkcode _addLastBinned}, or undefined when some cell is not a
 * value the training bins know (a category code out of range), for a walk on raw values.
 */
function _walkBins(
  x: Float32Array,
  n: number,
  d: number,
  edges: number[][],
  kinds: number[],
): Uint8Array | undefined {
  try {
    return _binWithMissing(x, n, d, edges, kinds, MODEL, true).bins;
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}

/** A seeded sample of rows to learn bin edges from, or undefined to use them all. */
function _binSample(n: number, seed: number): Int32Array | undefined {
  if (n <= BIN_SAMPLE) return undefined;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const rng = mulberry32(deriveSeed(seed, STREAM, -1));
  return _sampleInto(all, BIN_SAMPLE, new Int32Array(BIN_SAMPLE), rng).sort();
}

/** True when column f's codes (row-major, d columns) are not all the same. */
function _varies(bins: Uint8Array, f: number, n: number, d: number): boolean {
  const first = bins[f];
  for (let r = 1; r < n; r++) if (bins[r * d + f] !== first) return true;
  return false;
}

function _logLoss(y: Uint8Array, margin: Float64Array, expNeg: Float64Array): number {
  let total = 0;
  // log(1 + e^−m) for a positive, m + log(1 + e^−m) for a negative, from e^−m as kept (one log a
  // row, no exp); where it has left the doubles' safe range, from the margin, without overflow.
  for (let i = 0; i < y.length; i++) {
    const e = expNeg[i];
    if (e > 1e-300 && e < 1e300) {
      total += Math.log1p(e) + (y[i] === 1 ? 0 : margin[i]);
      continue;
    }
    const m = y[i] === 1 ? -margin[i] : margin[i];
    total += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
  }
  return total / y.length;
}
