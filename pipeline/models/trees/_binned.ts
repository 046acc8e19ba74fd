/**
 * The training matrix as the growers read it: bin codes column by column, each column's bin
 * count and edges, and the labels.
 *
 * @module
 */
import { binColumns, binOf } from "./_binning.ts";
import { InputError } from "./_deps.ts";

/** A binned training matrix. */
export interface _Binned {
  /**
   * The codes: column f of row r is `bins[f * n + r]` (column-major, the forest's), or
   * `bins[r * d + f]` when `rowMajor` (boosting's, which fills a histogram row by row).
   */
  bins: Uint8Array;
  rowMajor: boolean;
  n: number;
  d: number;
  /** Bins of each column (edges + 1, plus the missing bin when there is one). */
  nBins: Int32Array;
  edges: number[][];
  /** True when the last bin of every column holds its missing values (NaN) alone. */
  missingBin: boolean;
  /** Per column: 1 when its values are category codes, binned as themselves. */
  categorical: Uint8Array;
  /**
   * Boosting's binning: true when some category column held code k (a category the
   * preprocessor never saw), which shares the missing bin here but goes right in a tree walked
   * on raw values, so its rows must be walked on those.
   */
  unseen?: boolean;
}

/** A bin no category column reaches (its codes and missing bin end at 254): {@linkcode _binWithMissing} gives it to unseen codes on request. */
export const UNSEEN_BIN = 255;

/** Bins a matrix with learned edges; NaN shares the top bin (the forest's binning). */
export function _bin(x: Float32Array, n: number, d: number, edges: number[][]): _Binned {
  return {
    bins: binColumns(x, n, d, edges),
    n,
    d,
    nBins: Int32Array.from(edges, (e) => e.length + 1),
    edges,
    rowMajor: false,
    missingBin: false,
    categorical: new Uint8Array(d),
  };
}

/** Category columns may hold codes 0 up to this, so that codes and the missing bin fit a byte. */
export const MAX_CATEGORY_CODE = 253;

/**
 * Bins a matrix for boosting, row-major: a numeric column's missing values get a bin of their own
 * after its values, and a category column's codes 0–k−1 are their own bins, with bin k for NaN and
 * for code k (a category the preprocessor never saw).
 *
 * @param x Row-major matrix (n × d).
 * @param n Rows.
 * @param d Columns.
 * @param edges Numeric columns' edges (ignored for category columns).
 * @param categories Per column the number of codes k (0 for a numeric column).
 * @param model The model's name, for errors.
 * @param unseenApart Give code k {@linkcode UNSEEN_BIN}, apart from NaN, as rows to be walked
 *   down trees on their bins are binned (a walk on raw values sends code k right).
 * @throws {InputError} When a category column holds a value that is not one of its codes.
 */
export function _binWithMissing(
  x: Float32Array,
  n: number,
  d: number,
  edges: number[][],
  categories: number[],
  model: string,
  unseenApart = false,
): _Binned {
  let unseen = false;
  const numeric = edges.map((e, f) => (categories[f] > 0 ? [] : e));
  const bins = new Uint8Array(n * d);
  const categorical = Uint8Array.from(categories, (k) => (k > 0 ? 1 : 0));
  for (let f = 0; f < d; f++) {
    const k = categories[f];
    const e = numeric[f];
    for (let r = 0; r < n; r++) {
      const v = x[r * d + f];
      if (k === 0) bins[r * d + f] = v !== v ? e.length + 1 : binOf(v, e);
      // Code k is a category the preprocessor never saw (a refit's stop rows can hold one): it
      // shares the missing bin, as neither says anything the fit rows taught.
      else if (v !== v) bins[r * d + f] = k;
      else if (v === k) (bins[r * d + f] = unseenApart ? UNSEEN_BIN : k), (unseen = true);
      else if (v >= 0 && v < k && v === Math.floor(v)) bins[r * d + f] = v;
      else {
        throw new InputError(
          `Cannot fit ${model}: row ${r} column ${f} is ${v}, expected a category code 0–${k} or NaN`,
        );
      }
    }
  }
  return {
    bins,
    n,
    d,
    nBins: Int32Array.from(
      numeric,
      (e, f) => (categories[f] > 0 ? categories[f] : e.length + 1) + 1,
    ),
    edges: numeric,
    rowMajor: true,
    missingBin: true,
    categorical,
    unseen,
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
