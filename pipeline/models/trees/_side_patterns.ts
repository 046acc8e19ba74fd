/**
 * The side a row takes at every split of a small tree, as one integer: bit i is set when the row
 * goes left at the tree's i-th split (depth first). A tree of s splits has at most 2^s patterns, so
 * anything that depends on a row only through its sides (its leaf, its TreeSHAP contributions)
 * can be tabled per pattern when the model loads.
 *
 * The pattern is read without testing each split where every split on a column is a threshold, or
 * every one a set of category codes under 32: a value's bin on such a column (how many of the
 * column's thresholds lie below it, or its code) fixes its side at every split there, so a tree's
 * pattern is the union of one table entry per column it splits on. Other columns are tested split
 * by split, with {@linkcode _goesLeft}'s rules.
 *
 * @module
 */
import { _goesLeft, CATEGORICAL, MISSING_LEFT, type TreeArrays } from "./_ensemble.ts";

/** The most splits a tree may have to be read by pattern (2^10 patterns). */
export const PATTERN_MAX_SPLITS = 10;

/** The split (internal) nodes of one tree, depth first. */
export function _splitsOf(t: TreeArrays, root: number): number[] {
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (t.feature[node] < 0) continue;
    out.push(node);
    stack.push(t.right[node], t.left[node]);
  }
  return out;
}

/** How many splits a tree has (whether it can be read by pattern). */
export function _splitCount(t: TreeArrays, root: number): number {
  return _splitsOf(t, root).length;
}

/** The leaf a row reaches from `root` when its sides are `pattern` over the tree's `splits`. */
export function _leafOfPattern(
  t: TreeArrays,
  root: number,
  splits: readonly number[],
  pattern: number,
): number {
  let node = root;
  while (t.feature[node] >= 0) {
    node = (pattern >> splits.indexOf(node)) & 1 ? t.left[node] : t.right[node];
  }
  return node;
}

/** The side patterns of some trees of an ensemble, each of at most {@linkcode PATTERN_MAX_SPLITS} splits. */
export class _SidePatterns {
  /** Per tree: its split nodes, depth first (bit i of a pattern is split i). */
  readonly splits: readonly number[][];
  /** Per tree: the distinct columns it splits on. */
  readonly columns: readonly number[][];
  /** Per tree: where its splits start in the split arrays (one more entry at the end). */
  #splitsAt: Int32Array;
  #splitNode: Int32Array;
  #splitColumn: Int32Array;
  /**
   * Per split, how its side is tested: 0 `x <= threshold` (NaN right), 1 the same with NaN left,
   * 2 a code in `#splitMask` (NaN right), 3 the same with NaN left, 4 by {@linkcode _goesLeft} (a
   * category set with codes past 31).
   */
  #splitMode: Uint8Array;
  #splitThreshold: Float64Array;
  /** Per category split of mode 2 or 3: its codes (all under 32) as bits. */
  #splitMask: Int32Array;
  /** Per tree: where its distinct columns start in `#columns` (one more entry at the end). */
  #columnsAt: Int32Array;
  #columns: Int32Array;
  /**
   * Per column: 1 when its splits are all thresholds (a value's bin is 1 + how many of the
   * column's thresholds lie below it, NaN's bin is 0), 2 when they are all category sets of codes
   * under 32 (bin 1 + the code, 33 any other value, 0 NaN), 0 otherwise.
   */
  #binKind: Int8Array;
  /** Per column of kind 1: where its sorted distinct thresholds start in `#cuts`. */
  #cutsAt: Int32Array;
  #cuts: Float64Array;
  /** The bin of each column for the row being read (see `prepare`). */
  #bins: Int32Array;
  /** Per tree: 1 when all its columns are binned, so its pattern is read from `#sides`. */
  #binned: Uint8Array;
  /**
   * Per column of a binned tree (parallel to `#columns`): where its table starts in `#sides`, one
   * entry per bin holding the pattern bits of the tree's splits on that column.
   */
  #sidesAt: Int32Array;
  #sides: Int32Array;

