/**
 * Loading a CSV through nodejs-polars and checking every cell against the
 * dataset spec. All problems are collected (row, column, value, expectation)
 * into one {@linkcode SchemaError}; nothing is coerced silently.
 *
 * @module
 */
import type pl from "nodejs-polars";
import { type Polars, polars } from "./_polars.ts";
import {
  InputError,
  SchemaError,
  type SchemaIssue,
  shownName,
  shownNames,
} from "../core/errors.ts";
import { type Cell, type CellResult, expectation, readCell, type Row } from "./cells.ts";
import type { ColumnSpec, DatasetSpec } from "./spec.ts";
import { dropBlankLines, scanCsv } from "./_csv_shape.ts";
import { checkHeader, INPUT_LIMITS } from "./input_limits.ts";

/** A validated table, held by column. */
export interface Dataset {
  /** Where it was read from. */
  source: string;
  /** sha256 of the file's bytes, hex. */
  sha256: string;
  /** Number of data rows. */
  rows: number;
  /** The spec columns present, in spec order. */
  columns: ColumnSpec[];
  /** Typed cells by column name. */
  cells: Record<string, Cell[]>;
  /** 1 for the positive label, 0 otherwise; empty when the target column is absent. */
  labels: Uint8Array;
  /** Columns of the file that are not in the spec, kept as text (e.g. a student id). */
  extra: Record<string, (string | null)[]>;
  /**
   * With `rowErrors`: each invalid row's problems, by 0-based row of this dataset (its cells read
   * as missing). Absent otherwise, as an invalid cell then throws.
   */
  rowErrors?: Map<number, SchemaIssue[]>;
}

/** Options of {@linkcode loadDataset} and {@linkcode parseDataset}. */
export interface LoadOptions {
  /** Columns that must be present; all spec columns by default. */
  required?: string[];
  /** Keep columns the spec does not know (as text) instead of rejecting the file. */
  allowExtra?: boolean;
  /** Require the target column and forbid missing labels (training data). Default true. */
  requireTarget?: boolean;
  /**
   * Report invalid cells per row in `rowErrors` instead of throwing (scoring row by row, as the
   * batch route does); header problems still throw.
   */
  rowErrors?: boolean;
}

/**
 * Reads and validates a CSV file.
 *
 * @param path The CSV file.
 * @param spec The dataset spec.
 * @param options Which columns are required and whether extra ones are kept.
 * @returns The validated dataset.
 * @throws InputError when the file cannot be read; SchemaError listing every problem.
 */
export async function loadDataset(
  path: string,
  spec: DatasetSpec,
  options: LoadOptions = {},
): Promise<Dataset> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (cause) {
    throw new InputError(`Cannot read data file ${path}: ${(cause as Error).message}`, { cause });
  }
  return await parseDataset(bytes, spec, { ...options, source: path });
}

/**
 * Validates CSV bytes (an upload, or a file already read).
 *
 * @param bytes The CSV, UTF-8, optionally with a BOM.
 * @param spec The dataset spec.
 * @param options As {@linkcode loadDataset}, plus `source`, the name used in messages.
 * @returns The validated dataset.
 * @throws SchemaError listing every problem.
 */
export async function parseDataset(
  bytes: Uint8Array,
  spec: DatasetSpec,
  options: LoadOptions & { source?: string } = {},
): Promise<Dataset> {
  checkHeaderBounds(bytes, options.source);
  const frame = prepareFrame(await polars(), bytes, spec, options);
  return validateFrame(frame, frame.df, 0, await sha256Hex(bytes));
}

/**
 * Validates a large CSV in chunks of rows, for scoring files too big to hold
 * as one table of JavaScript values. Header problems throw before the first chunk.
 *
 * @param bytes The CSV, UTF-8, optionally with a BOM.
 * @param spec The dataset spec.
 * @param options As {@linkcode parseDataset}, plus `chunkRows` (default 50,000).
 * @returns Validated chunks; row numbers in errors count from the file's first data row.
 */
export async function* parseDatasetChunks(
  bytes: Uint8Array,
  spec: DatasetSpec,
  options: LoadOptions & { source?: string; chunkRows?: number } = {},
): AsyncGenerator<Dataset & { offset: number }> {
  checkHeaderBounds(bytes, options.source);
  const pl = await polars();
  const frame = prepareFrame(pl, bytes, spec, { ...options, coded: true });
  const sha = await sha256Hex(bytes);
  const size = options.chunkRows ?? 50_000;
  const coded = codedColumns(pl, frame);
  for (let offset = 0; offset < frame.df.height; offset += size) {
    const chunk = validateFrame(frame, frame.df.slice(offset, size), offset, sha, coded);
    yield { ...chunk, offset };
  }
}

