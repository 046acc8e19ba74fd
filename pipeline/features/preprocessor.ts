/**
 * The preprocessor: imputation, one-hot encoding and standardisation, learned
 * from the training split only and saved as plain JSON. The same code encodes
 * a dataset and a single record, so the server's numbers equal the notebook's.
 *
 * Two options change the encoding. `encoding: "codes"` is for tree families that split on
 * categories and learn where missing values go (gradient boosting): one column per feature, a
 * category as its index in the learned map, a number as it is, a missing cell as NaN.
 * `missing: "indicator"` is for the linear and network families: a feature with missing training
 * cells gets one more column, 1 where the cell is missing (a category's missing cells become a
 * category of their own rather than the most frequent one), so a missing value can carry weight.
 *
 * @module
 */
import { InputError, NotFittedError, SchemaError } from "../core/errors.ts";
import type { Cell, Row } from "../data/cells.ts";
import type { ColumnSpec } from "../data/spec.ts";
import type { Dataset } from "../data/dataset.ts";

/** Parameters of the preprocessor (never changed by `fit`). */
export interface PreprocessorParams {
  /** The input columns, in order. */
  features: ColumnSpec[];
  /** How numeric columns are imputed. Categories always take the most frequent value. */
  numericImpute?: "median" | "mean";
  /**
   * Learned cut points per numeric column (default 0): each adds an indicator `x >= cut` at the
   * split that best separates the training labels (lowest Gini impurity), like a decision stump.
   * Sharp steps such as a pass mark are then one unit away for the network.
   */
  cuts?: number;
  /**
   * Keep only the k features whose best single split (a decision stump: a threshold for a number,
   * one category against the rest for a category) lowers the training labels' Gini impurity most
   * (default 0: keep all). Fitted on the training rows, so it is chosen anew in every fold.
   */
  select?: number;
  /**
   * `onehot` (default): categories one-hot, numbers standardised, missing cells imputed.
   * `codes`: one column per feature, category codes 0…k−1 (k for a category unseen in training),
   * raw numbers, NaN where a cell is missing; for trees that split on codes.
   */
  encoding?: "onehot" | "codes";
  /**
   * `impute` (default): a missing cell takes the training median or most frequent category.
   * `indicator`: as well, each feature with missing training cells gets a 0/1 column marking them
   * (one-hot only; with codes the cell is NaN already).
   */
  missing?: "impute" | "indicator";
}

/** One feature's worth by the selection rule: the Gini gain of its best single split. */
export interface FeatureGain {
  feature: string;
  gain: number;
}

/** What was learned for one numeric column. */
export interface NumericState {
  name: string;
  kind: "numeric";
  impute: number;
  mean: number;
  std: number;
  /** Learned cut points, each encoded as an indicator column. */
  cuts?: number[];
  /** True when a missing-value indicator column follows (`missing: "indicator"`). */
  indicator?: boolean;
}

/** What was learned for one categorical column. */
export interface CategoryState {
  name: string;
  kind: "category";
  impute: string;
  categories: string[];
  /** True when a missing-value indicator column follows (`missing: "indicator"`). */
  indicator?: boolean;
}

/** The learned state, as saved in `preprocessor.json`. */
export interface PreprocessorState {
  /** The features the model reads, in the profile's order (all of them unless `select` is set). */
  features: (NumericState | CategoryState)[];
  /** With `select`: every profile feature's gain, highest first; the first k were kept. */
  ranking?: FeatureGain[];
  /** `codes` when categories are encoded as codes and missing cells as NaN (else one-hot). */
  encoding?: "codes";
}

/** One input feature's encoded columns: `start` up to, not including, `end`. */
export interface ColumnGroup {
  readonly feature: string;
  readonly start: number;
  readonly end: number;
}

/** One encoded record and what had to be filled in or could not be encoded. */
export interface EncodedRow {
  vector: Float32Array;
  /** Features that were missing (and got the training value, or NaN with `encoding: "codes"`). */
  imputed: string[];
  /** Features whose category was not seen in training (encoded as all zeros). */
  unknown: string[];
}

