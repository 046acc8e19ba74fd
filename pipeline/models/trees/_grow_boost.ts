/**
 * Grows one regression tree of gradient boosting on binned data, best leaf first (LightGBM's
 * leaf-wise order): each open leaf keeps a histogram of gradient, hessian, cover and count per
 * bin; a split builds the smaller child's histogram and gets the larger one's by subtraction.
 * Leaf values are the Newton step −G / (H + λ), times the learning rate.
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
}

interface _Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array;
  gain: number;
  feature: number;
  bin: number;
}

/** Reusable buffers: row order, bin offsets and a pool of histograms. */
export class _BoostScratch {
  rows: Int32Array;
  offsets: Int32Array;
  #pool: Float64Array[] = [];
  #size: number;
  constructor(data: _Binned) {
    this.rows = new Int32Array(data.n);
    this.offsets = new Int32Array(data.d + 1);
    for (let f = 0; f < data.d; f++) this.offsets[f + 1] = this.offsets[f] + data.nBins[f];
    this.#size = this.offsets[data.d] * 4;
  }
  take(): Float64Array {
    return this.#pool.pop()?.fill(0) ?? new Float64Array(this.#size);
  }
  give(h: Float64Array): void {
    this.#pool.push(h);
  }
}

/**
 * Grows one tree into `builder` from the rows `rows.subarray(0, m)` of the scratch.
 *
 * @param data The binned matrix.
 * @param grad Gradient of each row (weighted).
 * @param hess Hessian of each row (weighted).
 * @param w Sample weight of each row (the cover).
 * @param m How many rows of `s.rows` to grow on.
 * @param features Columns the tree may split on, ascending.
 * @param p Growth rules.
 * @param builder Receives the nodes.
 * @param s Scratch buffers.
 */
export function _growBoostTree(
  data: _Binned,
  grad: Float64Array,
  hess: Float64Array,
  w: Float64Array,
  m: number,
  features: Int32Array,
  p: _BoostGrowth,
  builder: _TreeBuilder,
  s: _BoostScratch,
): void {
  const rows = s.rows;
  const leafOf = (start: number, end: number, depth: number): _Leaf => {
    let g = 0;
    let h = 0;
    let cover = 0;
    for (let i = start; i < end; i++) {
      const r = rows[i];
      g += grad[r];
      h += hess[r];
      cover += w[r];
    }
    const node = builder.add((-g / (h + p.l2)) * p.learningRate, cover);
    return { node, start, end, depth, g, h, hist: s.take(), gain: -Infinity, feature: -1, bin: -1 };
  };
  const root = leafOf(0, m, 0);
  builder.roots.push(root.node);
  _fill(data, grad, hess, w, rows, root, features, s.offsets);
  _best(data, root, features, s.offsets, p);
  const open: _Leaf[] = [root];
  let leaves = 1;
  while (leaves < p.maxLeafNodes) {
    let pick = -1;
    for (let i = 0; i < open.length; i++) {
      if (open[i].feature >= 0 && (pick < 0 || open[i].gain > open[pick].gain)) pick = i;
    }
    if (pick < 0 || open[pick].gain <= p.minGainToSplit) break;
    const leaf = open[pick];
    const col = leaf.feature * data.n;
    let i = leaf.start;
    let e = leaf.end - 1;
    while (i <= e) {
      const r = rows[i];
      if (data.bins[col + r] <= leaf.bin) i++;
      else {
        rows[i] = rows[e];
        rows[e--] = r;
      }
    }
    const left = leafOf(leaf.start, i, leaf.depth + 1);
    const right = leafOf(i, leaf.end, leaf.depth + 1);
    builder.split(
      leaf.node,
      leaf.feature,
      data.edges[leaf.feature][leaf.bin],
      left.node,
      right.node,
    );
    const [small, large] = i - leaf.start <= leaf.end - i ? [left, right] : [right, left];
    _fill(data, grad, hess, w, rows, small, features, s.offsets);
    // The parent's histogram minus the smaller child's is the larger child's.
    s.give(large.hist);
    large.hist = leaf.hist;
    const ph = leaf.hist;
    const sh = small.hist;
    for (let k = 0; k < features.length; k++) {
      const f = features[k];
      for (let j = s.offsets[f] * 4; j < s.offsets[f + 1] * 4; j++) ph[j] -= sh[j];
    }
    _best(data, left, features, s.offsets, p);
    _best(data, right, features, s.offsets, p);
    open.splice(pick, 1, left, right);
    leaves++;
  }
  for (const leaf of open) s.give(leaf.hist);
}

function _fill(
  data: _Binned,
  grad: Float64Array,
  hess: Float64Array,
  w: Float64Array,
  rows: Int32Array,
  leaf: _Leaf,
  features: Int32Array,
  offsets: Int32Array,
): void {
  const { bins, n } = data;
  const hist = leaf.hist;
  for (let k = 0; k < features.length; k++) {
    const f = features[k];
    const col = f * n;
    const base = offsets[f];
    for (let i = leaf.start; i < leaf.end; i++) {
      const r = rows[i];
      const j = (base + bins[col + r]) << 2;
      hist[j] += grad[r];
      hist[j + 1] += hess[r];
      hist[j + 2] += w[r];
      hist[j + 3] += 1;
    }
  }
}

/** Finds the leaf's best split, if the leaf may split. */
function _best(
  data: _Binned,
  leaf: _Leaf,
  features: Int32Array,
  offsets: Int32Array,
  p: _BoostGrowth,
): void {
  const size = leaf.end - leaf.start;
  if (leaf.depth >= p.maxDepth || size < 2 * p.minSamplesLeaf) return;
  const { g, h, hist } = leaf;
  const lambda = p.l2;
  const parent = (g * g) / (h + lambda);
  for (let k = 0; k < features.length; k++) {
    const f = features[k];
    const nb = data.nBins[f];
    const base = offsets[f] << 2;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < nb - 1; b++) {
      const j = base + (b << 2);
      const c = hist[j + 3];
      if (c === 0) continue;
      gl += hist[j];
      hl += hist[j + 1];
      cl += c;
      if (cl >= size) break;
      if (cl < p.minSamplesLeaf || size - cl < p.minSamplesLeaf) continue;
      const hr = h - hl;
      if (hl < p.minHessianLeaf || hr < p.minHessianLeaf) continue;
      const gr = g - gl;
      const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent;
      if (gain > leaf.gain) {
        let next = b + 1;
        while (hist[base + (next << 2) + 3] === 0) next++;
        leaf.gain = gain;
        leaf.feature = f;
        leaf.bin = _midBin(b, next);
      }
    }
  }
}
