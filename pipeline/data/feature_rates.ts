/**
 * Describing one feature against the label: the rate of the positive class per
 * value (categories, ordinals, yes/no, small integer ranges) or per bin (other
 * numbers), a cut that separates the classes perfectly when there is one, and
 * Pearson correlations between columns. The figure builders and the notebooks
 * read the data through these.
 *
 * @module
 */
import type { Dataset } from "./dataset.ts";
import type { ColumnSpec, DatasetSpec } from "./spec.ts";
import { SchemaError } from "../core/errors.ts";

/** One value or bin of a feature with its class counts. */
export interface FeatureGroup {
  /** The value as shown (`"2"`, `"yes"`, `"GP"`) or the bin (`"5–9"`). */
  label: string;
  /** Smallest value of the group (numeric features only). */
  lower?: number;
  /** Largest value of the group, inclusive (numeric features only). */
  upper?: number;
  /** Rows in the group. */
  count: number;
  /** Positive rows in the group. */
  positives: number;
  /** positives / count; NaN for an empty bin. */
  rate: number;
}

/** What {@linkcode featureRates} found. */
export interface FeatureRates {
  feature: string;
  column: ColumnSpec;
  /** `values`: one group per value; `bins`: equal-width bins of a numeric column. */
  kind: "values" | "bins";
  groups: FeatureGroup[];
  /** Rows whose cell is missing (left out of the groups). */
  missing: number;
  /** Rows and positives over the non-missing cells. */
  total: { count: number; positives: number; rate: number };
  /** A value c such that every row below c is of one class and every row at or above it of the other. */
  perfectCut?: PerfectCut;
}

/** A value that separates the classes: every row below `at` is of one class, every row at or above it of the other. */
export interface PerfectCut {
  /** The smallest value of the upper side. */
  at: number;
  /** The largest value of the lower side. */
  lastBelow: number;
  /** Positive rate below the cut (0 or 1) and its row count. */
  below: { rate: number; count: number };
  /** Positive rate at or above the cut (0 or 1) and its row count. */
  above: { rate: number; count: number };
}

/** Integer columns with at most this many values in their observed range get one group per value. */
const MAX_VALUE_GROUPS = 12;
/** The most bins of a numeric column. */
const MAX_BINS = 20;

/**
 * The valid feature names of a dataset: its columns but the target.
 *
 * @param data The dataset.
 * @param spec The dataset spec.
 * @returns Column names in spec order.
 */
export function featureNames(data: Dataset, spec: DatasetSpec): string[] {
  return data.columns.map((c) => c.name).filter((n) => n !== spec.target.column);
}

/**
 * Counts the positive class per value or bin of one feature.
 *
 * @param data The dataset, with labels.
 * @param spec The dataset spec.
 * @param feature A column of the dataset other than the target.
 * @returns The groups, the missing count, the overall rate and any perfect cut.
 * @throws SchemaError naming the valid features when `feature` is not one.
 * @example
 * ```ts
 * const { groups } = featureRates(data, spec, "Number_of_Failures");
 * // groups[0]: label "0", count 549, positives 51 (rate 0.093) in the student data
 * ```
 */
export function featureRates(data: Dataset, spec: DatasetSpec, feature: string): FeatureRates {
  const names = featureNames(data, spec);
  if (!names.includes(feature)) {
    const expected = `one of ${names.join(", ")}`;
    throw new SchemaError(`Unknown feature "${feature}": expected ${expected}`, [{
      column: feature,
      expected,
    }]);
  }
  if (data.labels.length !== data.rows) {
    throw new SchemaError(`Cannot describe "${feature}": the data has no labels`, [{
      column: spec.target.column,
      expected: "this column in the header",
    }]);
  }
  const column = data.columns.find((c) => c.name === feature)!;
  const cells = data.cells[feature];
  const present: number[] = [];
  cells.forEach((cell, i) => cell !== null && present.push(i));
  const { kind, groups, groupOf } = groupsOf(column, present.map((i) => cells[i]!));
  present.forEach((i) => {
    const g = groups[groupOf(cells[i]!)];
    g.count++;
    g.positives += data.labels[i];
  });
  for (const g of groups) g.rate = g.count > 0 ? g.positives / g.count : NaN;
  const positives = present.reduce((a, i) => a + data.labels[i], 0);
  const total = { count: present.length, positives, rate: positives / (present.length || 1) };
  const numeric = column.type === "integer" || column.type === "number";
  return {
    feature,
    column,
    kind,
    groups,
    missing: cells.length - present.length,
    total,
    perfectCut: numeric
      ? findCut(present.map((i) => [cells[i] as number, data.labels[i]]))
      : undefined,
  };
}

