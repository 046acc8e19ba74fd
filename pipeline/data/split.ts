/**
 * Seeded, stratified splits of row indices: a train/validation/test split, repeated stratified
 * k-fold cross-validation, and a holdout carved from a subset (an early-stopping set inside a
 * fold). Every function returns sorted row indices and never looks at anything but the labels.
 *
 * @module
 */

import { InputError } from "../core/errors.ts";
import { deriveSeed, mulberry32, shuffleInPlace } from "../core/random.ts";

/** Row indices of a train/validation/test split, each part sorted ascending. */
export interface Split {
  /** Rows to fit on. */
  train: number[];
  /** Rows for model selection and early stopping. */
  validation: number[];
  /** Rows kept for the final estimate. */
  test: number[];
}

/** Options of {@linkcode stratifiedSplit}. */
export interface SplitOptions {
  /** Seed of the shuffle; the same seed gives the same split. */
  seed: number;
  /** Fraction of each class put in validation, in [0, 1). Default 0.15. */
  validation?: number;
  /** Fraction of each class put in test, in [0, 1). Default 0.15. */
  test?: number;
}

/** One fold of one run of {@linkcode repeatedStratifiedKFold}. */
export interface Fold {
  /** 0-based run number. */
  run: number;
  /** 0-based fold number within the run. */
  fold: number;
  /** Rows of every other fold of the run, sorted. */
  train: number[];
  /** Rows of this fold, sorted. */
  test: number[];
}

/** Options of {@linkcode repeatedStratifiedKFold}. */
export interface KFoldOptions {
  /** Number of folds per run, from 2 up to the size of the smallest class. */
  folds: number;
  /** Number of times the whole k-fold is repeated with a fresh shuffle, at least 1. */
  runs: number;
  /** Seed from which every run's shuffle is derived. */
  seed: number;
}

// Domain tags keep the streams of the three functions apart for the same user seed.
const SPLIT_STREAM = 1;
const KFOLD_STREAM = 2;
const HOLDOUT_STREAM = 3;

/**
 * Splits rows into train, validation and test sets with the class proportions of the whole.
 *
 * Each class is shuffled on its own and gives `round(count * test)` rows to test and
 * `round(count * validation)` to validation; the rest go to train. A class of at least 3 rows
 * puts at least one row in every part whose fraction is above 0, and train always keeps at least
 * one row of every class.
 *
 * @param labels The class label of each row.
 * @param options The seed and the validation and test fractions.
 * @returns Sorted row indices of each part; together they hold every row exactly once.
 * @throws {InputError} When a fraction is outside [0, 1), the two sum to 1 or more, the seed is
 * not an integer or the labels are empty or not finite numbers.
 * @example
 * ```ts
 * const labels = [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0];
 * const { train, validation, test } = stratifiedSplit(labels, { seed: 42 });
 * // train.length === 14, validation.length === 3, test.length === 3
 * ```
 */
export function stratifiedSplit(labels: ArrayLike<number>, options: SplitOptions): Split {
  const validation = options.validation ?? 0.15;
  const test = options.test ?? 0.15;
  checkFraction('option "validation"', validation);
  checkFraction('option "test"', test);
  if (!(validation + test < 1)) {
    throw new InputError(
      `Invalid options "validation" and "test": they sum to ${
        validation + test
      }, expected less than 1`,
    );
  }
  checkSeed('option "seed"', options.seed);
  checkLabels(labels);

  const split: Split = { train: [], validation: [], test: [] };
  groupByClass(labels, allRows(labels.length)).forEach((rows, classIndex) => {
    shuffleInPlace(rows, mulberry32(deriveSeed(options.seed, SPLIT_STREAM, classIndex)));
    const [nTest, nValidation] = allocate(rows.length, [test, validation]);
    _append(split.test, rows, 0, nTest);
    _append(split.validation, rows, nTest, nTest + nValidation);
    _append(split.train, rows, nTest + nValidation, rows.length);
  });
  return {
    train: sorted(split.train, labels.length),
    validation: sorted(split.validation, labels.length),
    test: sorted(split.test, labels.length),
  };
}

