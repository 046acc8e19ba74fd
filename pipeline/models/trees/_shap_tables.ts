/**
 * TreeSHAP by table lookup, for trees whose root-to-leaf paths split on few distinct columns.
 *
 * Path-dependent TreeSHAP gives each leaf's value to the distinct columns `U` of its path. With
 * `z_k` the share of training cover that follows the path through column k's splits, and
 * `o_k` = 1 when the row meets every split of the path on k (0 otherwise), the leaf adds to φ_j
 *
 *   v · (o_j − z_j) · Σ_{S ⊆ U∖{j}} |S|! (d − |S| − 1)! / d! · Π_{k∈S} o_k · Π_{k∈U∖S∖{j}} z_k
 *
 * (d = |U|). The `o_k` are 0 or 1, so a row enters only through its agreement pattern: which of
 * the d columns it meets. Every leaf's contributions are therefore computed once per pattern when
 * the model loads (2^d · d numbers per leaf), and explaining a row walks each tree once, carrying
 * the pattern down as a bit mask, and adds d table entries per leaf: O(nodes + leaves · d) per tree
 * instead of the recursion's O(leaves · depth²). This is the idea of Fast TreeSHAP v2 (Yang 2021,
 * "Fast TreeSHAP: accelerating SHAP value computation for trees"), written here for the flat
 * arrays of this folder; no maintained JavaScript library computes TreeSHAP at all.
 *
 * @module
 */
import { _goesLeft, type TreeArrays } from "./_ensemble.ts";
import { _SidePatterns, _splitCount, PATTERN_MAX_SPLITS } from "./_side_patterns.ts";

export { _splitCount, PATTERN_MAX_SPLITS };

/** The most distinct columns on a path for which a tree is tabled (2^8 · 8 numbers per leaf). */
export const TABLE_MAX_COLUMNS = 8;

/** The tables of one tree. */
export class _TreeTable {
  /** Per node: the slot of its split column on the path (−1 at a leaf). */
  #slot: Int8Array;
  /** Per node: 1 when its split column is new on the path. */
  #fresh: Uint8Array;
  /** Per leaf node: where its columns start in `#columns` (−1 elsewhere). */
  #columnsAt: Int32Array;
  /** Per leaf node: where its table starts in `#table`. */
  #tableAt: Int32Array;
  /** Per leaf node: its number of distinct path columns d. */
  #width: Int8Array;
  #columns: Int32Array;
  #table: Float64Array;
  #stackNode: Int32Array;
  #stackMask: Int32Array;

  /**
   * @param t The ensemble's arrays.
   * @param root The tree's root node.
   */
  constructor(readonly t: TreeArrays, readonly root: number) {
    const n = t.feature.length;
    this.#slot = new Int8Array(n).fill(-1);
    this.#fresh = new Uint8Array(n);
    this.#columnsAt = new Int32Array(n).fill(-1);
    this.#tableAt = new Int32Array(n).fill(-1);
    this.#width = new Int8Array(n);
    const columns: number[] = [];
    const tables: Float64Array[] = [];
    let tableSize = 0;
    let depth = 0;
    // Depth-first walk keeping the path's distinct columns and each one's cover share.
    const walk = (node: number, path: number[], share: number[], level: number) => {
      const f = t.feature[node];
      if (f < 0) {
        depth = Math.max(depth, level);
        this.#columnsAt[node] = columns.length;
        this.#tableAt[node] = tableSize;
        this.#width[node] = path.length;
        columns.push(...path);
        const table = _leafTable(t.value[node], share);
        tables.push(table);
        tableSize += table.length;
        return;
      }
      let slot = path.indexOf(f);
      this.#fresh[node] = slot < 0 ? 1 : 0;
      if (slot < 0) slot = path.length;
      this.#slot[node] = slot;
      const cover = t.cover[t.left[node]] + t.cover[t.right[node]];
      for (const child of [t.left[node], t.right[node]]) {
        const p = slot < path.length ? path : [...path, f];
        const s = slot < share.length ? [...share] : [...share, 1];
        s[slot] *= t.cover[child] / cover;
        walk(child, p, s, level + 1);
      }
    };
    walk(root, [], [], 0);
    this.#columns = Int32Array.from(columns);
    this.#table = new Float64Array(tableSize);
    let at = 0;
    for (const table of tables) {
      this.#table.set(table, at);
      at += table.length;
    }
    // Each level pops one node and pushes two: the stack never holds more than depth + 1.
    this.#stackNode = new Int32Array(depth + 2);
    this.#stackMask = new Int32Array(depth + 2);
  }