/** Imputes, one-hot encodes and standardises the features of a profile. */
export class Preprocessor {
  /** The parameters, as given. */
  readonly params: Required<PreprocessorParams>;
  #state?: PreprocessorState;

  /** @param params The features and the numeric imputation rule. */
  constructor(params: PreprocessorParams) {
    // `??`, not a spread default: an explicit `numericImpute: undefined` still means median.
    const numericImpute = params.numericImpute ?? "median";
    if (numericImpute !== "median" && numericImpute !== "mean") {
      throw new InputError(
        `Invalid preprocessor parameter "numericImpute": "${numericImpute}", expected median or mean`,
      );
    }
    const cuts = params.cuts ?? 0;
    if (!(Number.isInteger(cuts) && cuts >= 0 && cuts <= 3)) {
      throw new InputError(
        `Invalid preprocessor parameter "cuts": ${cuts}, expected an integer 0–3`,
      );
    }
    const select = params.select ?? 0;
    if (!(Number.isInteger(select) && select >= 0)) {
      throw new InputError(
        `Invalid preprocessor parameter "select": ${select}, expected an integer >= 0 (0 keeps all)`,
      );
    }
    const encoding = params.encoding ?? "onehot";
    if (encoding !== "onehot" && encoding !== "codes") {
      throw new InputError(
        `Invalid preprocessor parameter "encoding": "${encoding}", expected onehot or codes`,
      );
    }
    const missing = params.missing ?? "impute";
    if (missing !== "impute" && missing !== "indicator") {
      throw new InputError(
        `Invalid preprocessor parameter "missing": "${missing}", expected impute or indicator`,
      );
    }
    this.params = { ...params, numericImpute, cuts, select, encoding, missing };
  }

  /** The learned state; throws NotFittedError before `fit`. */
  get state(): PreprocessorState {
    if (!this.#state) throw new NotFittedError("Preprocessor");
    return this.#state;
  }

  /**
   * Learns imputation values, category maps and scaling from training data.
   *
   * @param data The training split.
   * @returns this
   */
  fit(data: Dataset): this {
    const labelled = data.labels.length === data.rows;
    if (this.params.select > 0 && !labelled) {
      throw new InputError(
        `Cannot fit the preprocessor: "select" ranks features by the labels, and the data has none`,
      );
    }
    const features = this.params.features.map((col): NumericState | CategoryState => {
      const cells = data.cells[col.name];
      if (!cells) {
        throw new SchemaError(`Cannot fit the preprocessor: column "${col.name}" is missing`, [{
          column: col.name,
          expected: "this column in the training data",
        }]);
      }
      const indicator = this.params.missing === "indicator" && this.params.encoding === "onehot" &&
        cells.includes(null);
      if (col.type === "category") {
        const state = fitCategory(col.name, cells);
        return indicator ? { ...state, indicator } : state;
      }
      const state = fitNumeric(col.name, cells, this.params.numericImpute);
      if (indicator) state.indicator = true;
      if (this.params.cuts > 0 && labelled) {
        const filled = cells.map((v) => (v === null ? state.impute : v as number));
        state.cuts = learnCuts(filled, data.labels, this.params.cuts);
      }
      return state;
    });
    const encoding = this.params.encoding === "codes" ? { encoding: "codes" as const } : {};
    if (this.params.select === 0 || this.params.select >= features.length) {
      this.#state = { features, ...encoding };
      return this;
    }
    const ranking = features
      .map((f) => ({ feature: f.name, gain: stumpGain(f, data.cells[f.name], data.labels) }))
      // Stable: equal gains keep the profile's order.
      .sort((a, b) => b.gain - a.gain);
    const kept = new Set(ranking.slice(0, this.params.select).map((r) => r.feature));
    this.#state = { features: features.filter((f) => kept.has(f.name)), ranking, ...encoding };
    return this;
  }

  /** The width and groups of the current state, worked out once: every request reads them. */
  #layout?: {
    state: PreprocessorState;
    width: number;
    groups: readonly ColumnGroup[];
    codes: readonly (Map<string, number> | null)[];
  };

