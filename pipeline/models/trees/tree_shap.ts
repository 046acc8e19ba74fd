/**
 * Exact TreeSHAP (Lundberg et al. 2020, "From local explanations to global understanding with
 * explainable AI for trees", Algorithm 2), path-dependent: a column left out of a coalition is
 * integrated out by following both children in proportion to their training cover. For one
 * tree the contributions φ are the exact Shapley values of that conditional expectation, so
 * Σφ + E = f(x), where E is the cover-weighted mean leaf value. Cost O(leaves · depth²) per tree.
 *
 * @module
 */
import type { TreeArrays } from "./_ensemble.ts";
import { _goesLeft, _maxDepth } from "./_ensemble.ts";
import {
  _pathColumns,
  _PatternTables,
  _splitCount,
  _TreeTable,
  PATTERN_MAX_SPLITS,
  TABLE_MAX_COLUMNS,
} from "./_shap_tables.ts";
import { InputError } from "./_deps.ts";

/** Path buffers for the recursion, sized by the deepest tree. */
class _ShapPath {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  weight: Float64Array;
  constructor(depth: number) {
    const size = ((depth + 2) * (depth + 3)) / 2 + 1;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }
}

/**
 * Explains rows with the trees of one ensemble; holds the buffers and each tree's E. A tree whose
 * paths split on at most {@linkcode TABLE_MAX_COLUMNS} distinct columns is explained from tables
 * built here (see `_shap_tables.ts`): by one lookup per side pattern when it has at most
 * {@linkcode PATTERN_MAX_SPLITS} splits, else from its leaves' tables; deeper ones by the
 * recursion.
 */
export class _TreeExplainer {
  #t: TreeArrays;
  /** Per tree: its tables, or undefined when it is explained by the recursion. */
  #tables: (_TreeTable | undefined)[];
  /** Per tree: its index in `#patterns`, or −1 when it is not explained by side pattern. */
  #pattern: Int32Array;
  #patterns: _PatternTables;
  #path: _ShapPath;
  #x: ArrayLike<number> = [];
  #phi: Float64Array = new Float64Array(0);
  #scale = 1;
  #sumStart = NaN;
  #sum = NaN;
  /** The cover-weighted mean leaf value of each tree. */
  readonly expected: Float64Array;

  /**
   * @param trees The ensemble.
   * @param tableColumns Trees with at most this many distinct columns on a path get tables
   *   (default {@linkcode TABLE_MAX_COLUMNS}; 0 explains every tree by the recursion).
   * @param patternSplits Tabled trees with at most this many splits are explained by side pattern
   *   (default {@linkcode PATTERN_MAX_SPLITS}; 0 explains every tabled tree from its leaves).
   */
  constructor(
    trees: TreeArrays,
    tableColumns: number = TABLE_MAX_COLUMNS,
    patternSplits: number = PATTERN_MAX_SPLITS,
  ) {
    this.#t = trees;
    this.#path = new _ShapPath(_maxDepth(trees));
    this.expected = Float64Array.from(trees.roots, (root) => this.#expectation(root));
    this.#tables = Array.from(
      trees.roots,
      (root) =>
        _pathColumns(trees, root) <= Math.min(tableColumns, TABLE_MAX_COLUMNS)
          ? new _TreeTable(trees, root)
          : undefined,
    );
    this.#pattern = new Int32Array(trees.roots.length).fill(-1);
    const patterned: _TreeTable[] = [];
    this.#tables.forEach((table, i) => {
      if (!table || _splitCount(trees, table.root) > Math.min(patternSplits, PATTERN_MAX_SPLITS)) {
        return;
      }
      this.#pattern[i] = patterned.length;
      patterned.push(table);
    });
    this.#patterns = new _PatternTables(trees, patterned);
  }

  /**
   * `start` plus every tree's E, added in tree order; worked out once for the last `start` asked.
   *
   * @param start What the sum starts from (a booster's base margin, 0 for a forest).
   * @returns The sum.
   */
  expectedFrom(start: number): number {
    if (start !== this.#sumStart) {
      this.#sum = this.expected.reduce((a, b) => a + b, start);
      this.#sumStart = start;
    }
    return this.#sum;
  }

  /** How many trees are explained from tables (the others by the recursion). */
  get tabled(): number {
    return this.#tables.filter((t) => t !== undefined).length;
  }

  /** How many trees are explained by side pattern (a subset of the tabled ones). */
  get patterned(): number {
    return this.#pattern.filter((i) => i >= 0).length;
  }

  /** How many of the trees explained by side pattern read it from their columns' bins. */
  get binned(): number {
    return this.#patterns.binned;
  }

  /**
   * Adds `scale` × each tree's contributions for one row to `phi`.
   *
   * @param x The row (its columns in fit order).
   * @param phi One slot per column; added to.
   * @param scale Weight of every tree (1/T for a mean).
   */
  addContributions(x: ArrayLike<number>, phi: Float64Array, scale: number): void {
    this.#x = x;
    this.#phi = phi;
    this.#scale = scale;
    const roots = this.#t.roots;
    const pattern = this.#pattern;
    this.#patterns.prepare(x);
    for (let i = 0; i < roots.length; i++) {
      if (pattern[i] >= 0) {
        this.#patterns.add(pattern[i], x, phi, scale);
        continue;
      }
      const table = this.#tables[i];
      if (table) table.add(x, phi, scale);
      else this.#recurse(roots[i], 0, 0, 1, 1, -1);
    }
  }

  #expectation(node: number): number {
    const t = this.#t;
    if (t.feature[node] < 0) return t.value[node];
    const l = t.left[node];
    const r = t.right[node];
    return (t.cover[l] * this.#expectation(l) + t.cover[r] * this.#expectation(r)) /
      (t.cover[l] + t.cover[r]);
  }

  #recurse(
    node: number,
    depth: number,
    parent: number,
    zeroFraction: number,
    oneFraction: number,
    feature: number,
  ): void {
    const p = this.#path;
    const t = this.#t;
    const at = parent + depth + 1;
    for (let i = 0; i <= depth; i++) {
      p.feature[at + i] = p.feature[parent + i];
      p.zero[at + i] = p.zero[parent + i];
      p.one[at + i] = p.one[parent + i];
      p.weight[at + i] = p.weight[parent + i];
    }
    _extend(p, at, depth, zeroFraction, oneFraction, feature);
    const split = t.feature[node];
    if (split < 0) {
      const v = t.value[node] * this.#scale;
      for (let i = 1; i <= depth; i++) {
        const w = _unwoundSum(p, at, depth, i);
        this.#phi[p.feature[at + i]] += w * (p.one[at + i] - p.zero[at + i]) * v;
      }
      return;
    }
    const goesLeft = _goesLeft(t, node, this.#x[split]);
    const hot = goesLeft ? t.left[node] : t.right[node];
    const cold = goesLeft ? t.right[node] : t.left[node];
    const cover = t.cover[t.left[node]] + t.cover[t.right[node]];
    let inZero = 1;
    let inOne = 1;
    // A column split on higher up is taken off the path and put back with both fractions.
    let k = 0;
    while (k <= depth && p.feature[at + k] !== split) k++;
    if (k <= depth) {
      inZero = p.zero[at + k];
      inOne = p.one[at + k];
      _unwind(p, at, depth, k);
      depth--;
    }
    this.#recurse(hot, depth + 1, at, (t.cover[hot] / cover) * inZero, inOne, split);
    this.#recurse(cold, depth + 1, at, (t.cover[cold] / cover) * inZero, 0, split);
  }
}