/** One column as codes into its distinct values, read once each (see {@linkcode codedColumns}). */
interface CodedColumn {
  /** The column's distinct raw values (null for a missing cell). */
  values: (string | null)[];
  /** Each row's position in `values`, for the whole frame. */
  codes: Int32Array;
  /** `values` read against the column, once for all chunks. */
  results?: CellResult[];
}

const NULL_CODE = 0xffffffff;

/**
 * Dictionary-codes the spec columns of a frame with polars categoricals, so each distinct text
 * is checked once and crosses into JavaScript once, not once per row: for a million rows
 * `Series.toArray()` alone takes about 0.2 s a column. Polars keeps categorical strings for the
 * life of the process, which is why only the chunked (one-shot scoring) path uses this.
 */
function codedColumns(pl: Polars, frame: Frame): Map<string, CodedColumn> {
  const names = frame.spec.columns.map((c) => c.name).filter((n) => frame.header.includes(n));
  const physical = (name: string) =>
    pl.col(name).toPhysical().cast(pl.UInt32).fillNull(pl.lit(NULL_CODE).cast(pl.UInt32));
  const codes = frame.df.select(...names.map(physical));
  const out = new Map<string, CodedColumn>();
  for (const name of names) {
    const distinct = frame.df.select(pl.col(name).unique());
    const values = distinct.getColumn(name).toArray() as (string | null)[];
    const keys = distinct.select(physical(name)).getColumn(name).toTypedArray() as Uint32Array;
    // Categorical codes are shared by every column of the process, so sparse here: map them to
    // positions in `values` (a table when they are small enough, else a Map).
    let top = 0;
    for (const k of keys) if (k !== NULL_CODE && k > top) top = k;
    const table = top < 1 << 22 ? new Int32Array(top + 1) : undefined;
    const position = new Map<number, number>();
    keys.forEach((k, i) => (table && k !== NULL_CODE ? (table[k] = i) : position.set(k, i)));
    const global = codes.getColumn(name).toTypedArray() as Uint32Array;
    const local = new Int32Array(global.length);
    const nullAt = position.get(NULL_CODE) ?? -1;
    for (let i = 0; i < global.length; i++) {
      const k = global[i];
      local[i] = k === NULL_CODE ? nullAt : table ? table[k] : position.get(k)!;
    }
    out.set(name, { values, codes: local });
  }
  return out;
}

interface Frame {
  df: pl.DataFrame;
  header: string[];
  spec: DatasetSpec;
  source: string;
  requireTarget: boolean;
  rowErrors: boolean;
  fail: (what: string, issues?: SchemaIssue[], total?: number) => SchemaError;
}

/**
 * The header's bounds, on a prefix, before polars is loaded or the whole file decoded: a 50 MB
 * column name is refused at once. Within the bounds a header line is under `lineChars`, so the
 * prefix holds it whole or already breaks a bound.
 */
function checkHeaderBounds(bytes: Uint8Array, source: string | undefined): void {
  checkHeader(
    new TextDecoder().decode(bytes.subarray(0, 4 * INPUT_LIMITS.lineChars)),
    shownName(source ?? "upload"),
  );
}

