/**
 * Quantile binning of the training matrix, as LightGBM and scikit-learn's HistGradientBoosting
 * do: each column gets at most 255 bins, cut at midpoints between distinct training values, so
 * a split found on bins is a threshold on the raw value.
 *
 * @module
 */

/** The most bins a column may have (codes fit a byte). */
export const MAX_BINS = 255;

/**
 * Learns each column's edges: ascending thresholds t₀ < t₁ < …; a value's bin is the index of
 * the first edge it does not exceed (x ≤ tⱼ), or the edge count when it exceeds all (NaN too,
 * which always goes right, as `x <= t` is false for it).
 *
 * @param x Row-major training matrix (n × d).
 * @param n Rows.
 * @param d Columns.
 * @param maxBins Bins per column at most, 2–255.
 * @param sample Learn from these rows only (LightGBM learns its bins from 200,000 rows).
 * @returns One ascending edge list per column (empty for a constant column).
 */
export function learnEdges(
  x: Float32Array,
  n: number,
  d: number,
  maxBins: number,
  sample?: Int32Array,
): number[][] {
  const edges: number[][] = [];
  const rows = sample?.length ?? n;
  const column = new Float64Array(rows);
  for (let f = 0; f < d; f++) {
    let m = 0;
    for (let i = 0; i < rows; i++) {
      const v = x[(sample ? sample[i] : i) * d + f];
      if (!Number.isNaN(v)) column[m++] = v;
    }
    edges.push(
      _fewValuesEdges(column, m, maxBins) ??
        _edgesOfSorted(column.subarray(0, m).slice().sort(), maxBins),
    );
  }
  return edges;
}

/**
 * The edges of a column of at most `maxBins` distinct values (a one-hot column, category codes, a
 * grade), found without sorting its rows: the midpoints of its sorted distinct values, as
 * {@linkcode _edgesOfSorted} gives. Undefined once it has more, for the sort to do.
 */
function _fewValuesEdges(column: Float64Array, m: number, maxBins: number): number[] | undefined {
  const seen = new Set<number>();
  for (let i = 0; i < m; i++) {
    seen.add(column[i]);
    if (seen.size > maxBins) return undefined;
  }
  const distinct = Float64Array.from(seen).sort();
  const out: number[] = [];
  for (let i = 1; i < distinct.length; i++) out.push((distinct[i - 1] + distinct[i]) / 2);
  return out;
}

/** Edges of one sorted column: every midpoint when few values are distinct, else quantiles. */
function _edgesOfSorted(sorted: Float64Array, maxBins: number): number[] {
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  }
  const out: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 1; i < distinct.length; i++) out.push((distinct[i - 1] + distinct[i]) / 2);
    return out;
  }
  // Cut at the q/maxBins quantiles, each moved up to the midpoint after its value so that no
  // value sits on an edge; a value holding several quantiles gives one edge.
  let j = 0;
  for (let q = 1; q < maxBins; q++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((q * sorted.length) / maxBins))];
    while (j < distinct.length - 1 && distinct[j] < v) j++;
    if (j >= distinct.length - 1) break;
    const edge = (distinct[j] + distinct[j + 1]) / 2;
    if (out.length === 0 || edge > out[out.length - 1]) out.push(edge);
  }
  return out;
}

/** The bin of one value given its column's edges (binary search). */
export function binOf(v: number, edges: number[]): number {
  if (Number.isNaN(v)) return edges.length;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Codes a matrix into bins, column-major (column f's codes are `out[f*n .. f*n+n)`), which is
 * the order the histogram builders read.
 *
 * @param x Row-major matrix (n × d).
 * @param n Rows.
 * @param d Columns.
 * @param edges Each column's edges from {@linkcode learnEdges}.
 * @param missingBin Give NaN a bin of its own after the values' (else it shares the last bin).
 * @returns The codes, one byte each.
 */
export function binColumns(
  x: Float32Array,
  n: number,
  d: number,
  edges: number[][],
  missingBin = false,
): Uint8Array {
  const out = new Uint8Array(n * d);
  for (let f = 0; f < d; f++) {
    const e = edges[f];
    const base = f * n;
    const missing = missingBin ? e.length + 1 : e.length;
    for (let r = 0; r < n; r++) {
      const v = x[r * d + f];
      out[base + r] = v !== v ? missing : binOf(v, e);
    }
  }
  return out;
}
