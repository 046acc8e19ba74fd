/**
 * Grows one regression tree of gradient boosting on binned data, best leaf first (LightGBM's
 * leaf-wise order): each open leaf keeps a histogram of gradient, hessian and row count per bin; a split builds the smaller child's histogram and gets the larger one's by subtraction.
 * Leaf values are the Newton step −G / (H + λ), times the learning rate.
 *
 * Missing values and categories follow LightGBM (`FindBestThresholdNumerical` and
 * `FindBestThresholdCategoricalInner` in its `feature_histogram.hpp`, read for the rules, not the
 * code): a numeric split is scanned twice, with the missing bin on the right and on the left, and
 * keeps the better side; a category column with few categories tries each one against the rest,
 * else its categories (those with at least `catSmooth` rows) are sorted by G / (H + catSmooth)
 * and the left set grows from either end of that order, up to `maxCatThreshold` categories,
 * a candidate every `minDataPerGroup` rows, its gain penalised by `catL2`. Missing is one more
 * category there, so it goes wherever its rows point.
 *
 * @module
 */
import type { _Binned } from "./_binned.ts";
import { _midBin } from "./_binned.ts";
import type { _TreeBuilder } from "./_ensemble.ts";

/** How a boosting tree grows. */
export interface _BoostGrowth {
  maxLeafNodes: number;
  maxDepth: number;
  minSamplesLeaf: number;
  minHessianLeaf: number;
  l2: number;
  learningRate: number;
  minGainToSplit: number;
  maxCatToOnehot: number;
  catSmooth: number;
  catL2: number;
  maxCatThreshold: number;
  minDataPerGroup: number;
}

interface _Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: _Histogram;
  gain: number;
  feature: number;
  /** Numeric: the last bin on the left. */
  bin: number;
  /** Numeric: the raw threshold. */
  threshold: number;
  missingLeft: boolean;
  /** Categorical: the bins (codes) on the left, the missing bin excluded. */
  codes: number[] | null;
}

/** A leaf's histogram: gradient and hessian sums per bin (interleaved) and row counts. */
interface _Histogram {
  gh: Float64Array;
  count: Int32Array;
}

/**
 * Reusable buffers: row order (ascending within each leaf, so that filling a histogram reads
 * memory in order), a spare for the partition, bin offsets, a pool of histograms, a sort buffer.
 */
