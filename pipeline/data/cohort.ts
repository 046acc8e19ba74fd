/**
 * Cohort-forward evaluation: train on some cohorts (terms, years, presentations) and test on
 * others, as a school trains on last year and predicts this year. Random folds mix every term into
 * training and flatter a model by what it learns of the term itself.
 *
 * @module
 */
import { InputError } from "../core/errors.ts";
import type { Dataset } from "./dataset.ts";
import { type DatasetSpec, profileOf } from "./spec.ts";

/** Which column's values send rows to testing (the rest train). */
export interface CohortSplitOptions {
  /** The column: the spec's `cohort`, or any column of the data. */
  column: string;
  /** The values tested on, as spelled in the file. */
  test: string[];
}

/**
 * Splits rows by a column's values: the rows whose value is among `test` are tested on, every
 * other row (a missing value included) is trained on.
 *
 * @param data The dataset (with labels).
 * @param options The column and the tested values.
 * @returns Sorted row indices of each part.
 * @throws InputError when the column is not in the data, a tested value is in no row, or either
 *   part lacks a class.
 * @example
 * ```ts
 * const { train, test } = cohortSplit(data, { column: "term", test: ["2014B", "2014J"] });
 * ```
 */
export function cohortSplit(
  data: Dataset,
  options: CohortSplitOptions,
): { train: number[]; test: number[] } {
  const values = cohortValues(data, options.column);
  const tested = new Set(options.test);
  if (tested.size === 0) {
    throw new InputError(`Invalid option --test: expected values of "${options.column}"`);
  }
  const seen = new Set<string>();
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < data.rows; i++) {
    const v = values[i];
    if (v !== null) seen.add(v);
    (v !== null && tested.has(v) ? test : train).push(i);
  }
  const absent = [...tested].filter((v) => !seen.has(v));
  if (absent.length > 0) {
    throw new InputError(
      `Invalid option --test: ${
        absent.map((v) => `"${v}"`).join(", ")
      } not in column "${options.column}", whose values are ${[...seen].sort().join(", ")}`,
    );
  }
  for (const [part, rows] of [["training", train], ["test", test]] as const) {
    const positives = rows.reduce((n, r) => n + data.labels[r], 0);
    if (positives === 0 || positives === rows.length) {
      throw new InputError(
        `Cannot split by "${options.column}": the ${part} rows (${rows.length}) hold one class only`,
      );
    }
  }
  return { train, test };
}

/**
 * Each row's value of a column as text, whether the spec types it or carries it (an id, the
 * cohort, an extra column).
 *
 * @param data The dataset.
 * @param column The column.
 * @returns One value per row, null when missing.
 * @throws InputError when the column is not in the data.
 */
export function cohortValues(data: Dataset, column: string): (string | null)[] {
  const cells = data.cells[column];
  if (cells) return cells.map((c) => (c === null ? null : String(c)));
  const extra = data.extra[column];
  if (extra) return extra;
  throw new InputError(
    `Column "${column}" is not in ${data.source}: columns are ${
      [...Object.keys(data.cells), ...Object.keys(data.extra)].join(", ")
    }`,
  );
}

/**
 * A copy of a spec whose profile does not read a column: the cohort split by is never an input,
 * whether the spec names it its cohort or `--by` does.
 *
 * @param spec The spec.
 * @param column The column to leave out.
 * @param profile The profile (the spec's default when absent).
 * @returns The spec itself when the profile does not read the column, else a copy without it.
 * @throws InputError when the profile would read nothing else.
 */
export function withoutInput(spec: DatasetSpec, column: string, profile?: string): DatasetSpec {
  const { name, profile: p } = profileOf(spec, profile);
  if (!p.features.includes(column)) return spec;
  const features = p.features.filter((f) => f !== column);
  if (features.length === 0) {
    throw new InputError(`Profile "${name}" reads nothing but "${column}", the cohort`);
  }
  return { ...spec, profiles: { ...spec.profiles, [name]: { ...p, features } } };
}
