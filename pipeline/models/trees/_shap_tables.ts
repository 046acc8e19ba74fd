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
import { _goesLeft, CATEGORICAL, MISSING_LEFT, type TreeArrays } from "./_ensemble.ts";

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
    const stack: [number, number][] = [[this.root, 0]];
    while (stack.length > 0) {
      const [node, mask] = stack.pop()!;
      if (t.feature[node] < 0) {
        const d = this.#width[node];
        const at = this.#tableAt[node] + mask * d;
        for (let k = 0; k < d; k++) {
          phi[this.#columns[this.#columnsAt[node] + k]] += this.#table[at + k];
        }
        continue;
      }
      const bit = 1 << this.#slot[node];
      const hot = left[node] ? t.left[node] : t.right[node];
      const cold = left[node] ? t.right[node] : t.left[node];
      stack.push([hot, this.#fresh[node] ? mask | bit : mask], [cold, mask & ~bit]);
    }
  }
}

/**
 * The most splits a tree may have to be explained from a table per side pattern (2^10 patterns).
 */
export const PATTERN_MAX_SPLITS = 10;

/**
 * TreeSHAP by one lookup per tree, for trees with few splits (a booster's trees of 8 leaves).
 *
 * A tree's contributions depend on a row only through the side it takes at each split, every
 * split of the tree and not only those on its own path. A tree with s splits therefore has at most
 * 2^s distinct contribution vectors, each over the tree's distinct columns: they are computed once
 * from the tree's {@linkcode _TreeTable} when the model loads (patterns no row can take included,
 * which costs nothing but the table). Explaining a row tests the s splits, which gives the pattern,
 * and adds one vector: O(s + columns) per tree instead of the leaf tables' O(nodes + leaves · d).
 * The vectors are sums over the tree's leaves, so a row's contributions equal the leaf tables'
 * up to the rounding of that sum.
 */
export class _PatternTables {
  /** Per tabled tree: where its splits start in the split arrays (one more entry at the end). */
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
  /** Per tabled tree: where its columns start in `#columns` (one more entry at the end). */
  #columnsAt: Int32Array;
  #columns: Int32Array;
  /** Per tabled tree: where its 2^s vectors start in `#table`. */
  #tableAt: Int32Array;
  #table: Float64Array;
  /**
   * Per column: 1 when its splits are all thresholds (a value's bin is 1 + how many of the
   * column's thresholds lie below it, NaN's bin is 0), 2 when they are all category sets of codes
   * under 32 (bin 1 + the code, 33 any other value, 0 NaN), 0 otherwise.
   */
  #binKind: Int8Array;
  /** Per column of kind 1: where its sorted distinct thresholds start in `#cuts`. */
  #cutsAt: Int32Array;
  #cuts: Float64Array;
  /** The bin of each column for the row being explained (see `prepare`). */
  #bins: Int32Array;
  /** Per tabled tree: 1 when all its columns are binned, so its pattern is read from `#sides`. */
  #binned: Uint8Array;
  /**
   * Per column of a binned tree (parallel to `#columns`): where its table starts in `#sides`, one
   * entry per bin holding the pattern bits of the tree's splits on that column.
   */
  #sidesAt: Int32Array;
  #sides: Int32Array;

  /**
   * @param t The ensemble's arrays.
   * @param tables The leaf tables of the trees to table here, each with at most
   *   {@linkcode PATTERN_MAX_SPLITS} splits (see {@linkcode _splitCount}).
   */
  constructor(readonly t: TreeArrays, tables: readonly _TreeTable[]) {
    const splitNodes: number[] = [];
    const columns: number[] = [];
    const splitsAt = [0];
    const columnsAt = [0];
    const tableAt: number[] = [];
    const vectors: Float64Array[] = [];
    let size = 0;
    const left = new Uint8Array(t.feature.length);
    let columnCount = 0;
    for (let n = 0; n < t.feature.length; n++) {
      columnCount = Math.max(columnCount, t.feature[n] + 1);
    }
    const phi = new Float64Array(columnCount);
    for (const table of tables) {
      const nodes = _splitsOf(t, table.root);
      const own = [...new Set(nodes.map((n) => t.feature[n]))];
      const vector = new Float64Array((1 << nodes.length) * own.length);
      for (let pattern = 0; pattern < 1 << nodes.length; pattern++) {
        nodes.forEach((node, i) => left[node] = (pattern >> i) & 1);
        phi.fill(0);
        table.addSides(left, phi);
        own.forEach((column, k) => vector[pattern * own.length + k] = phi[column]);
      }
      splitNodes.push(...nodes);
      columns.push(...own);
      splitsAt.push(splitNodes.length);
      columnsAt.push(columns.length);
      tableAt.push(size);
      vectors.push(vector);
      size += vector.length;
    }
    this.#splitsAt = Int32Array.from(splitsAt);
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
    this.#columnsAt = Int32Array.from(columnsAt);
    this.#columns = Int32Array.from(columns);
    // Bins: a value's bin fixes its side at every split on its column, so a tree's pattern is the
    // union of one table entry per column it splits on, with no test per split.
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
    const valueOf = (c: number, bin: number) =>
      bin === 0
        ? NaN
        : this.#binKind[c] === 1
        ? (bin - 1 < sorted[c].length ? sorted[c][bin - 1] : Infinity)
        : (bin - 1 < 32 ? bin - 1 : -1);
    this.#binned = new Uint8Array(tables.length);
    this.#sidesAt = new Int32Array(columns.length);
    const sides: number[] = [];
    for (let i = 0; i < tables.length; i++) {
      const own = this.#columns.subarray(this.#columnsAt[i], this.#columnsAt[i + 1]);
      if (!own.every((c) => this.#binKind[c] > 0)) continue;
      this.#binned[i] = 1;
      own.forEach((c, k) => {
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
    this.#tableAt = Int32Array.from(tableAt);
    this.#table = new Float64Array(size);
    let at = 0;
    for (const vector of vectors) {
      this.#table.set(vector, at);
      at += vector.length;
    }
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
    let pattern = 0;
    if (this.#binned[i] === 1) {
      const sidesAt = this.#sidesAt;
      const sides = this.#sides;
      const bins = this.#bins;
      for (let k = from; k < from + width; k++) pattern |= sides[sidesAt[k] + bins[columns[k]]];
    } else {
      const splitColumn = this.#splitColumn;
      const first = this.#splitsAt[i];
      const end = this.#splitsAt[i + 1];
      for (let s = first; s < end; s++) {
        if (this.#goesLeft(s, x[splitColumn[s]])) pattern |= 1 << (s - first);
      }
    }
    const table = this.#table;
    const at = this.#tableAt[i] + pattern * width;
    for (let k = 0; k < width; k++) phi[columns[from + k]] += scale * table[at + k];
  }

  /** How many of the tabled trees read their pattern from bins. */
  get binned(): number {
    return this.#binned.reduce((n, b) => n + b, 0);
  }

  /**
   * Reads a row's bin on every binned column; call it before the row's `add` calls.
   *
   * @param x The row.
   */
  prepare(x: ArrayLike<number>): void {
    const kind = this.#binKind;
    const cutsAt = this.#cutsAt;
    const cuts = this.#cuts;
    const bins = this.#bins;
    for (let c = 0; c < kind.length; c++) {
      const v = x[c];
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

  /** The test of {@linkcode _goesLeft} at split `s`, its kind and category set read at load. */
  #goesLeft(s: number, v: number): boolean {
    const mode = this.#splitMode[s];
    if (mode < 2) return v <= this.#splitThreshold[s] || (mode === 1 && v !== v);
    if (mode === 4) return _goesLeft(this.t, this.#splitNode[s], v);
    if (v !== v) return mode === 3;
    return v >= 0 && v < 32 && (v | 0) === v && ((this.#splitMask[s] >>> v) & 1) === 1;
  }
}

/** The split (internal) nodes of one tree, depth first. */
function _splitsOf(t: TreeArrays, root: number): number[] {
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

/** How many splits a tree has (whether it can be explained by {@linkcode _PatternTables}). */
export function _splitCount(t: TreeArrays, root: number): number {
  return _splitsOf(t, root).length;
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
