/**
 * What the Python peers read: a profile's inputs as a plain numeric table, the labels and the
 * fold of every row in every run, written by TypeScript so both sides use the same rows and the
 * same folds.
 *
 * The table holds the profile's features without the spec's leak columns. Categories are one-hot
 * over the values the spec lists (in spec order, so no level is learned from the data; a
 * category column without listed values uses its sorted observed values, which reads no label),
 * ordinals, integers and numbers are kept as numbers, booleans as 0/1, and a missing cell is NaN.
 * Nothing is scaled: a peer that needs scaling fits its scaler on a fold's training rows.
 *
 * @module
 */
import {
  csvLine,
  type Dataset,
  type DatasetSpec,
  type Fold,
  InputError,
  profileOf,
} from "../../pipeline/mod.ts";

/** A profile's inputs as numbers. */
export interface FeatureTable {
  /** Column names: the feature, or `feature=value` for a one-hot column. */
  names: string[];
  /** One row per student, in data order. */
  rows: number[][];
  /** The data columns the table was made from, in profile order. */
  features: string[];
}

/**
 * Encodes a profile's inputs for the peers (see the module doc).
 *
 * @param data The dataset.
 * @param spec The dataset spec.
 * @param profile The profile name.
 * @returns The names and rows of the table.
 */
export function featureTable(data: Dataset, spec: DatasetSpec, profile: string): FeatureTable {
  const { profile: p } = profileOf(spec, profile);
  const features = p.features.filter((f) => !spec.leak.includes(f) && f !== spec.target.column);
  const names: string[] = [];
  const encoders: ((row: number) => number[])[] = [];
  for (const feature of features) {
    const column = data.columns.find((c) => c.name === feature);
    const cells = data.cells[feature];
    if (!column || !cells) {
      throw new InputError(`Cannot encode profile "${profile}": the data has no column ${feature}`);
    }
    if (column.type === "category") {
      const levels = column.values?.map(String) ??
        [...new Set(cells.filter((c) => c !== null).map(String))].sort();
      names.push(...levels.map((level) => `${feature}=${level}`));
      encoders.push((row) => {
        const cell = cells[row];
        return levels.map((level) => (cell === null ? NaN : String(cell) === level ? 1 : 0));
      });
    } else {
      names.push(feature);
      encoders.push((row) => [cells[row] === null ? NaN : Number(cells[row])]);
    }
  }
  const rows = Array.from({ length: data.rows }, (_, row) => encoders.flatMap((e) => e(row)));
  return { names, rows, features };
}

/**
 * The fold of every row in every run, `[run][row]`, from the folds of `repeatedStratifiedKFold`.
 *
 * @param plan The folds, as `repeatedStratifiedKFold` returns them.
 * @param rows The number of rows.
 * @returns Each row's test fold per run.
 */
export function foldAssignment(plan: Fold[], rows: number): number[][] {
  const runs = Math.max(...plan.map((f) => f.run)) + 1;
  const out = Array.from({ length: runs }, () => new Array<number>(rows).fill(-1));
  for (const fold of plan) for (const row of fold.test) out[fold.run][row] = fold.fold;
  out.forEach((run, r) => {
    const missing = run.indexOf(-1);
    if (missing >= 0) {
      throw new InputError(`Invalid folds: row ${missing} is in no test fold of run ${r}`);
    }
  });
  return out;
}

/** What {@linkcode writeExchange} writes. */
export interface Exchange {
  table: FeatureTable;
  /** 0/1 labels, in data order. */
  labels: ArrayLike<number>;
  /** Each row's test fold per run, from {@linkcode foldAssignment}. */
  foldOf: number[][];
  /** Seed the peers pass as `random_state`. */
  seed: number;
}

/**
 * Writes `features.csv` and `folds.json` into a folder for `peers.py`.
 *
 * @param dir An existing folder.
 * @param exchange The table, labels, folds and seed.
 * @returns The paths written.
 */
export async function writeExchange(dir: string, exchange: Exchange): Promise<string[]> {
  const { table, labels, foldOf, seed } = exchange;
  if (table.rows.length !== labels.length || foldOf.some((f) => f.length !== labels.length)) {
    throw new InputError(
      `Cannot write the peers' inputs: ${table.rows.length} rows, ${labels.length} labels`,
    );
  }
  const number = (v: number) => (Number.isNaN(v) ? "nan" : String(v));
  const body = table.rows.map((r) => r.map(number).join(",") + "\n").join("");
  const features = `${dir}/features.csv`;
  const folds = `${dir}/folds.json`;
  await Deno.writeTextFile(features, csvLine(table.names) + body);
  await Deno.writeTextFile(
    folds,
    JSON.stringify({ labels: Array.from(labels), fold_of: foldOf, seed }),
  );
  return [features, folds];
}