  /**
   * @param t The ensemble's arrays.
   * @param roots The trees' roots, each tree with at most {@linkcode PATTERN_MAX_SPLITS} splits.
   */
  constructor(readonly t: TreeArrays, roots: readonly number[]) {
    this.splits = roots.map((root) => _splitsOf(t, root));
    this.columns = this.splits.map((nodes) => [...new Set(nodes.map((n) => t.feature[n]))]);
    const splitNodes = this.splits.flat();
    this.#splitsAt = new Int32Array(roots.length + 1);
    this.splits.forEach((s, i) => this.#splitsAt[i + 1] = this.#splitsAt[i] + s.length);
    this.#columnsAt = new Int32Array(roots.length + 1);
    this.columns.forEach((c, i) => this.#columnsAt[i + 1] = this.#columnsAt[i] + c.length);
    this.#columns = Int32Array.from(this.columns.flat());
    this.#splitNode = Int32Array.from(splitNodes);
    this.#splitColumn = Int32Array.from(splitNodes, (n) => t.feature[n]);
    this.#splitThreshold = Float64Array.from(splitNodes, (n) => t.threshold[n]);
    this.#splitMask = new Int32Array(splitNodes.length);
    this.#splitMode = Uint8Array.from(splitNodes, (node, s) => {
      const missingLeft = (t.flags[node] & MISSING_LEFT) !== 0 ? 1 : 0;
      if ((t.flags[node] & CATEGORICAL) === 0) return missingLeft;
      const at = t.threshold[node];
      const words = t.catBits[at];
      if (words > 1) return 4;
      this.#splitMask[s] = words === 1 ? t.catBits[at + 1] : 0;
      return 2 + missingLeft;
    });
    let columnCount = 0;
    for (const c of this.#splitColumn) columnCount = Math.max(columnCount, c + 1);
    const kind = new Int8Array(columnCount).fill(-1);
    const cuts: number[][] = Array.from({ length: columnCount }, () => []);
    this.#splitMode.forEach((mode, s) => {
      const c = this.#splitColumn[s];
      const k = mode < 2 ? 1 : mode < 4 ? 2 : 0;
      kind[c] = kind[c] === -1 || kind[c] === k ? k : 0;
      if (k === 1) cuts[c].push(this.#splitThreshold[s]);
    });
    this.#binKind = Int8Array.from(kind, (k) => Math.max(k, 0));
    const sorted = cuts.map((c) => [...new Set(c)].sort((a, b) => a - b));
    this.#cutsAt = new Int32Array(columnCount + 1);
    sorted.forEach((c, j) => this.#cutsAt[j + 1] = this.#cutsAt[j] + c.length);
    this.#cuts = Float64Array.from(sorted.flat());
    this.#bins = new Int32Array(columnCount);
    const binCount = (c: number) => this.#binKind[c] === 1 ? sorted[c].length + 2 : 34;
    // A value of each bin: NaN, each threshold and above them all, or each code and one past them.
    const valueOf = (c: number, bin: number) =>
      bin === 0
        ? NaN
        : this.#binKind[c] === 1
        ? (bin - 1 < sorted[c].length ? sorted[c][bin - 1] : Infinity)
        : (bin - 1 < 32 ? bin - 1 : -1);
    this.#binned = new Uint8Array(roots.length);
    this.#sidesAt = new Int32Array(this.#columns.length);
    const sides: number[] = [];
    for (let i = 0; i < roots.length; i++) {
      if (!this.columns[i].every((c) => this.#binKind[c] > 0)) continue;
      this.#binned[i] = 1;
      this.columns[i].forEach((c, k) => {
        this.#sidesAt[this.#columnsAt[i] + k] = sides.length;
        for (let bin = 0; bin < binCount(c); bin++) {
          let bits = 0;
          for (let s = this.#splitsAt[i]; s < this.#splitsAt[i + 1]; s++) {
            if (this.#splitColumn[s] === c && this.#goesLeft(s, valueOf(c, bin))) {
              bits |= 1 << (s - this.#splitsAt[i]);
            }
          }
          sides.push(bits);
        }
      });
    }
    this.#sides = Int32Array.from(sides);
  }

  /** How many of the trees read their pattern from bins. */
  get binned(): number {
    return this.#binned.reduce((n, b) => n + b, 0);
  }

  /**
   * Reads a row's bin on every binned column; call it before the row's `pattern` calls.
   *
   * @param x The row, or rows.
   * @param o Where the row starts in `x`.
   */
  prepare(x: ArrayLike<number>, o: number): void {
    const kind = this.#binKind;
    const cutsAt = this.#cutsAt;
    const cuts = this.#cuts;
    const bins = this.#bins;
    for (let c = 0; c < kind.length; c++) {
      const v = x[o + c];
      if (kind[c] === 1) {
        if (v !== v) {
          bins[c] = 0;
          continue;
        }
        // How many thresholds lie below v: v <= a threshold exactly when it is not among them.
        let lo = cutsAt[c];
        let hi = cutsAt[c + 1];
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cuts[mid] < v) lo = mid + 1;
          else hi = mid;
        }
        bins[c] = 1 + lo - cutsAt[c];
      } else if (kind[c] === 2) {
        bins[c] = v !== v ? 0 : v >= 0 && v < 32 && (v | 0) === v ? 1 + v : 33;
      }
    }
  }

  /**
   * The side pattern of tree `i` for the row last given to `prepare`.
   *
   * @param i The tree's index among the roots given to the constructor.
   * @param x The row, or rows (read only for a tree that is not binned).
   * @param o Where the row starts in `x`.
   * @returns Bit j set when the row goes left at the tree's split j.
   */
  pattern(i: number, x: ArrayLike<number>, o: number): number {
    let pattern = 0;
    if (this.#binned[i] === 1) {
      const columns = this.#columns;
      const sidesAt = this.#sidesAt;
      const sides = this.#sides;
      const bins = this.#bins;
      const end = this.#columnsAt[i + 1];
      for (let k = this.#columnsAt[i]; k < end; k++) {
        pattern |= sides[sidesAt[k] + bins[columns[k]]];
      }
      return pattern;
    }
    const splitColumn = this.#splitColumn;
    const first = this.#splitsAt[i];
    const end = this.#splitsAt[i + 1];
    for (let s = first; s < end; s++) {
      if (this.#goesLeft(s, x[o + splitColumn[s]])) pattern |= 1 << (s - first);
    }
    return pattern;
  }

  /** The test of {@linkcode _goesLeft} at split `s`, its kind and category set read at load. */
  #goesLeft(s: number, v: number): boolean {
    const mode = this.#splitMode[s];
    if (mode < 2) return v <= this.#splitThreshold[s] || (mode === 1 && v !== v);
    if (mode === 4) return _goesLeft(this.t, this.#splitNode[s], v);
    if (v !== v) return mode === 3;
    return v >= 0 && v < 32 && (v | 0) === v && ((this.#splitMask[s] >>> v) & 1) === 1;
  }
}

/**
 * The leaf values of an ensemble's trees by side pattern, for scoring many rows: each tree's leaf
 * is one table entry, with no walk down the tree. Only for ensembles whose every tree has at most
 * {@linkcode PATTERN_MAX_SPLITS} splits and only binned columns (see {@linkcode _LeafLookup.of}).
 */
export class _LeafLookup {
  #patterns: _SidePatterns;
  /** Per tree: where its 2^s leaf values start in `#value`. */
  #at: Int32Array;
  #value: Float64Array;

  private constructor(patterns: _SidePatterns) {
    const t = patterns.t;
    this.#patterns = patterns;
    this.#at = new Int32Array(t.roots.length);
    const values: number[] = [];
    patterns.splits.forEach((splits, i) => {
      this.#at[i] = values.length;
      for (let pattern = 0; pattern < 1 << splits.length; pattern++) {
        values.push(t.value[_leafOfPattern(t, t.roots[i], splits, pattern)]);
      }
    });
    this.#value = Float64Array.from(values);
  }

  /**
   * The lookup of an ensemble, when every tree is small and splits only binned columns.
   *
   * @param t The ensemble.
   * @returns The lookup, or undefined when some tree must be walked.
   */
  static of(t: TreeArrays): _LeafLookup | undefined {
    const roots = Array.from(t.roots);
    if (roots.some((root) => _splitCount(t, root) > PATTERN_MAX_SPLITS)) return undefined;
    const patterns = new _SidePatterns(t, roots);
    return patterns.binned === roots.length ? new _LeafLookup(patterns) : undefined;
  }

  /**
   * Adds the sum of every tree's leaf value for each row to `out`, as `_addLeafSums` does (the
   * same values added in the same order).
   *
   * @param x Row-major matrix.
   * @param d Columns.
   * @param out One sum per row; added to.
   */
  addLeafSums(x: ArrayLike<number>, d: number, out: Float64Array): void {
    const patterns = this.#patterns;
    const at = this.#at;
    const value = this.#value;
    const trees = at.length;
    for (let r = 0; r < out.length; r++) {
      const o = r * d;
      patterns.prepare(x, o);
      let sum = 0;
      for (let k = 0; k < trees; k++) sum += value[at[k] + patterns.pattern(k, x, o)];
      out[r] += sum;
    }
  }
}
