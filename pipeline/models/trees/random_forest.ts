/**
 * A random forest of histogram trees (Breiman 2001): bootstrap rows per tree, a random subset
 * of columns per node, Gini or entropy splits, and, as an option, extremely randomised cuts
 * (Geurts et al. 2006). Its output is the mean of the trees' leaf shares of positives.
 *
 * @module
 */
import { ArtifactError, deriveSeed, InputError, mulberry32, NotFittedError } from "./_deps.ts";
import { _check, _isInt, _isNumber } from "./_params.ts";
import { _mtry, forestParams, type RandomForestParams } from "./forest_params.ts";
import { _checkFit, _checkRows } from "./_fit_inputs.ts";
import { learnEdges } from "./_binning.ts";
import { _bin } from "./_binned.ts";
import {
  _addLeafSums,
  _decodeTrees,
  _encodeTrees,
  _TreeBuilder,
  type EncodedTrees,
  type TreeArrays,
} from "./_ensemble.ts";
import { _ForestScratch, _growForestTree } from "./_grow_forest.ts";
import { _TreeExplainer } from "./tree_shap.ts";
import type { Explanation, TabularClassifier, TreeFitOptions, TreeModelJSON } from "./tabular.ts";

/** Learned state of a forest, as saved. */
export interface RandomForestState extends Record<string, unknown> {
  d: number;
  seed: number;
  edges: number[][];
  trees: EncodedTrees;
}

const MODEL = "RandomForestClassifier";
const KIND = "random_forest";
const STREAM = 0x7f0e;

/**
 * A random forest classifier on dense rows; explanations are exact TreeSHAP in probability space.
 *
 * @example
 * ```ts
 * const forest = new RandomForestClassifier({ nTrees: 200 }).fit(x, y, { d: 40, seed: 7 });
 * const p = forest.predictProba(x);
 * const { base, contributions } = forest.explain(x.subarray(0, 40));
 * ```
 */
export class RandomForestClassifier implements TabularClassifier {
  /** The kind saved in `toJSON()`. */
  readonly kind = KIND;
  /** The hyper-parameters, as given and completed. */
  readonly params: RandomForestParams;
  #state?: { d: number; seed: number; edges: number[][]; trees: TreeArrays };
  #explainer?: _TreeExplainer;

  /** @param params Hyper-parameters; missing ones take `DEFAULT_FOREST_PARAMS`. */
  constructor(params: Partial<RandomForestParams> = {}) {
    this.params = forestParams(params);
  }

  /** Columns of the rows it was fitted on; throws NotFittedError before `fit`. */
  get width(): number {
    return this.#fitted().d;
  }

  /** True once fitted or restored. */
  get fitted(): boolean {
    return this.#state !== undefined;
  }

  /** The learned trees (flat node arrays); throws NotFittedError before `fit`. */
  get trees(): TreeArrays {
    return this.#fitted().trees;
  }

  /**
   * Grows the forest.
   *
   * @param x Training rows, n × d row-major.
   * @param y Labels 0/1; both classes must be present.
   * @param options Columns, seed and optional row weights (validation rows are not used).
   * @returns this
   * @throws {InputError} When the matrix, labels, weights or seed are invalid.
   */
  fit(x: Float32Array, y: Uint8Array, options: TreeFitOptions): this {
    const { d, seed } = options;
    const n = _checkFit(MODEL, x, y, d, options.weights);
    _check(Number.isSafeInteger(seed), MODEL, "seed", seed, "an integer");
    const sw = options.weights ? Float64Array.from(options.weights) : new Float64Array(n).fill(1);
    let wPos = 0;
    let wAll = 0;
    for (let r = 0; r < n; r++) (wAll += sw[r]), (wPos += y[r] * sw[r]);
    if (!(wPos > 0 && wPos < wAll)) {
      throw new InputError(`Cannot fit ${MODEL}: both classes need rows of positive weight`);
    }
    const p = this.params;
    const edges = learnEdges(x, n, d, p.maxBins);
    const data = _bin(x, n, d, edges);
    const growth = {
      mtry: _mtry(p.maxFeatures, d),
      minSamplesLeaf: p.minSamplesLeaf,
      minSamplesSplit: p.minSamplesSplit,
      maxDepth: p.maxDepth ?? Number.MAX_SAFE_INTEGER,
      criterion: p.criterion,
      randomSplits: p.randomSplits,
    };
    const builder = new _TreeBuilder();
    const scratch = new _ForestScratch(n, d);
    const w = new Float64Array(n);
    const draws = p.maxSamples === null ? n : Math.max(1, Math.round(p.maxSamples * n));
    for (let t = 0; t < p.nTrees; t++) {
      const rng = mulberry32(deriveSeed(seed, STREAM, t));
      if (p.bootstrap) {
        w.fill(0);
        for (let k = 0; k < draws; k++) w[Math.floor(rng() * n)] += 1;
        let any = false;
        for (let r = 0; r < n; r++) (w[r] *= sw[r]), (any ||= w[r] > 0);
        // A draw of only weightless rows (possible with weights) falls back to every row.
        if (!any) w.set(sw);
      } else w.set(sw);
      _growForestTree(data, y, w, growth, rng, builder, scratch);
    }
    this.#state = { d, seed, edges, trees: builder.finish() };
    this.#explainer = undefined;
    return this;
  }