export class _BoostScratch {
  rows: Int32Array;
  spare: Int32Array;
  offsets: Int32Array;
  goLeft = new Uint8Array(256);
  order: number[] = [];
  /**
   * The last tree's splits on bins: internal node `root + j` sends bin b left when
   * `walk[256 j + b]` is 1 (see {@linkcode _addLastBinned}).
   */
  walk = new Uint8Array(0);
  /** The last tree's root node. */
  walkRoot = 0;
  #pool: _Histogram[] = [];
  #size: number;
  constructor(data: _Binned) {
    this.rows = new Int32Array(data.n);
    this.spare = new Int32Array(data.n);
    this.offsets = new Int32Array(data.d + 1);
    for (let f = 0; f < data.d; f++) this.offsets[f + 1] = this.offsets[f] + data.nBins[f];
    this.#size = this.offsets[data.d];
  }
  take(): _Histogram {
    const h = this.#pool.pop();
    if (!h) return { gh: new Float64Array(2 * this.#size), count: new Int32Array(this.#size) };
    h.gh.fill(0);
    h.count.fill(0);
    return h;
  }
  give(h: _Histogram): void {
    this.#pool.push(h);
  }
}

/**
 * Grows one tree into `builder` from the rows `rows.subarray(0, m)` of the scratch.
 *
 * @param data The binned matrix, row-major (with its missing bins).
 * @param gh Gradient and hessian of each row (weighted), interleaved: row r's at 2r and 2r + 1.
 * @param w Sample weight of each row (the cover).
 * @param m How many rows of `s.rows` to grow on, ascending.
 * @param features Columns the tree may split on, ascending.
 * @param p Growth rules.
 * @param builder Receives the nodes.
 * @param s Scratch buffers.
 * @returns The leaves: each one's node and its rows, `s.rows[start..end)`.
 */
export function _growBoostTree(
  data: _Binned,
  gh: Float64Array,
  w: Float64Array,
  m: number,
  features: Int32Array,
  p: _BoostGrowth,
  builder: _TreeBuilder,
  s: _BoostScratch,
): { node: number; start: number; end: number }[] {
  const rows = s.rows;
  const leafOf = (
    start: number,
    end: number,
    depth: number,
    g: number,
    h: number,
    cover: number,
  ): _Leaf => {
    const node = builder.add((-g / (h + p.l2)) * p.learningRate, cover);
    return {
      node,
      start,
      end,
      depth,
      g,
      h,
      hist: s.take(),
      gain: -Infinity,
      feature: -1,
      bin: -1,
      threshold: 0,
      missingLeft: false,
      codes: null,
    };
  };
  let g0 = 0;
  let h0 = 0;
  let c0 = 0;
  for (let i = 0; i < m; i++) {
    const r = rows[i];
    g0 += gh[2 * r];
    h0 += gh[2 * r + 1];
    c0 += w[r];
  }
  const root = leafOf(0, m, 0, g0, h0, c0);
  builder.roots.push(root.node);
  s.walkRoot = root.node;
  // A tree of L leaves has 2L − 1 nodes, numbered on from its root; it has no more leaves than
  // the round's rows, whatever maxLeafNodes allows.
  const nodes = 2 * Math.min(p.maxLeafNodes, m);
  if (s.walk.length < 256 * nodes) s.walk = new Uint8Array(256 * nodes);
  _fill(data, gh, rows, root, features, s.offsets);
  _best(data, root, features, s, p);
  const open: _Leaf[] = [root];
  let leaves = 1;
  while (leaves < p.maxLeafNodes) {
    let pick = -1;
    for (let i = 0; i < open.length; i++) {
      if (open[i].feature >= 0 && (pick < 0 || open[i].gain > open[pick].gain)) pick = i;
    }
    if (pick < 0 || open[pick].gain <= p.minGainToSplit) break;
    const leaf = open[pick];
    const f = leaf.feature;
    const nb = data.nBins[f];
    const goLeft = s.goLeft.fill(0, 0, nb);
    if (leaf.codes) { for (const c of leaf.codes) goLeft[c] = 1; }
    else goLeft.fill(1, 0, leaf.bin + 1);
    goLeft[nb - 1] = leaf.missingLeft ? 1 : 0;
    // The same sides for a walk on bins; an unseen code goes right, as on raw values.
    const at = 256 * (leaf.node - root.node);
    s.walk.fill(0, at, at + 256);
    s.walk.set(goLeft.subarray(0, nb), at);
    // A stable partition: both sides keep their rows ascending, and their sums are added in
    // that order (as a pass over each side's rows would add them).
    const d = data.d;
    const bins = data.bins;
    const spare = s.spare;
    let i = leaf.start;
    let e = 0;
    let gL = 0;
    let hL = 0;
    let cL = 0;
    let gR = 0;
    let hR = 0;
    let cR = 0;
    // Without a branch on the side, which a sorted row order makes unpredictable: each row is
    // written to both places and the side's count moves on.
    for (let k = leaf.start; k < leaf.end; k++) {
      const r = rows[k];
      const l = goLeft[bins[r * d + f]];
      rows[i] = r;
      spare[e] = r;
      i += l;
      e += 1 - l;
    }
    for (let k = leaf.start; k < i; k++) {
      const r = rows[k];
      gL += gh[2 * r];
      hL += gh[2 * r + 1];
      cL += w[r];
    }
    for (let k = 0; k < e; k++) {
      const r = spare[k];
      gR += gh[2 * r];
      hR += gh[2 * r + 1];
      cR += w[r];
    }
    rows.set(spare.subarray(0, e), i);
    const left = leafOf(leaf.start, i, leaf.depth + 1, gL, hL, cL);
    const right = leafOf(i, leaf.end, leaf.depth + 1, gR, hR, cR);
    if (leaf.codes) {
      builder.splitCategories(leaf.node, f, leaf.codes, left.node, right.node, leaf.missingLeft);
    } else {
      builder.split(leaf.node, f, leaf.threshold, left.node, right.node, leaf.missingLeft);
    }
    const [small, large] = i - leaf.start <= leaf.end - i ? [left, right] : [right, left];
    _fill(data, gh, rows, small, features, s.offsets);
    // The parent's histogram minus the smaller child's is the larger child's.
    s.give(large.hist);
    large.hist = leaf.hist;
    const ph = leaf.hist;
    const sh = small.hist;
    for (let k = 0; k < features.length; k++) {
      const c = features[k];
      for (let j = s.offsets[c]; j < s.offsets[c + 1]; j++) {
        ph.gh[2 * j] -= sh.gh[2 * j];
        ph.gh[2 * j + 1] -= sh.gh[2 * j + 1];
        ph.count[j] -= sh.count[j];
      }
    }
    _best(data, left, features, s, p);
    _best(data, right, features, s, p);
    open.splice(pick, 1, left, right);
    leaves++;
  }
  for (const leaf of open) s.give(leaf.hist);
  return open;
}

/**
 * Adds the leaf's rows to its histogram: rows in ascending order, so that a row's gradient and
 * hessian are read once and its codes (row-major) are contiguous; the histogram stays in cache.
 * Four rows go through each column together: a bin's sums still grow row by row in the same
 * order (the same values to the bit), while the four updates of a column, which seldom share a
 * bin, need not wait on one another (0.78 of the time of one row at a time, interleaved on 22,000
 * rows of 7 columns).
 */
function _fill(
  data: _Binned,
  gh: Float64Array,
  rows: Int32Array,
  leaf: _Leaf,
  features: Int32Array,
  offsets: Int32Array,
): void {
  const { bins, d } = data;
  const sums = leaf.hist.gh;
  const count = leaf.hist.count;
  const m = features.length;
  const slot = Int32Array.from(features, (f) => offsets[f]);
  let i = leaf.start;
  for (; i + 3 < leaf.end; i += 4) {
    const r0 = rows[i];
    const r1 = rows[i + 1];
    const r2 = rows[i + 2];
    const r3 = rows[i + 3];
    const g0 = gh[2 * r0];
    const h0 = gh[2 * r0 + 1];
    const g1 = gh[2 * r1];
    const h1 = gh[2 * r1 + 1];
    const g2 = gh[2 * r2];
    const h2 = gh[2 * r2 + 1];
    const g3 = gh[2 * r3];
    const h3 = gh[2 * r3 + 1];
    const o0 = r0 * d;
    const o1 = r1 * d;
    const o2 = r2 * d;
    const o3 = r3 * d;
    for (let k = 0; k < m; k++) {
      const f = features[k];
      const at = slot[k];
      let b = at + bins[o0 + f];
      sums[2 * b] += g0;
      sums[2 * b + 1] += h0;
      count[b]++;
      b = at + bins[o1 + f];
      sums[2 * b] += g1;
      sums[2 * b + 1] += h1;
      count[b]++;
      b = at + bins[o2 + f];
      sums[2 * b] += g2;
      sums[2 * b + 1] += h2;
      count[b]++;
      b = at + bins[o3 + f];
      sums[2 * b] += g3;
      sums[2 * b + 1] += h3;
      count[b]++;
    }
  }
  for (; i < leaf.end; i++) {
    const r = rows[i];
    const g = gh[2 * r];
    const h = gh[2 * r + 1];
    const o = r * d;
    for (let k = 0; k < m; k++) {
      const b = slot[k] + bins[o + features[k]];
      sums[2 * b] += g;
      sums[2 * b + 1] += h;
      count[b]++;
    }
  }
}

/** Finds the leaf's best split, if the leaf may split. */
function _best(
  data: _Binned,
  leaf: _Leaf,
  features: Int32Array,
  s: _BoostScratch,
  p: _BoostGrowth,
): void {
  const size = leaf.end - leaf.start;
  if (leaf.depth >= p.maxDepth || size < 2 * p.minSamplesLeaf) return;
  const parent = (leaf.g * leaf.g) / (leaf.h + p.l2);
  for (let k = 0; k < features.length; k++) {
    const f = features[k];
    if (data.categorical[f]) _bestCategories(data, leaf, f, s, p, parent);
    else _bestThreshold(data, leaf, f, s.offsets[f], p, parent);
  }
}

/** The best threshold of a numeric column, its missing rows on either side. */
function _bestThreshold(
  data: _Binned,
  leaf: _Leaf,
  f: number,
  base: number,
  p: _BoostGrowth,
  parent: number,
): void {
  const { g, h } = leaf;
  const { gh, count } = leaf.hist;
  const size = leaf.end - leaf.start;
  const lambda = p.l2;
  const values = data.nBins[f] - 1;
  const mj = base + values;
  const gm = gh[2 * mj];
  const hm = gh[2 * mj + 1];
  const nm = count[mj];
  let last = values - 1;
  while (last >= 0 && count[base + last] === 0) last--;
  let gl = 0;
  let hl = 0;
  let cl = 0;
  for (let b = 0; b <= last; b++) {
    const j = base + b;
    const c = count[j];
    if (c === 0) continue;
    gl += gh[2 * j];
    hl += gh[2 * j + 1];
    cl += c;
    // Missing right, then (when the leaf has missing rows) missing left.
    for (let side = 0; side < (nm > 0 ? 2 : 1); side++) {
      const left = side === 0 ? cl : cl + nm;
      if (left < p.minSamplesLeaf || size - left < p.minSamplesLeaf) continue;
      const hL = side === 0 ? hl : hl + hm;
      const hR = h - hL;
      if (hL < p.minHessianLeaf || hR < p.minHessianLeaf) continue;
      const gL = side === 0 ? gl : gl + gm;
      const gR = g - gL;
      const gain = (gL * gL) / (hL + lambda) + (gR * gR) / (hR + lambda) - parent;
      if (gain > leaf.gain) {
        leaf.gain = gain;
        leaf.feature = f;
        leaf.codes = null;
        // Without missing rows here, a missing value follows the larger side.
        leaf.missingLeft = nm > 0 ? side === 1 : cl >= size - cl;
        if (b === last) {
          leaf.bin = values - 1;
          leaf.threshold = Infinity;
        } else {
          let next = b + 1;
          while (count[base + next] === 0) next++;
          leaf.bin = _midBin(b, next);
          leaf.threshold = data.edges[f][leaf.bin];
        }
      }
    }
  }
}

/** The best left set of a category column (its missing bin counted as one more category). */
function _bestCategories(
  data: _Binned,
  leaf: _Leaf,
  f: number,
  s: _BoostScratch,
  p: _BoostGrowth,
  parent: number,
): void {
  const { g, h } = leaf;
  const { gh, count } = leaf.hist;
  const size = leaf.end - leaf.start;
  const base = s.offsets[f];
  const nb = data.nBins[f];
  const used = s.order;
  used.length = 0;
  for (let b = 0; b < nb; b++) if (count[base + b] > 0) used.push(b);
  if (used.length < 2) return;
  const record = (gain: number, chosen: number[]) => {
    leaf.gain = gain;
    leaf.feature = f;
    leaf.missingLeft = chosen.includes(nb - 1);
    leaf.codes = chosen.filter((b) => b !== nb - 1).sort((a, b) => a - b);
  };
  const gainOf = (gL: number, hL: number, lambda: number) =>
    (gL * gL) / (hL + lambda) + ((g - gL) * (g - gL)) / (h - hL + lambda) - parent;
  if (used.length <= p.maxCatToOnehot) {
    for (const b of used) {
      const j = base + b;
      const c = count[j];
      if (c < p.minSamplesLeaf || size - c < p.minSamplesLeaf) continue;
      if (gh[2 * j + 1] < p.minHessianLeaf || h - gh[2 * j + 1] < p.minHessianLeaf) continue;
      const gain = gainOf(gh[2 * j], gh[2 * j + 1], p.l2);
      if (gain > leaf.gain) record(gain, [b]);
    }
    return;
  }
  const sorted = used.filter((b) => count[base + b] >= p.catSmooth);
  const ratio = (b: number) => gh[2 * (base + b)] / (gh[2 * (base + b) + 1] + p.catSmooth);
  sorted.sort((a, b) => ratio(a) - ratio(b) || a - b);
  const most = Math.min(p.maxCatThreshold, (sorted.length + 1) >> 1);
  const lastAt = Math.max(Math.min(most, sorted.length) - 1, 0);
  const lambda = p.l2 + p.catL2;
  for (const dir of [1, -1]) {
    let gl = 0;
    let hl = 0;
    let cl = 0;
    let group = 0;
    for (let i = 0; i <= lastAt; i++) {
      const b = sorted[dir === 1 ? i : sorted.length - 1 - i];
      const j = base + b;
      gl += gh[2 * j];
      hl += gh[2 * j + 1];
      cl += count[j];
      group += count[j];
      if (cl < p.minSamplesLeaf || hl < p.minHessianLeaf) continue;
      const right = size - cl;
      if (right < p.minSamplesLeaf || right < p.minDataPerGroup || h - hl < p.minHessianLeaf) break;
      if (group < p.minDataPerGroup) continue;
      group = 0;
      const gain = gainOf(gl, hl, lambda);
      if (gain > leaf.gain) {
        const chosen = dir === 1 ? sorted.slice(0, i + 1) : sorted.slice(sorted.length - 1 - i);
        record(gain, chosen);
      }
    }
  }
}

/**
 * Adds the last tree grown by {@linkcode _growBoostTree} to the margin of every row of a binned
 * matrix (row-major, `d` columns) that `skip` does not mark, walking its splits on the rows' bins,
 * which send each row where its raw values would: a bin holds the values up to its edge, and a
 * category column's codes are their own bins. The rows must be binned with unseen codes apart
 * ({@linkcode _binWithMissing}'s `unseenApart`) or hold none.
 *
 * @param builder The trees, the last one grown with `s`.
 * @param s The scratch the tree was grown with.
 * @param bins The rows' bins, row-major.
 * @param d Columns.
 * @param out One margin per row, added to.
 * @param skip Rows to leave (1), whose leaves are known.
 * @param scale Also multiplies `e[r]` by the factor of the row's leaf, `factors[leaf − root]`.
 */
export function _addLastBinned(
  builder: _TreeBuilder,
  s: _BoostScratch,
  bins: Uint8Array,
  d: number,
  out: Float64Array,
  skip?: Uint8Array,
  scale?: { e: Float64Array; factors: Float64Array },
): void {
  const { feature, left, right, value } = builder;
  const walk = s.walk;
  const root = s.walkRoot;
  for (let r = 0; r < out.length; r++) {
    if (skip !== undefined && skip[r] === 1) continue;
    let node = root;
    let f = feature[node];
    const o = r * d;
    while (f >= 0) {
      node = walk[256 * (node - root) + bins[o + f]] === 1 ? left[node] : right[node];
      f = feature[node];
    }
    out[r] += value[node];
    if (scale !== undefined) scale.e[r] *= scale.factors[node - root];
  }
}