function prepareFrame(
  pl: Polars,
  bytes: Uint8Array,
  spec: DatasetSpec,
  options: LoadOptions & { source?: string; coded?: boolean },
): Frame {
  const source = shownName(options.source ?? "upload");
  const fail = (what: string, issues: SchemaIssue[] = [], total?: number) =>
    new SchemaError(`Invalid data in ${source}: ${what}`, issues, { total });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (cause) {
    throw new SchemaError(`Invalid data in ${source}: the file is not UTF-8 text`, [], { cause });
  }
  if (text.includes("\u0000")) throw fail("the file is binary, not CSV text");
  if (text.trim() === "") throw fail("the file is empty");

  const shape = scanCsv(text);
  const header = shape.header.map((h) => h.trim());
  const seen = new Set<string>();
  const headerIssues: SchemaIssue[] = [];
  for (const name of header) {
    if (seen.has(name)) {
      headerIssues.push({ row: 0, column: name, expected: "a unique column name" });
    }
    seen.add(name);
  }
  const known = new Set(spec.columns.map((c) => c.name));
  const requireTarget = options.requireTarget ?? true;
  const required = [...options.required ?? spec.columns.map((c) => c.name)];
  if (requireTarget && !required.includes(spec.target.column)) required.push(spec.target.column);
  for (const name of required) {
    if (!seen.has(name)) {
      headerIssues.push({ row: 0, column: name, expected: "this column in the header" });
    }
  }
  if (!options.allowExtra) {
    // The spec's id and cohort columns are expected extras: carried as text, never features.
    const ids = new Set([...spec.ids ?? [], ...(spec.cohort ? [spec.cohort] : [])]);
    for (const name of header) {
      if (!known.has(name) && !ids.has(name)) {
        headerIssues.push({ row: 0, column: name, expected: "no such column in the spec" });
      }
    }
  }
  if (headerIssues.length > 0) {
    const names = shownNames([...new Set(headerIssues.map((i) => i.column!))]);
    throw fail(`header problems with ${names}`, headerIssues);
  }
  if (shape.raggedTotal > 0) {
    throw fail(
      `${shape.raggedTotal} row(s) do not have ${header.length} fields`,
      shape.ragged.map((r) => ({
        row: r.row,
        value: `${r.fields} fields`,
        expected: `${header.length} fields as in the header`,
      })),
      shape.raggedTotal,
    );
  }
  if (shape.rows === 0) throw fail("the file has a header but no data rows");

  // The schema names the columns by position (the trimmed header) and reads every cell as text;
  // `coded` reads the spec's columns as categoricals instead (see codedColumns).
  const schema = Object.fromEntries(
    header.map((name) => [name, options.coded && known.has(name) ? pl.Categorical : pl.Utf8]),
  );
  let df: pl.DataFrame;
  try {
    df = pl.readCSV(dropBlankLines(text, shape), {
      inferSchemaLength: 0,
      missingIsNull: true,
      hasHeader: true,
      schema,
    });
  } catch (cause) {
    throw new SchemaError(`Invalid data in ${source}: ${(cause as Error).message}`, [], { cause });
  }
  return { df, header, spec, source, requireTarget, rowErrors: options.rowErrors ?? false, fail };
}

function validateFrame(
  frame: Frame,
  df: pl.DataFrame,
  offset: number,
  sha256: string,
  coded?: Map<string, CodedColumn>,
): Dataset {
  const { spec, header, requireTarget } = frame;
  // A native call each time it is read.
  const height = df.height;
  const present = new Set(header);
  // Each column keeps its first issues, so the merged list holds the earliest rows of the file
  // whichever columns they are in.
  const issues: SchemaIssue[] = [];
  let total = 0;
  const rowErrors = frame.rowErrors ? new Map<number, SchemaIssue[]>() : undefined;
  const columns = spec.columns.filter((c) => present.has(c.name));
  const cells: Record<string, Cell[]> = {};
  for (const col of columns) {
    const labelRequired = requireTarget && col.name === spec.target.column;
    // Either every row's text, or (coded) the distinct texts and each row's position among them.
    const dictionary = coded?.get(col.name);
    const values = dictionary?.values ?? df.getColumn(col.name).toArray() as (string | null)[];
    const codes = dictionary?.codes.subarray(offset, offset + height);
    const read = () => values.map((v) => readCell(col, v));
    const results = dictionary ? (dictionary.results ??= read()) : read();
    const out: Cell[] = new Array(height);
    let kept = 0;
    for (let i = 0; i < height; i++) {
      const code = codes ? codes[i] : i;
      const result = results[code];
      if (result.ok && !(labelRequired && result.value === null)) {
        out[i] = result.value;
        continue;
      }
      out[i] = null;
      total++;
      if (rowErrors) {
        const issue = {
          row: offset + i + 1,
          column: col.name,
          value: result.ok ? "" : values[code],
          expected: result.ok ? expectation(col) : result.expected,
        };
        const list = rowErrors.get(i);
        if (list) list.push(issue);
        else rowErrors.set(i, [issue]);
        continue;
      }
      if (kept++ < SchemaError.MAX_ISSUES) {
        issues.push({
          row: offset + i + 1,
          column: col.name,
          value: result.ok ? "" : values[code],
          expected: result.ok ? expectation(col) : result.expected,
        });
      }
    }
    cells[col.name] = out;
  }
  const targetCells = cells[spec.target.column];
  const labels = new Uint8Array(targetCells ? height : 0);
  if (targetCells) {
    const targetCol = columns.find((c) => c.name === spec.target.column)!;
    const positive = readCell(targetCol, spec.target.positive);
    for (let i = 0; i < targetCells.length; i++) {
      if (targetCells[i] === null) continue;
      labels[i] = positive.ok && targetCells[i] === positive.value ? 1 : 0;
    }
  }
  if (total > 0 && !rowErrors) {
    // A stable sort: within a row, issues stay in spec column order.
    issues.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    throw frame.fail(`${total} invalid cell(s)`, issues, total);
  }
  const known = new Set(spec.columns.map((c) => c.name));
  const extra: Record<string, (string | null)[]> = {};
  for (const name of header) {
    if (!known.has(name)) extra[name] = df.getColumn(name).toArray() as (string | null)[];
  }
  return {
    source: frame.source,
    sha256,
    rows: height,
    columns,
    cells,
    labels,
    extra,
    ...(rowErrors ? { rowErrors } : {}),
  };
}