function groupsOf(column: ColumnSpec, values: (string | number)[]): {
  kind: "values" | "bins";
  groups: FeatureGroup[];
  groupOf: (value: string | number) => number;
} {
  const empty = (label: string, lower?: number, upper?: number): FeatureGroup => ({
    label,
    lower,
    upper,
    count: 0,
    positives: 0,
    rate: NaN,
  });
  if (column.type === "boolean") {
    const groups = [
      empty(column.false_values?.[0] ?? "false", 0, 0),
      empty(column.true_values?.[0] ?? "true", 1, 1),
    ];
    return { kind: "values", groups, groupOf: (v) => Number(v) };
  }
  if (column.type === "category" || column.type === "ordinal") {
    const allowed = column.values ?? [];
    const numeric = column.type === "ordinal";
    const groups = allowed.map((v) =>
      numeric ? empty(String(v), Number(v), Number(v)) : empty(String(v))
    );
    const index = new Map(allowed.map((v, i) => [String(v), i]));
    return { kind: "values", groups, groupOf: (v) => index.get(String(v))! };
  }
  const numbers = values as number[];
  // A loop, not Math.min(...numbers): a spread of a million values overflows the stack.
  const min = numbers.length ? numbers.reduce((m, x) => (x < m ? x : m)) : (column.min ?? 0);
  const max = numbers.length ? numbers.reduce((m, x) => (x > m ? x : m)) : (column.max ?? min);
  if (column.type === "integer") {
    const span = max - min + 1;
    const width = span <= MAX_VALUE_GROUPS ? 1 : Math.ceil(span / MAX_BINS);
    const groups: FeatureGroup[] = [];
    for (let lo = min; lo <= max; lo += width) {
      const hi = Math.min(lo + width - 1, max);
      groups.push(empty(lo === hi ? String(lo) : `${lo}–${hi}`, lo, hi));
    }
    return {
      kind: span <= MAX_VALUE_GROUPS ? "values" : "bins",
      groups,
      groupOf: (v) => Math.floor(((v as number) - min) / width),
    };
  }
  const width = (max - min) / MAX_BINS || 1;
  const bins = max > min ? MAX_BINS : 1;
  const groups = Array.from({ length: bins }, (_, b) => {
    const lo = min + b * width;
    const hi = b === bins - 1 ? max : min + (b + 1) * width;
    return empty(`${round(lo)}–${round(hi)}`, lo, hi);
  });
  return {
    kind: "bins",
    groups,
    groupOf: (v) => Math.min(Math.floor(((v as number) - min) / width), bins - 1),
  };
}

function round(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** Finds c with every value < c of one class and every value >= c of the other. */
function findCut(pairs: [number, number][]): PerfectCut | undefined {
  pairs.sort((a, b) => a[0] - b[0]);
  const switches: number[] = [];
  for (let i = 1; i < pairs.length; i++) {
    if (pairs[i][1] !== pairs[i - 1][1]) {
      if (pairs[i][0] === pairs[i - 1][0]) return undefined; // both classes share a value
      switches.push(i);
    }
  }
  if (switches.length !== 1) return undefined;
  const i = switches[0];
  return {
    at: pairs[i][0],
    lastBelow: pairs[i - 1][0],
    below: { rate: pairs[i - 1][1], count: i },
    above: { rate: pairs[i][1], count: pairs.length - i },
  };
}

/**
 * Pearson correlations between the numeric, ordinal and yes/no columns, the
 * two-valued categories (as an indicator of their second value) and the label.
 * Each pair uses the rows where both cells are present.
 *
 * @param data The dataset, with labels.
 * @param spec The dataset spec.
 * @returns The column names (a two-valued category `School` is named `School=MS`) and the matrix.
 */
export function correlationMatrix(
  data: Dataset,
  spec: DatasetSpec,
): { names: string[]; matrix: number[][] } {
  const names: string[] = [];
  const series: (number | null)[][] = [];
  for (const col of data.columns) {
    const cells = data.cells[col.name];
    if (col.name === spec.target.column) continue;
    if (col.type === "category") {
      if (col.values?.length !== 2) continue;
      const second = String(col.values[1]);
      names.push(`${col.name}=${second}`);
      series.push(cells.map((c) => (c === null ? null : c === second ? 1 : 0)));
    } else {
      names.push(col.name);
      series.push(cells.map((c) => (c === null ? null : Number(c))));
    }
  }
  if (data.labels.length === data.rows) {
    names.push(spec.target.column);
    series.push(Array.from(data.labels));
  }
  const matrix = series.map((a) => series.map((b) => pearson(a, b)));
  return { names, matrix };
}

function pearson(a: (number | null)[], b: (number | null)[]): number {
  let n = 0, sa = 0, sb = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === null || b[i] === null) continue;
    n++;
    sa += a[i]!;
    sb += b[i]!;
  }
  const ma = sa / n, mb = sb / n;
  let cov = 0, va = 0, vb = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === null || b[i] === null) continue;
    cov += (a[i]! - ma) * (b[i]! - mb);
    va += (a[i]! - ma) ** 2;
    vb += (b[i]! - mb) ** 2;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : NaN;
}