  #layoutOf(): {
    width: number;
    groups: readonly ColumnGroup[];
    codes: readonly (Map<string, number> | null)[];
  } {
    const state = this.state;
    if (this.#layout?.state !== state) {
      let start = 0;
      const groups = state.features.map((f) => {
        const width = widthOf(f, state.encoding === "codes");
        const group = Object.freeze({ feature: f.name, start, end: start + width });
        start += width;
        return group;
      });
      // Each category's position, looked up by name rather than searched for in the list.
      const codes = state.features.map((f) =>
        f.kind === "category" ? new Map(f.categories.map((c, i) => [c, i])) : null
      );
      this.#layout = { state, width: start, groups: Object.freeze(groups), codes };
    }
    return this.#layout;
  }

  /** The width of an encoded row. */
  get width(): number {
    return this.#layoutOf().width;
  }

  /** The names of the encoded columns, e.g. `Age`, `School=GP`, `imd_band missing`. */
  get outputNames(): string[] {
    const codes = this.state.encoding === "codes";
    return this.state.features.flatMap((f) => [
      ...(f.kind === "numeric"
        ? [f.name, ...(f.cuts ?? []).map((c) => `${f.name}>=${c}`)]
        : codes
        ? [f.name]
        : f.categories.map((c) => `${f.name}=${c}`)),
      ...(f.indicator ? [`${f.name} missing`] : []),
    ]);
  }

  /**
   * Per encoded column, how many category codes it holds: k for a category feature encoded as
   * codes (`encoding: "codes"`), 0 for every other column. What boosting's `categories` fit
   * option takes.
   */
  get categoryCodes(): number[] {
    const state = this.state;
    const codes = state.encoding === "codes";
    return state.features.flatMap((f) =>
      f.kind === "category" && codes
        ? [f.categories.length]
        : new Array<number>(widthOf(f, codes)).fill(0)
    );
  }

  /** For each input feature, the encoded columns it owns (one-hot groups stay together). */
  get groups(): readonly ColumnGroup[] {
    return this.#layoutOf().groups;
  }

  /**
   * Encodes a whole dataset (pure: the dataset is not changed).
   *
   * @param data Rows to encode.
   * @returns The row-major matrix (rows × width) and how many cells were imputed per feature.
   */
  transform(
    data: Dataset,
  ): { x: Float32Array; rows: number; width: number; imputed: Record<string, number> } {
    const state = this.state;
    const { width, groups, codes } = this.#layoutOf();
    const x = new Float32Array(data.rows * width);
    const imputed: Record<string, number> = {};
    const columns = state.features.map((f) => {
      const cells = data.cells[f.name];
      if (!cells) {
        throw new SchemaError(`Cannot encode data: column "${f.name}" is missing`, [{
          column: f.name,
          expected: "this column",
        }]);
      }
      return cells;
    });
    // Column by column, each feature's kind and lookups read once (row by row through
    // `encodeInto`, a tenth of an OULAD fold went here). The same cells as `transformRowInto`
    // writes, which a test checks; the matrix starts at zero, so a one-hot group writes its one.
    const missing = new Array<number>(state.features.length).fill(0);
    const firstMissing = new Array<number>(state.features.length).fill(-1);
    state.features.forEach((f, j) => {
      const cells = columns[j];
      let at = groups[j].start;
      let count = 0;
      if (f.kind === "numeric") {
        const cuts = f.cuts ?? [];
        const asCodes = state.encoding === "codes";
        for (let r = 0; r < cells.length; r++, at += width) {
          const cell = cells[r];
          if (cell === null && count++ === 0) firstMissing[j] = r;
          if (asCodes) {
            const v = cell === null ? NaN : cell as number;
            x[at] = v;
            for (let c = 0; c < cuts.length; c++) {
              x[at + 1 + c] = v !== v ? NaN : v >= cuts[c] ? 1 : 0;
            }
            continue;
          }
          const v = cell === null ? f.impute : cell as number;
          x[at] = (v - f.mean) / f.std;
          for (let c = 0; c < cuts.length; c++) x[at + 1 + c] = v >= cuts[c] ? 1 : 0;
          if (f.indicator) x[at + 1 + cuts.length] = cell === null ? 1 : 0;
        }
      } else {
        const code = codes[j]!;
        const n = f.categories.length;
        for (let r = 0; r < cells.length; r++, at += width) {
          const cell = cells[r];
          if (cell === null && count++ === 0) firstMissing[j] = r;
          if (state.encoding === "codes") {
            x[at] = cell === null ? NaN : code.get(cell as string) ?? n;
            continue;
          }
          const hit = cell === null && f.indicator
            ? -1
            : code.get((cell ?? f.impute) as string) ?? -1;
          if (hit >= 0) x[at + hit] = 1;
          if (f.indicator) x[at + n] = cell === null ? 1 : 0;
        }
      }
      missing[j] = count;
    });
    // Named in the order a row-by-row pass meets them, as before.
    const order = state.features.map((_, j) => j).filter((j) => missing[j] > 0)
      .sort((a, b) => firstMissing[a] - firstMissing[b] || a - b);
    for (const j of order) imputed[state.features[j].name] = missing[j];
    return { x, rows: data.rows, width, imputed };
  }

  /**
   * Encodes one record (the server's path; no DataFrame involved).
   *
   * @param row A typed record, as returned by `readRecord`.
   * @returns The vector, the imputed features and the unknown categories.
   */
  transformRow(row: Row): EncodedRow {
    const vector = new Float32Array(this.width);
    return { vector, ...this.transformRowInto(row, vector, 0) };
  }

  /**
   * Encodes one record into a matrix in place (the server's batch path: no vector per row).
   *
   * @param row A typed record, as returned by `readRecord`.
   * @param out The row-major matrix.
   * @param offset Where the row starts in it.
   * @returns The imputed features and the unknown categories.
   */
  transformRowInto(
    row: Row,
    out: Float32Array,
    offset: number,
  ): { imputed: string[]; unknown: string[] } {
    const state = this.state;
    const imputed: string[] = [];
    const unknown: string[] = [];
    encodeInto(
      state,
      this.#layoutOf().codes,
      (j) => row[state.features[j].name] ?? null,
      out,
      offset,
      (name) => imputed.push(name),
      (name) => unknown.push(name),
    );
    return { imputed, unknown };
  }

  /** The parameters and learned state, as saved in `preprocessor.json`. */
  toJSON(): {
    params: {
      features: string[];
      numericImpute: string;
      cuts?: number;
      select?: number;
      encoding?: string;
      missing?: string;
    };
    state: PreprocessorState;
  } {
    return {
      params: {
        features: this.params.features.map((c) => c.name),
        numericImpute: this.params.numericImpute,
        cuts: this.params.cuts,
        select: this.params.select,
        encoding: this.params.encoding,
        missing: this.params.missing,
      },
      state: this.state,
    };
  }

  /**
   * Restores a fitted preprocessor.
   *
   * @param json What `toJSON()` returned.
   * @param columns The spec's columns, to resolve the feature names.
   * @returns A fitted preprocessor.
   */
  static fromJSON(json: ReturnType<Preprocessor["toJSON"]>, columns: ColumnSpec[]): Preprocessor {
    const features = json.params.features.map((name) => {
      const col = columns.find((c) => c.name === name);
      if (!col) {
        throw new SchemaError(
          `Cannot restore the preprocessor: column "${name}" is not in the spec`,
          [{
            column: name,
            expected: "a column of the spec",
          }],
        );
      }
      return col;
    });
    const pre = new Preprocessor({
      features,
      numericImpute: json.params.numericImpute as "median" | "mean",
      cuts: json.params.cuts ?? 0,
      select: json.params.select ?? 0,
      encoding: (json.params.encoding ?? "onehot") as "onehot" | "codes",
      missing: (json.params.missing ?? "impute") as "impute" | "indicator",
    });
    pre.#state = structuredClone(json.state);
    return pre;
  }
}