  /**
   * Adds `scale` × the tree's contributions for one row to `phi`.
   *
   * @param x The row.
   * @param phi One slot per column; added to.
   * @param scale Weight of the tree.
   */
  add(x: ArrayLike<number>, phi: Float64Array, scale: number): void {
    const t = this.t;
    const { feature, threshold, left, right, flags } = t;
    const stackNode = this.#stackNode;
    const stackMask = this.#stackMask;
    const slot = this.#slot;
    const fresh = this.#fresh;
    const width = this.#width;
    const columnsAt = this.#columnsAt;
    const tableAt = this.#tableAt;
    const columns = this.#columns;
    const table = this.#table;
    let top = 0;
    stackNode[0] = this.root;
    stackMask[0] = 0;
    while (top >= 0) {
      const node = stackNode[top];
      const mask = stackMask[top];
      top--;
      const f = feature[node];
      if (f < 0) {
        const d = width[node];
        const cols = columnsAt[node];
        const at = tableAt[node] + mask * d;
        for (let k = 0; k < d; k++) phi[columns[cols + k]] += scale * table[at + k];
        continue;
      }
      const bit = 1 << slot[node];
      const goesLeft = flags[node] === 0 ? x[f] <= threshold[node] : _goesLeft(t, node, x[f]);
      // A new column is met on the hot side; an old one keeps whatever the path said of it.
      stackNode[++top] = goesLeft ? left[node] : right[node];
      stackMask[top] = fresh[node] ? mask | bit : mask;
      stackNode[++top] = goesLeft ? right[node] : left[node];
      stackMask[top] = mask & ~bit;
    }
  }

  /**
   * Adds the tree's contributions for a row that goes left exactly at the nodes `left` marks
   * (the walk of {@linkcode _TreeTable.add}, with each split's side given instead of tested).
   *
   * @param left One flag per node of the ensemble: 1 where the row goes left.
   * @param phi One slot per column; added to.
   */
  addSides(left: Uint8Array, phi: Float64Array): void {
    const t = this.t;
    const stackNode = this.#stackNode;
    const stackMask = this.#stackMask;
    let top = 0;
    stackNode[0] = this.root;
    stackMask[0] = 0;
    while (top >= 0) {
      const node = stackNode[top];
      const mask = stackMask[top];
      top--;
      if (t.feature[node] < 0) {
        const d = this.#width[node];
        const cols = this.#columnsAt[node];
        const at = this.#tableAt[node] + mask * d;
        for (let k = 0; k < d; k++) phi[this.#columns[cols + k]] += this.#table[at + k];
        continue;
      }
      const bit = 1 << this.#slot[node];
      stackNode[++top] = left[node] ? t.left[node] : t.right[node];
      stackMask[top] = this.#fresh[node] ? mask | bit : mask;
      stackNode[++top] = left[node] ? t.right[node] : t.left[node];
      stackMask[top] = mask & ~bit;
    }
  }
}

/**
 * TreeSHAP by one lookup per tree, for trees with few splits (a booster's trees of 8 leaves).
 *
 * A tree's contributions depend on a row only through the side it takes at each split, every
 * split of the tree and not only those on its own path. A tree with s splits therefore has at most
 * 2^s distinct contribution vectors, each over the tree's distinct columns: they are computed once
 * from the tree's {@linkcode _TreeTable} when the model loads (patterns no row can take included,
 * which costs nothing but the table). Explaining a row reads its side pattern (see
 * `_side_patterns.ts`) and adds one vector: O(columns) per tree instead of the leaf tables'
 * O(nodes + leaves · d). The vectors are sums over the tree's leaves, so a row's contributions
 * equal the leaf tables' up to the rounding of that sum.
 */
export class _PatternTables {
  #patterns: _SidePatterns;
  /** Per tabled tree: where its 2^s vectors start in `#table`. */
  #tableAt: Int32Array;
  #table: Float64Array;
  /** Per tabled tree: where its columns start in `#columns` (one more entry at the end). */
  #columnsAt: Int32Array;
  #columns: Int32Array;

