/**
 * The contract every tree model here keeps, so the training code can hold any of them: fit on a
 * dense row-major matrix, give probabilities, explain one row, save as plain JSON.
 *
 * @module
 */

/** Options of `fit`. */
export interface TreeFitOptions {
  /** Columns of the matrix (its width). */
  d: number;
  /** Seed of every random choice (bootstrap, column and row sampling, random cuts). */
  seed: number;
  /** Weight of each row (default 1). */
  weights?: Float32Array;
  /**
   * Per column, how many category codes it holds (its values are codes 0…k−1, or NaN), 0 for a
   * numeric column. Gradient boosting splits such a column on sets of codes; the forest ignores
   * it. Absent: every column is numeric.
   */
  categories?: number[];
  /** Rows for early stopping (gradient boosting only; the forest ignores them). */
  validation?: { x: Float32Array; y: Uint8Array };
}

/** One row's explanation: `base + Σ contributions` is the model's output in `space`. */
export interface Explanation {
  /** The expected output over the training cover (the value with no column known). */
  base: number;
  /** One contribution per column of the matrix. */
  contributions: Float64Array;
  /** `probability` for the forest, `margin` (log-odds) for gradient boosting. */
  space: "probability" | "margin";
}

/** A binary classifier of dense tabular rows. */
export interface TabularClassifier {
  /** Which model this is, as saved in `kind`. */
  readonly kind: string;
  /** Columns of the rows it was fitted on; throws NotFittedError before `fit`. */
  readonly width: number;
  /** Learns from rows `x` (n × d, row-major) and labels `y` (0/1); returns `this`. */
  fit(x: Float32Array, y: Uint8Array, options: TreeFitOptions): this;
  /** The probability of the positive class for each row of `x`. */
  predictProba(x: Float32Array): Float64Array;
  /**
   * Exact TreeSHAP contributions of each column for one row, written into `into` when given (a
   * buffer of `width` values the caller reuses across rows; it is overwritten and returned as
   * `contributions`), else into a new array.
   */
  explain(row: Float32Array | ArrayLike<number>, into?: Float64Array): Explanation;
  /** Parameters and learned state as plain JSON. */
  toJSON(): TreeModelJSON;
}

/** What `toJSON()` returns: parameters apart from learned state, tagged with the model's kind. */
export interface TreeModelJSON {
  kind: string;
  /** Format version of the state. */
  version: number;
  params: Record<string, unknown>;
  state: Record<string, unknown>;
}

/**
 * The nodes of all trees of an ensemble in flat arrays: `feature` is the split column (−1 at a
 * leaf), a row goes left when `x[feature] <= threshold` (NaN goes right) unless `flags` say
 * otherwise, child indices are
 * absolute, `value` is the node's output (a leaf's is what the tree gives), `cover` the training
 * weight that reached the node, and `roots[t]` is tree t's root.
 */
export interface TreeArrays {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  cover: Float64Array;
  /** Per node: 1 = a missing value (NaN) goes left, 2 = a split on categories (see `catBits`). */
  flags: Uint8Array;
  /**
   * The left sets of category splits: a category node's threshold is the offset of its set here,
   * `catBits[at]` words follow, and code c goes left when bit c of them is set.
   */
  catBits: Uint32Array;
  roots: Int32Array;
}

/** The trees as saved: each array as base64 of its little-endian bytes. */
export interface EncodedTrees {
  nodes: number;
  feature: string;
  threshold: string;
  left: string;
  right: string;
  value: string;
  cover: string;
  /** Absent when no node has a flag (every forest, and boosting saved before flags). */
  flags?: string;
  catBits?: string;
  roots: string;
}