function encodeInto(
  state: PreprocessorState,
  codeOf: readonly (Map<string, number> | null)[],
  get: (feature: number) => Cell,
  out: Float32Array,
  offset: number,
  onImputed: (name: string) => void,
  onUnknown?: (name: string) => void,
): void {
  let k = offset;
  const codes = state.encoding === "codes";
  for (let j = 0; j < state.features.length; j++) {
    const f = state.features[j];
    let value = get(j);
    const missing = value === null;
    if (missing) onImputed(f.name);
    if (codes) {
      if (f.kind === "numeric") {
        const v = missing ? NaN : value as number;
        out[k++] = v;
        if (f.cuts) { for (const cut of f.cuts) out[k++] = missing ? NaN : v >= cut ? 1 : 0; }
      } else if (missing) out[k++] = NaN;
      else {
        const hit = codeOf[j]!.get(value as string) ?? -1;
        if (hit < 0) onUnknown?.(f.name);
        out[k++] = hit < 0 ? f.categories.length : hit;
      }
      continue;
    }
    if (missing) value = f.impute;
    if (f.kind === "numeric") {
      out[k++] = ((value as number) - f.mean) / f.std;
      if (f.cuts) { for (const cut of f.cuts) out[k++] = (value as number) >= cut ? 1 : 0; }
    } else {
      // With an indicator, a missing category is a category of its own: all zeros but the flag.
      const hit = missing && f.indicator ? -1 : codeOf[j]!.get(value as string) ?? -1;
      if (hit < 0 && !missing) onUnknown?.(f.name);
      for (let c = 0; c < f.categories.length; c++) out[k++] = c === hit ? 1 : 0;
    }
    if (f.indicator) out[k++] = missing ? 1 : 0;
  }
}

