/**
 * The training matrix as the growers read it: bin codes column by column, each column's bin
 * count and edges, and the labels.
 *
 * @module
 */
import { binColumns } from "./_binning.ts";

/** A binned training matrix. */
export interface _Binned {
  /** Column-major codes: column f of row r is `bins[f * n + r]`. */
  bins: Uint8Array;
  n: number;
  d: number;
  /** Bins of each column (edges + 1). */
  nBins: Int32Array;
  edges: number[][];
}

/** Bins a matrix with learned edges. */
export function _bin(x: Float32Array, n: number, d: number, edges: number[][]): _Binned {
  return {
    bins: binColumns(x, n, d, edges),
    n,
    d,
    nBins: Int32Array.from(edges, (e) => e.length + 1),
    edges,
  };
}

/**
 * Where to cut between the last filled bin `a` left of a split and the next filled bin `c`:
 * every edge between them cuts the same rows, so take the middle one, as scikit-learn's trees
 * cut midway between the node's neighbouring values rather than hard against the left one.
 *
 * @returns The bin index whose upper edge is the threshold (left = bins up to it).
 */
export function _midBin(a: number, c: number): number {
  return (a + c - 1) >> 1;
}
