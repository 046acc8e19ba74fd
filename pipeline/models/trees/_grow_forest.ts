/**
 * Grows one classification tree of a forest on binned data, depth first: at each node a random
 * subset of columns is searched (more when all of them are constant in the node, as
 * scikit-learn does) for the split that most lowers Gini impurity or entropy, or, for extremely
 * randomised trees, one random cut per column is scored.
 *
 * @module
 */
import type { _Binned } from "./_binned.ts";
import { _midBin } from "./_binned.ts";
import type { _TreeBuilder } from "./_ensemble.ts";

/** How a forest tree grows. */
export interface _ForestGrowth {
  /** Columns searched per node. */
  mtry: number;
  minSamplesLeaf: number;
  minSamplesSplit: number;
  maxDepth: number;
  criterion: "gini" | "entropy";
  randomSplits: boolean;
}

/** Reusable buffers, so growing many trees allocates nothing per node. */
export class _ForestScratch {
  rows: Int32Array;
  perm: Int32Array;
  count = new Int32Array(256);
  w = new Float64Array(256);
  wy = new Float64Array(256);
  stack: number[] = [];
  constructor(n: number, d: number) {
    this.rows = new Int32Array(n);
    this.perm = Int32Array.from({ length: d }, (_, i) => i);
  }
}

/**
 * Grows one tree into `builder`; leaves hold the weighted share of positives, covers the weight.
 *
 * @param data The binned matrix.
 * @param y Labels.
 * @param w Row weights (bootstrap count × sample weight; 0 leaves the row out).
 * @param g Growth rules.
 * @param rng The tree's generator.
 * @param builder Receives the nodes.
 * @param s Scratch buffers.
 */
export function _growForestTree(
  data: _Binned,
  y: Uint8Array,
  w: Float64Array,
  g: _ForestGrowth,
  rng: () => number,
  builder: _TreeBuilder,
  s: _ForestScratch,
): void {
  const { bins, n, d, nBins, edges } = data;
  const rows = s.rows;
  let m = 0;
  let rootW = 0;
  let rootWy = 0;
  let rootPos = 0;
  for (let r = 0; r < n; r++) {
    if (w[r] > 0) {
      rows[m++] = r;
      rootW += w[r];
      if (y[r] === 1) rootWy += w[r], rootPos++;
    }
  }
  if (m === 0) throw new RangeError("No row has a positive weight");
  const root = builder.add(rootWy / rootW, rootW);
  builder.roots.push(root);
  const stack = s.stack;
  stack.length = 0;
  stack.push(root, 0, m, 0, rootW, rootWy, rootPos);
  const { count, w: hw, wy: hwy, perm } = s;
  const minLeaf = g.minSamplesLeaf;
  while (stack.length) {
    const pos = stack.pop()!;
    const nodeWy = stack.pop()!;
    const nodeW = stack.pop()!;
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const node = stack.pop()!;
    const size = end - start;
    if (
      depth >= g.maxDepth || size < g.minSamplesSplit || size < 2 * minLeaf || pos === 0 ||
      pos === size
    ) continue;
    let bestScore = -Infinity;
    let bestF = -1;
    let bestB = -1;
    for (let k = 0; k < d; k++) {
      if (k >= g.mtry && bestF >= 0) break;
      const j = k + Math.floor(rng() * (d - k));
      const f = perm[j];
      perm[j] = perm[k];
      perm[k] = f;
      const nb = nBins[f];
      if (nb <= 1) continue;
      count.fill(0, 0, nb);
      hw.fill(0, 0, nb);
      hwy.fill(0, 0, nb);
      const col = f * n;
      for (let i = start; i < end; i++) {
        const r = rows[i];
        const b = bins[col + r];
        count[b]++;
        hw[b] += w[r];
        if (y[r] === 1) hwy[b] += w[r];
      }
      let lo = 0;
      while (count[lo] === 0) lo++;
      let hi = nb - 1;
      while (count[hi] === 0) hi--;
      if (lo === hi) continue;
      // Scan the cuts after each filled bin; extremely randomised trees score one random cut.
      const cut = g.randomSplits ? lo + Math.floor(rng() * (hi - lo)) : -1;
      let cl = 0;
      let wl = 0;
      let wyl = 0;
      for (let b = lo; b < hi; b++) {
        cl += count[b];
        wl += hw[b];
        wyl += hwy[b];
        // An empty bin cuts the same rows as the filled one before it.
        if (cut >= 0 ? b < cut : count[b] === 0) continue;
        if (cl >= minLeaf && size - cl >= minLeaf) {
          const score = _score(g.criterion, wl, wyl, nodeW - wl, nodeWy - wyl);
          if (score > bestScore) {
            bestScore = score;
            bestF = f;
            // Between filled bins b and c every edge cuts the same rows: take the middle one.
            let c = b + 1;
            while (count[c] === 0) c++;
            bestB = cut >= 0 ? b : _midBin(b, c);
          }
        }
        if (cut >= 0) break;
      }
    }
    if (bestF < 0) continue;
    const col = bestF * n;
    let i = start;
    let e = end - 1;
    while (i <= e) {
      const r = rows[i];
      if (bins[col + r] <= bestB) i++;
      else {
        rows[i] = rows[e];
        rows[e--] = r;
      }
    }
    const [lw, lwy, lpos] = _sums(rows, start, i, w, y);
    const [rw, rwy, rpos] = _sums(rows, i, end, w, y);
    const left = builder.add(lwy / lw, lw);
    const right = builder.add(rwy / rw, rw);
    builder.split(node, bestF, edges[bestF][bestB], left, right);
    stack.push(right, i, end, depth + 1, rw, rwy, rpos);
    stack.push(left, start, i, depth + 1, lw, lwy, lpos);
  }
}

/** Higher is better: minus the children's weighted impurity, up to a constant of the node. */
function _score(
  criterion: "gini" | "entropy",
  wl: number,
  wyl: number,
  wr: number,
  wyr: number,
): number {
  if (criterion === "gini") {
    const nl = wl - wyl;
    const nr = wr - wyr;
    return (wyl * wyl + nl * nl) / wl + (wyr * wyr + nr * nr) / wr;
  }
  return _xlogx(wyl, wl) + _xlogx(wl - wyl, wl) + _xlogx(wyr, wr) + _xlogx(wr - wyr, wr);
}

function _xlogx(a: number, total: number): number {
  return a > 0 ? a * Math.log(a / total) : 0;
}

function _sums(
  rows: Int32Array,
  start: number,
  end: number,
  w: Float64Array,
  y: Uint8Array,
): [number, number, number] {
  let sw = 0;
  let swy = 0;
  let pos = 0;
  for (let i = start; i < end; i++) {
    const r = rows[i];
    sw += w[r];
    if (y[r] === 1) swy += w[r], pos++;
  }
  return [sw, swy, pos];
}