/**
 * Reads one row of a dataset as a record.
 *
 * @param data The dataset.
 * @param index 0-based row index.
 * @returns The row's cells by column name.
 */
export function rowAt(data: Dataset, index: number): Row {
  const row: Row = {};
  for (const col of data.columns) row[col.name] = data.cells[col.name][index];
  return row;
}

/**
 * Keeps the given rows of a dataset, in the given order.
 *
 * @param data The dataset.
 * @param indices 0-based row indices.
 * @returns A new dataset sharing nothing mutable with the original.
 */
export function takeRows(data: Dataset, indices: ArrayLike<number>): Dataset {
  const n = indices.length;
  // A plain loop: `Array.from` with a map callback took a twentieth of a cross-validation fold.
  const pick = <T>(values: T[]): T[] => {
    const out = new Array<T>(n);
    for (let k = 0; k < n; k++) out[k] = values[indices[k]];
    return out;
  };
  const cells: Record<string, Cell[]> = {};
  for (const [name, values] of Object.entries(data.cells)) cells[name] = pick(values);
  const extra: Record<string, (string | null)[]> = {};
  for (const [name, values] of Object.entries(data.extra)) extra[name] = pick(values);
  const labels = data.labels.length > 0 ? pickLabels(data.labels, indices) : new Uint8Array(0);
  // Row errors are by position: they do not survive a reordering.
  const { rowErrors: _, ...rest } = data;
  return { ...rest, rows: indices.length, cells, labels, extra };
}

function pickLabels(labels: Uint8Array, indices: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(indices.length);
  for (let k = 0; k < out.length; k++) out[k] = labels[indices[k]];
  return out;
}

/**
 * The sha256 of some bytes, as lower-case hex.
 *
 * @param bytes The content.
 * @returns 64 hex digits.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The data set's place relative to the project root, as laid out in this workplace. */
export const DEFAULT_DATA = "../shared/data/student_dropout.csv";

/**
 * Finds the training CSV: the path the user gave, else `DROPOUT_DATA`, else the shared default.
 *
 * @param given The path from `--data`, if any.
 * @param root The project root the default is relative to (defaults to the working directory).
 * @returns An existing file path.
 * @throws InputError naming every place looked at.
 */
export function resolveDataPath(given?: string, root = "."): string {
  const env = given ? undefined : Deno.env.get("DROPOUT_DATA");
  const candidates = given ? [given] : env ? [env] : [`${root}/${DEFAULT_DATA}`];
  for (const path of candidates) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // try the next place
    }
  }
  // Only the first candidate was looked at: name the default without claiming it is absent.
  const fallback = `${root}/${DEFAULT_DATA}`;
  const tried = given
    ? `no file at ${given} (--data; the default location is ${fallback})`
    : env
    ? `no file at ${env} (DROPOUT_DATA; the default location is ${fallback})`
    : `no --data path and no file at ${fallback}`;
  throw new InputError(
    `Cannot find the training data: ${tried}; ` +
      "pass --data PATH to a copy of student_dropout.csv (Kaggle: Student Dropout Analysis and Prediction Dataset)",
  );
}