  /**
   * The mean over trees of the leaf's share of positives, for each row.
   *
   * @param x Rows, m × d row-major.
   * @returns One probability per row.
   */
  predictProba(x: Float32Array): Float64Array {
    const s = this.#fitted();
    const out = new Float64Array(_checkRows(MODEL, x, s.d));
    _addLeafSums(s.trees, x, s.d, out);
    const scale = 1 / s.trees.roots.length;
    for (let i = 0; i < out.length; i++) out[i] *= scale;
    return out;
  }

  /**
   * Exact TreeSHAP for one row, in probability space: `base + Σ contributions` equals
   * `predictProba(row)[0]` (to rounding).
   *
   * @param row The row's d values.
   * @param into A buffer of d values to overwrite and return as the contributions (else a new one).
   * @returns The base (mean training probability over the cover) and one value per column.
   */
  explain(row: Float32Array | ArrayLike<number>, into?: Float64Array): Explanation {
    const s = this.#fitted();
    if (row.length !== s.d) {
      throw new InputError(
        `Cannot explain with ${MODEL}: row has ${row.length} values, expected ${s.d}`,
      );
    }
    this.#explainer ??= new _TreeExplainer(s.trees);
    const trees = s.trees.roots.length;
    const contributions = into ? into.fill(0) : new Float64Array(s.d);
    this.#explainer.addContributions(row, contributions, 1 / trees);
    const base = this.#explainer.expectedFrom(0) / trees;
    return { base, contributions, space: "probability" };
  }

  /** Parameters and learned state as plain JSON (node arrays as base64). */
  toJSON(): TreeModelJSON & { params: RandomForestParams; state: RandomForestState } {
    const s = this.#fitted();
    return {
      kind: KIND,
      version: 1,
      params: { ...this.params },
      state: { d: s.d, seed: s.seed, edges: s.edges, trees: _encodeTrees(s.trees) },
    };
  }

  /**
   * Restores a forest saved with `toJSON()`.
   *
   * @param json What `toJSON()` returned (parsed).
   * @returns A fitted forest.
   * @throws {ArtifactError} When the JSON is not a saved forest.
   */
  static fromJSON(json: TreeModelJSON): RandomForestClassifier {
    if (json?.kind !== KIND || json.version !== 1) {
      throw new ArtifactError(
        `Cannot restore ${MODEL}: kind ${json?.kind} version ${json?.version}, expected ${KIND} version 1`,
      );
    }
    let model: RandomForestClassifier;
    try {
      model = new RandomForestClassifier(json.params as Partial<RandomForestParams>);
    } catch (error) {
      throw new ArtifactError(`Cannot restore ${MODEL}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const state = json.state as RandomForestState;
    if (!_isInt(state?.d, 1) || !Array.isArray(state.edges) || state.edges.length !== state.d) {
      throw new ArtifactError(`Cannot restore ${MODEL}: the state has no valid width and edges`);
    }
    const trees = _decodeTrees(state.trees, state.d, MODEL);
    model.#state = { d: state.d, seed: state.seed, edges: state.edges, trees };
    return model;
  }

  #fitted() {
    if (!this.#state) throw new NotFittedError(MODEL);
    return this.#state;
  }
}