function fitNumeric(name: string, cells: Cell[], rule: "median" | "mean"): NumericState {
  // Plain loops, in the order the sums were always taken: the same figures to the bit.
  let count = 0;
  for (let i = 0; i < cells.length; i++) if (cells[i] !== null) count++;
  if (count === 0) {
    throw new SchemaError(`Cannot fit the preprocessor: column "${name}" has no values`, [{
      column: name,
      expected: "at least one value in the training split",
    }]);
  }
  const values = new Float64Array(count);
  let rawSum = 0;
  for (let i = 0, k = 0; i < cells.length; i++) {
    const v = cells[i];
    if (v === null) continue;
    values[k++] = v as number;
    rawSum += v as number;
  }
  const rawMean = rawSum / count;
  const mid = count >> 1;
  const upper = _select(values, mid);
  let lower = -Infinity;
  if (count % 2 === 0) { for (let i = 0; i < mid; i++) lower = Math.max(lower, values[i]); }
  const median = count % 2 ? upper : (lower + upper) / 2;
  const impute = rule === "median" ? median : rawMean;
  let sum = 0;
  for (let i = 0; i < cells.length; i++) sum += cells[i] === null ? impute : cells[i] as number;
  const mean = sum / cells.length;
  let squares = 0;
  for (let i = 0; i < cells.length; i++) {
    squares += ((cells[i] === null ? impute : cells[i] as number) - mean) ** 2;
  }
  const variance = squares / cells.length;
  const std = Math.sqrt(variance) || 1;
  return { name, kind: "numeric", impute, mean, std };
}

