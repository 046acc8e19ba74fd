/**
 * The training distributions a model keeps for drift reports: for each input, the bins of the
 * training data and how many training rows fell in each. Numbers are binned at the training
 * deciles, categories (and ordinal and boolean columns) get one bin per value, and missing values
 * are counted on their own. Counts are small plain JSON, saved in `metadata.json`, so a server
 * compares new data with the training data without ever reading it again.
 *
 * @module
 */
import type { Cell, Row } from "../data/cells.ts";
import type { Dataset } from "../data/dataset.ts";
import type { ColumnSpec } from "../data/spec.ts";

/** A number column's training bins: `edges` are the distinct training deciles. */
export interface NumericDistribution {
  feature: string;
  kind: "numeric";
  /** Upper bounds of the bins but the last: bin i holds edges[i-1] < x <= edges[i]. */
  edges: number[];
  /** Training rows per bin (edges.length + 1 bins). */
  counts: number[];
  /** Training rows where the value was missing. */
  missing: number;
}

/** A category's (or ordinal or boolean column's) training bins: one per value seen. */
export interface CategoryDistribution {
  feature: string;
  kind: "category";
  /** The values seen in training, as the loader reads them (text, or a number for ordinals and booleans). */
  values: (string | number)[];
  /** Training rows per value. */
  counts: number[];
  /** Training rows where the value was missing. */
  missing: number;
}

/** One input's training distribution. */
export type FeatureDistribution = NumericDistribution | CategoryDistribution;

/** Every input's training distribution, as `metadata.json` keeps it. */
export interface TrainingDistributions {
  /** Training rows counted. */
  rows: number;
  features: FeatureDistribution[];
}

/** How many quantile bins a number column gets at most (deciles). */
export const QUANTILE_BINS = 10;

/**
 * Counts the training distribution of each input column.
 *
 * @param data The training data.
 * @param columns The inputs (the model's features).
 * @returns Their bins and counts.
 * @example
 * ```ts
 * const reference = trainingDistributions(data, [column(spec, "Age")]);
 * console.log(reference.features[0]); // { feature: "Age", kind: "numeric", edges: [15, 16, …], … }
 * ```
 */
export function trainingDistributions(
  data: Dataset,
  columns: ColumnSpec[],
): TrainingDistributions {
  const features = columns.map((col): FeatureDistribution => {
    const cells = data.cells[col.name] ?? new Array<Cell>(data.rows).fill(null);
    if (col.type === "integer" || col.type === "number") {
      const values = cells.filter((c): c is number => typeof c === "number").sort((a, b) => a - b);
      const edges = decileEdges(values);
      const empty: NumericDistribution = {
        feature: col.name,
        kind: "numeric",
        edges,
        counts: new Array(edges.length + 1).fill(0),
        missing: 0,
      };
      for (const c of cells) count(empty, c);
      return empty;
    }
    const seen = new Map<string | number, number>();
    let missing = 0;
    for (const c of cells) {
      if (c === null) missing++;
      else seen.set(c, (seen.get(c) ?? 0) + 1);
    }
    // The spec's order (or numeric order), so a report reads as the data dictionary does.
    const order = (col.values ?? []).map((v) => (col.type === "category" ? String(v) : v));
    const values = [...seen.keys()].sort((a, b) => rank(order, a) - rank(order, b) || cmp(a, b));
    return {
      feature: col.name,
      kind: "category",
      values,
      counts: values.map((v) => seen.get(v)!),
      missing,
    };
  });
  return { rows: data.rows, features };
}

/**
 * The bin of a number among a distribution's edges (binary search).
 *
 * @param edges Sorted upper bounds.
 * @param x The value.
 * @returns The bin index, 0 … edges.length.
 */
export function binOf(edges: number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Counts new rows into the bins of the training distributions, a row or a dataset at a time, so
 * a stream is compared without being kept. Values outside the training categories are counted
 * by value as unseen.
 */
export class DriftCounter {
  /** The training distributions counted against. */
  readonly reference: TrainingDistributions;
  /** Rows counted. */
  rows = 0;
  readonly #counts: number[][];
  readonly #missing: number[];
  readonly #unseen: Map<string | number, number>[];
  readonly #index: (Map<string | number, number> | undefined)[];

  /** @param reference The model's training distributions. */
  constructor(reference: TrainingDistributions) {
    this.reference = reference;
    this.#counts = reference.features.map((f) => new Array(f.counts.length).fill(0));
    this.#missing = reference.features.map(() => 0);
    this.#unseen = reference.features.map(() => new Map());
    this.#index = reference.features.map((f) =>
      f.kind === "category" ? new Map(f.values.map((v, i) => [v, i])) : undefined
    );
  }

  /**
   * Counts one typed row (a field it lacks counts as missing).
   *
   * @param row The row, as `Predictor.read` gives it.
   */
  add(row: Row): void {
    this.rows++;
    this.reference.features.forEach((f, j) => this.#count(j, row[f.feature] ?? null));
  }

  /**
   * Counts every row of a dataset (a column it lacks counts as missing in every row).
   *
   * @param data The validated rows.
   */
  addDataset(data: Dataset): void {
    this.rows += data.rows;
    this.reference.features.forEach((f, j) => {
      const cells = data.cells[f.feature];
      if (!cells) this.#missing[j] += data.rows;
      else for (const c of cells) this.#count(j, c);
    });
  }

  /**
   * What was counted for one feature.
   *
   * @param feature The feature's position in the reference.
   * @returns Rows per training bin, missing rows and the unseen values with their rows.
   */
  counted(
    feature: number,
  ): { counts: number[]; missing: number; unseen: Map<string | number, number> } {
    return {
      counts: this.#counts[feature],
      missing: this.#missing[feature],
      unseen: this.#unseen[feature],
    };
  }

  #count(j: number, value: Cell): void {
    if (value === null) {
      this.#missing[j]++;
      return;
    }
    const f = this.reference.features[j];
    if (f.kind === "numeric") {
      if (typeof value === "number") this.#counts[j][binOf(f.edges, value)]++;
      return;
    }
    const i = this.#index[j]!.get(value);
    if (i !== undefined) this.#counts[j][i]++;
    else this.#unseen[j].set(value, (this.#unseen[j].get(value) ?? 0) + 1);
  }
}

function count(d: NumericDistribution, c: Cell): void {
  if (typeof c === "number") d.counts[binOf(d.edges, c)]++;
  else d.missing++;
}

/** The distinct deciles of sorted values (the inverse of the empirical distribution). */
function decileEdges(sorted: number[]): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  const edges: number[] = [];
  for (let k = 1; k < QUANTILE_BINS; k++) {
    const x = sorted[Math.max(0, Math.ceil((k * n) / QUANTILE_BINS) - 1)];
    if (edges.length === 0 || x > edges[edges.length - 1]) edges.push(x);
  }
  return edges;
}

function rank(order: (string | number)[], v: string | number): number {
  const i = order.indexOf(v);
  return i < 0 ? order.length : i;
}

function cmp(a: string | number, b: string | number): number {
  return typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : 1;
}