/**
 * Builds the folds of repeated stratified k-fold cross-validation.
 *
 * Each run shuffles every class with a seed derived from `seed` and the run number, then deals
 * the rows round-robin into the folds, carrying on from where the previous class stopped. Fold
 * sizes therefore differ by at most one row per class and at most one row overall.
 *
 * @param labels The class label of each row.
 * @param options The number of folds and runs, and the seed.
 * @returns `runs * folds` folds, ordered by run then fold; within a run every row is in exactly
 * one test part.
 * @throws {InputError} When `folds` is not an integer from 2 to the size of the smallest class,
 * `runs` is not a positive integer, the seed is not an integer or the labels are empty or not
 * finite numbers.
 * @example
 * ```ts
 * const labels = [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0];
 * for (const { run, fold, train, test } of repeatedStratifiedKFold(labels, {
 *   folds: 5,
 *   runs: 3,
 *   seed: 7,
 * })) {
 *   console.log(`run ${run} fold ${fold}: fit on ${train.length} rows, score on ${test.length}`);
 * }
 * ```
 */
export function repeatedStratifiedKFold(
  labels: ArrayLike<number>,
  options: KFoldOptions,
): Fold[] {
  const { folds, runs, seed } = options;
  checkSeed('option "seed"', seed);
  checkLabels(labels);
  if (!Number.isSafeInteger(runs) || runs < 1) {
    throw new InputError(`Invalid option "runs": ${runs}, expected an integer of at least 1`);
  }
  const classes = groupByClass(labels, allRows(labels.length));
  const smallest = classes.reduce((m, rows) => Math.min(m, rows.length), Infinity);
  if (!Number.isSafeInteger(folds) || folds < 2 || folds > smallest) {
    throw new InputError(
      `Invalid option "folds": ${folds}, expected an integer from 2 to ${smallest} (the size of the smallest class)`,
    );
  }

  const result: Fold[] = [];
  for (let run = 0; run < runs; run++) {
    const assigned = new Array<number>(labels.length);
    let next = 0;
    classes.forEach((rows, classIndex) => {
      const order = shuffleInPlace(
        rows.slice(),
        mulberry32(deriveSeed(seed, KFOLD_STREAM, run, classIndex)),
      );
      for (const row of order) {
        assigned[row] = next;
        next = (next + 1) % folds;
      }
    });
    for (let fold = 0; fold < folds; fold++) {
      const train: number[] = [];
      const test: number[] = [];
      for (let row = 0; row < assigned.length; row++) {
        (assigned[row] === fold ? test : train).push(row);
      }
      result.push({ run, fold, train, test });
    }
  }
  return result;
}

/**
 * Splits a subset of rows into a fit part and a holdout part, stratified by label.
 *
 * Meant for carving an early-stopping set out of a cross-validation fold's train rows. Each class
 * of the subset gives `round(count * fraction)` rows to the holdout; a class of at least 2 rows
 * gives at least one when `fraction` is above 0, and the fit part always keeps at least one row
 * of every class.
 *
 * @param labels The class label of every row of the data set.
 * @param indices The rows to split: distinct integers below `labels.length`, in any order; not
 * modified.
 * @param fraction Fraction of each class held out, in [0, 1).
 * @param seed Seed of the shuffle.
 * @returns Sorted row indices of both parts; together they hold exactly `indices`.
 * @throws {InputError} When `fraction` is outside [0, 1), the seed is not an integer, an index is
 * out of range or repeated, or a label is not a finite number.
 * @example
 * ```ts
 * const labels = [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0];
 * const [fold] = repeatedStratifiedKFold(labels, { folds: 2, runs: 1, seed: 42 });
 * const { fit, holdout } = stratifiedHoldout(labels, fold.train, 0.2, 42);
 * // fit and holdout together are exactly fold.train
 * ```
 */