function _extend(p: _ShapPath, at: number, depth: number, z: number, o: number, f: number): void {
  const w = p.weight;
  p.feature[at + depth] = f;
  p.zero[at + depth] = z;
  p.one[at + depth] = o;
  w[at + depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    w[at + i + 1] += (o * w[at + i] * (i + 1)) / (depth + 1);
    w[at + i] = (z * w[at + i] * (depth - i)) / (depth + 1);
  }
}

function _unwind(p: _ShapPath, at: number, depth: number, k: number): void {
  const w = p.weight;
  const o = p.one[at + k];
  const z = p.zero[at + k];
  let next = w[at + depth];
  for (let i = depth - 1; i >= 0; i--) {
    if (o !== 0) {
      const held = w[at + i];
      w[at + i] = (next * (depth + 1)) / ((i + 1) * o);
      next = held - (w[at + i] * z * (depth - i)) / (depth + 1);
    } else {
      w[at + i] = (w[at + i] * (depth + 1)) / (z * (depth - i));
    }
  }
  for (let i = k; i < depth; i++) {
    p.feature[at + i] = p.feature[at + i + 1];
    p.zero[at + i] = p.zero[at + i + 1];
    p.one[at + i] = p.one[at + i + 1];
  }
}

function _unwoundSum(p: _ShapPath, at: number, depth: number, k: number): number {
  const w = p.weight;
  const o = p.one[at + k];
  const z = p.zero[at + k];
  let next = w[at + depth];
  let total = 0;
  if (o !== 0) {
    for (let i = depth - 1; i >= 0; i--) {
      const piece = next / ((i + 1) * o);
      total += piece;
      next = w[at + i] - piece * z * (depth - i);
    }
  } else {
    for (let i = depth - 1; i >= 0; i--) total += w[at + i] / (z * (depth - i));
  }
  return total * (depth + 1);
}

/**
 * Sums contributions over groups of columns, so that the one-hot columns of one feature count
 * once: group g's total is Σ contrib[j] for j in groups[g]. Columns in no group are left out.
 *
 * @param contrib One contribution per column.
 * @param groups Column indices of each group; no column may be in two groups.
 * @returns One total per group.
 * @throws {InputError} When an index is out of range, not an integer or in two groups.
 * @example
 * ```ts
 * // Columns 0–2 are one-hot School, column 3 is Age.
 * const byFeature = groupContributions(new Float64Array([0.1, 0, -0.02, 0.3]), [[0, 1, 2], [3]]);
 * // byFeature ≈ [0.08, 0.3]
 * ```
 */
export function groupContributions(contrib: ArrayLike<number>, groups: number[][]): Float64Array {
  const seen = new Uint8Array(contrib.length);
  const out = new Float64Array(groups.length);
  groups.forEach((group, g) => {
    for (const j of group) {
      if (!Number.isSafeInteger(j) || j < 0 || j >= contrib.length) {
        throw new InputError(
          `Invalid argument "groups": column ${j} in group ${g}, expected an integer 0–${
            contrib.length - 1
          }`,
        );
      }
      if (seen[j]) {
        throw new InputError(`Invalid argument "groups": column ${j} is in more than one group`);
      }
      seen[j] = 1;
      out[g] += contrib[j];
    }
  });
  return out;
}