  /**
   * @param t The ensemble's arrays.
   * @param tables The leaf tables of the trees to table here, each with at most
   *   {@linkcode PATTERN_MAX_SPLITS} splits (see {@linkcode _splitCount}).
   */
  constructor(readonly t: TreeArrays, tables: readonly _TreeTable[]) {
    const patterns = new _SidePatterns(t, tables.map((table) => table.root));
    this.#patterns = patterns;
    const left = new Uint8Array(t.feature.length);
    let columnCount = 0;
    for (let n = 0; n < t.feature.length; n++) {
      columnCount = Math.max(columnCount, t.feature[n] + 1);
    }
    const phi = new Float64Array(columnCount);
    this.#columnsAt = new Int32Array(tables.length + 1);
    this.#tableAt = new Int32Array(tables.length);
    const vectors: Float64Array[] = [];
    let size = 0;
    tables.forEach((table, i) => {
      const nodes = patterns.splits[i];
      const own = patterns.columns[i];
      const vector = new Float64Array((1 << nodes.length) * own.length);
      for (let pattern = 0; pattern < 1 << nodes.length; pattern++) {
        nodes.forEach((node, k) => left[node] = (pattern >> k) & 1);
        phi.fill(0);
        table.addSides(left, phi);
        own.forEach((column, k) => vector[pattern * own.length + k] = phi[column]);
      }
      this.#columnsAt[i + 1] = this.#columnsAt[i] + own.length;
      this.#tableAt[i] = size;
      vectors.push(vector);
      size += vector.length;
    });
    this.#columns = Int32Array.from(patterns.columns.flat());
    this.#table = new Float64Array(size);
    let at = 0;
    for (const vector of vectors) {
      this.#table.set(vector, at);
      at += vector.length;
    }
  }

  /** How many of the tabled trees read their pattern from bins. */
  get binned(): number {
    return this.#patterns.binned;
  }

  /**
   * Reads a row's bins; call it before the row's `add` calls.
   *
   * @param x The row.
   */
  prepare(x: ArrayLike<number>): void {
    this.#patterns.prepare(x, 0);
  }

  /**
   * Adds `scale` × tabled tree `i`'s contributions for one row to `phi`.
   *
   * @param i The tree's index among those given to the constructor.
   * @param x The row.
   * @param phi One slot per column; added to.
   * @param scale Weight of the tree.
   */
  add(i: number, x: ArrayLike<number>, phi: Float64Array, scale: number): void {
    const from = this.#columnsAt[i];
    const width = this.#columnsAt[i + 1] - from;
    const columns = this.#columns;
    const table = this.#table;
    const at = this.#tableAt[i] + this.#patterns.pattern(i, x, 0) * width;
    for (let k = 0; k < width; k++) phi[columns[from + k]] += scale * table[at + k];
  }
}

/** The distinct columns on the deepest path of a tree (how wide its tables would be). */
export function _pathColumns(t: TreeArrays, root: number): number {
  let most = 0;
  const walk = (node: number, path: number[]) => {
    const f = t.feature[node];
    if (f < 0) {
      most = Math.max(most, path.length);
      return;
    }
    const p = path.includes(f) ? path : [...path, f];
    walk(t.left[node], p);
    walk(t.right[node], p);
  };
  walk(root, []);
  return most;
}

/**
 * One leaf's contributions for every agreement pattern: entry `mask · d + j` is φ_j when the row
 * meets exactly the columns whose bits `mask` sets.
 *
 * @param v The leaf's value.
 * @param z Each distinct path column's cover share.
 * @returns 2^d · d contributions.
 */
export function _leafTable(v: number, z: number[]): Float64Array {
  const d = z.length;
  const out = new Float64Array((1 << d) * d);
  // weight[s] = s! (d − s − 1)! / d!, the Shapley weight of a coalition of s others.
  const weight = new Float64Array(Math.max(d, 1));
  for (let s = 0; s < d; s++) weight[s] = 1 / (d * _choose(d - 1, s));
  const e = new Float64Array(d + 1);
  for (let mask = 0; mask < 1 << d; mask++) {
    for (let j = 0; j < d; j++) {
      // The others split into those the row meets (B: in S or out of it) and those it does not
      // (C: never in S, always weighted by z). Σ over S ⊆ B of weight(|S|) Π_{B∖S} z is a sum of
      // elementary symmetric polynomials of B's shares.
      let outside = 1;
      e.fill(0);
      e[0] = 1;
      let b = 0;
      for (let k = 0; k < d; k++) {
        if (k === j) continue;
        if (mask & (1 << k)) {
          for (let m = b + 1; m >= 1; m--) e[m] += e[m - 1] * z[k];
          b++;
        } else outside *= z[k];
      }
      let sum = 0;
      for (let s = 0; s <= b; s++) sum += weight[s] * e[b - s];
      const met = mask & (1 << j) ? 1 : 0;
      out[mask * d + j] = v * (met - z[j]) * outside * sum;
    }
  }
  return out;
}

function _choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}