function fitCategory(name: string, cells: Cell[]): CategoryState {
  const counts = new Map<string, number>();
  for (const v of cells) {
    if (v !== null) counts.set(v as string, (counts.get(v as string) ?? 0) + 1);
  }
  if (counts.size === 0) {
    throw new SchemaError(`Cannot fit the preprocessor: column "${name}" has no values`, [{
      column: name,
      expected: "at least one value in the training split",
    }]);
  }
  const categories = [...counts.keys()].sort();
  // Most frequent; ties go to the first name in sort order, so the result does not depend on row order.
  const impute = categories.reduce((best, c) => (counts.get(c)! > counts.get(best)! ? c : best));
  return { name, kind: "category", impute, categories };
}

/**
 * The k-th smallest value (0-based), by Hoare's selection: `a` is reordered so that no value
 * before k is above it and none after is below. Linear on average, where sorting the column for
 * its median took most of a preprocessor's fit.
 */
function _select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function widthOf(f: NumericState | CategoryState, codes: boolean): number {
  const own = f.kind === "numeric" ? 1 + (f.cuts?.length ?? 0) : codes ? 1 : f.categories.length;
  return own + (f.indicator ? 1 : 0);
}

/**
 * The Gini gain of every useful binary split of a numeric column, at the midpoints between adjacent
 * distinct values.
 */
function splitGains(values: number[], labels: ArrayLike<number>): { cut: number; gain: number }[] {
  // Two numeric sorts, all values and the positives' values, walked together: a cut only falls
  // between distinct values, so the positives at or below each value are all a cut needs (a sort
  // of [value, label] pairs by comparator took most of a preprocessor's fit).
  const all = Float64Array.from(values).sort();
  const pos = Float64Array.from(values.filter((_, i) => labels[i] === 1)).sort();
  const n = all.length;
  const totalPos = pos.length;
  const parent = gini(totalPos, n);
  const candidates: { cut: number; gain: number }[] = [];
  let leftPos = 0;
  for (let i = 0; i < n - 1; i++) {
    if (all[i] === all[i + 1]) continue;
    while (leftPos < totalPos && pos[leftPos] <= all[i]) leftPos++;
    const left = i + 1;
    const impurity =
      (left * gini(leftPos, left) + (n - left) * gini(totalPos - leftPos, n - left)) / n;
    candidates.push({ cut: (all[i] + all[i + 1]) / 2, gain: parent - impurity });
  }
  return candidates.filter((c) => c.gain > 1e-12);
}

function gini(pos: number, count: number): number {
  return count === 0 ? 0 : 2 * (pos / count) * (1 - pos / count);
}

/**
 * The k cut points (midpoints between adjacent distinct values) with the largest Gini gain.
 *
 * @param values Filled training values.
 * @param labels 0/1 training labels.
 * @param k How many cuts at most.
 * @returns Cut points in ascending order; fewer when fewer splits reduce impurity.
 */
export function learnCuts(values: number[], labels: ArrayLike<number>, k: number): number[] {
  return splitGains(values, labels)
    .sort((a, b) => b.gain - a.gain || a.cut - b.cut)
    .slice(0, k)
    .map((c) => c.cut)
    .sort((a, b) => a - b);
}

/**
 * The Gini gain of a feature's best single split on filled training values: a threshold for a
 * number, one category against the rest for a category (so many categories earn no head start).
 *
 * @param state The feature's fitted state (its imputation value).
 * @param cells Its training cells.
 * @param labels 0/1 training labels.
 * @returns The largest gain, 0 when no split separates the labels at all.
 */
function stumpGain(
  state: NumericState | CategoryState,
  cells: Cell[],
  labels: ArrayLike<number>,
): number {
  if (state.kind === "numeric") {
    const filled = cells.map((v) => (v === null ? state.impute : v as number));
    return splitGains(filled, labels).reduce((best, c) => Math.max(best, c.gain), 0);
  }
  const codes = cells.map((v) => state.categories.indexOf((v ?? state.impute) as string));
  return state.categories.reduce(
    (best, _, c) =>
      Math.max(best, splitGains(codes.map((k) => (k === c ? 1 : 0)), labels)[0]?.gain ?? 0),
    0,
  );
}