export function stratifiedHoldout(
  labels: ArrayLike<number>,
  indices: number[],
  fraction: number,
  seed: number,
): { fit: number[]; holdout: number[] } {
  checkFraction('argument "fraction"', fraction);
  checkSeed('argument "seed"', seed);
  const seen = new Uint8Array(labels.length);
  for (const index of indices) {
    if (!Number.isInteger(index) || index < 0 || index >= labels.length) {
      throw new InputError(
        `Invalid argument "indices": ${index} is not a row index, expected an integer from 0 to ${
          labels.length - 1
        }`,
      );
    }
    if (seen[index] === 1) {
      throw new InputError(`Invalid argument "indices": row ${index} appears more than once`);
    }
    seen[index] = 1;
    checkLabel(labels, index);
  }

  const fit: number[] = [];
  const holdout: number[] = [];
  // Sorting first makes the result depend on which rows are given, not on their order.
  groupByClass(labels, sorted(indices, labels.length)).forEach((rows, classIndex) => {
    shuffleInPlace(rows, mulberry32(deriveSeed(seed, HOLDOUT_STREAM, classIndex)));
    const [nHoldout] = allocate(rows.length, [fraction]);
    _append(holdout, rows, 0, nHoldout);
    _append(fit, rows, nHoldout, rows.length);
  });
  return { fit: sorted(fit, labels.length), holdout: sorted(holdout, labels.length) };
}

/**
 * How many of `count` rows go to each held-out part: rounded shares, at least one per part with a
 * positive fraction once the class can spare one row per part, and always one row left over for
 * the remaining (training) part.
 */
function allocate(count: number, fractions: number[]): number[] {
  const canSpare = count >= fractions.length + 1;
  const minimum = fractions.map((f) => (f > 0 && canSpare ? 1 : 0));
  const sizes = fractions.map((f, i) => Math.max(minimum[i], Math.round(count * f)));
  const cap = Math.max(count - 1, 0);
  let total = sizes.reduce((a, b) => a + b, 0);
  while (total > cap) {
    let largest = -1;
    for (let i = 0; i < sizes.length; i++) {
      if (sizes[i] > minimum[i] && (largest < 0 || sizes[i] >= sizes[largest])) largest = i;
    }
    sizes[largest]--;
    total--;
  }
  return sizes;
}

/** Groups rows by label, classes in ascending label order, rows in the order given. */
function groupByClass(labels: ArrayLike<number>, rows: Iterable<number>): number[][] {
  const byLabel = new Map<number, number[]>();
  for (const row of rows) {
    const label = labels[row];
    const group = byLabel.get(label);
    if (group) group.push(row);
    else byLabel.set(label, [row]);
  }
  return [...byLabel.keys()].sort((a, b) => a - b).map((label) => byLabel.get(label)!);
}

function allRows(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Appends `from[start..end)` to `to` one by one: `push(...part)` passes every row as an argument
 * and overflows the stack near 100,000 rows.
 */
function _append(to: number[], from: number[], start: number, end: number): void {
  for (let i = start; i < end; i++) to.push(from[i]);
}

/** Row indices in ascending order (a typed-array sort: numeric, and far quicker than a comparator). */
/** Distinct row indices below `size`, ascending: marked and read back, in linear time. */
function sorted(rows: number[], size: number): number[] {
  const marks = new Uint8Array(size);
  for (const row of rows) marks[row] = 1;
  const out = new Array<number>(rows.length);
  for (let row = 0, k = 0; row < size; row++) if (marks[row] === 1) out[k++] = row;
  return out;
}

function checkFraction(what: string, value: number): void {
  if (typeof value !== "number" || !(value >= 0 && value < 1)) {
    throw new InputError(`Invalid ${what}: ${value}, expected a number in [0, 1)`);
  }
}

function checkSeed(what: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new InputError(`Invalid ${what}: ${value}, expected an integer`);
  }
}

function checkLabels(labels: ArrayLike<number>): void {
  if (labels.length === 0) throw new InputError(`Invalid argument "labels": no rows to split`);
  for (let row = 0; row < labels.length; row++) checkLabel(labels, row);
}

function checkLabel(labels: ArrayLike<number>, row: number): void {
  const label = labels[row];
  if (typeof label !== "number" || !Number.isFinite(label)) {
    throw new InputError(
      `Invalid argument "labels": row ${row} is ${String(label)}, expected a finite number`,
    );
  }
}
