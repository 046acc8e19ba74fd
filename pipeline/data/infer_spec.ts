/**
 * Drafting a dataset spec from a CSV file, so a school with a different table
 * can start from its own columns. Every column is read as text and given the
 * narrowest type its values allow; the draft is checked with
 * {@linkcode parseSpec} and meant to be reviewed (descriptions are left empty).
 *
 * @module
 */
import { INTEGER, NUMBER } from "./cells.ts";
import type pl from "nodejs-polars";
import { type Polars, polars } from "./_polars.ts";
import { InputError } from "../core/errors.ts";
import { type ColumnSpec, type DatasetSpec, parseSpec } from "./spec.ts";
import { scanCsv } from "./_csv_shape.ts";

/** Options of {@linkcode inferSpec}. */
export interface InferSpecOptions {
  /** The label column. */
  target: string;
  /** The target value that counts as positive (at risk), spelled as in the file. */
  positive: string;
  /** Columns that reveal the label; kept in the spec but left out of the profile. */
  leak?: string[];
  /** The spec's name; the file's base name without extension by default. */
  name?: string;
  /** The most distinct values a text column may have to become a category. Default 20. */
  maxCategories?: number;
}

/** The default of {@linkcode InferSpecOptions.maxCategories}. */
export const DEFAULT_MAX_CATEGORIES = 20;

// The same grammar as cells.ts uses to read cells, so every inferred number loads back.
const MAX_ORDINAL_VALUES = 10;
const BOOLEAN_PAIRS: readonly [string, string][] = [
  ["yes", "no"],
  ["true", "false"],
  ["y", "n"],
  ["1", "0"],
];

/**
 * Drafts a dataset spec from a CSV file: one column spec per header, in file
 * order, typed `boolean`, `ordinal`, `integer`, `number` or `category` from the
 * values seen, and one profile `all` with every column but the target and the
 * leak columns.
 *
 * @param path The CSV file (UTF-8, optionally with a BOM, comma-separated).
 * @param options The target column and positive value, the leak columns, the name and the
 *   category limit.
 * @returns The spec, already checked by {@linkcode parseSpec}.
 * @throws InputError when the file is unreadable, empty or has no data rows, when the target,
 *   positive value or a leak column is not in the file, or when a text column has more than
 *   `maxCategories` distinct values.
 * @example
 * ```ts
 * const spec = await inferSpec("other_school.csv", { target: "withdrew", positive: "true" });
 * console.log(JSON.stringify(spec, null, 2));
 * ```
 */
export async function inferSpec(path: string, options: InferSpecOptions): Promise<DatasetSpec> {
  const maxCategories = options.maxCategories ?? DEFAULT_MAX_CATEGORIES;
  if (!Number.isInteger(maxCategories) || maxCategories < 1) {
    throw new InputError(`Invalid maxCategories: ${maxCategories}, expected a positive integer`);
  }
  const table = readTable(await polars(), path, await readText(path));

  const { target, positive } = options;
  const targetValues = table.get(target);
  if (!targetValues) {
    throw new InputError(
      `Target column "${target}" is not in ${path}: columns are ${[...table.keys()].join(", ")}`,
    );
  }
  const seen = distinct(targetValues);
  if (!seen.includes(positive)) {
    throw new InputError(
      `Positive value "${positive}" is not in column "${target}": values are ${listed(seen)}`,
    );
  }
  const leak = [...new Set(options.leak ?? [])];
  for (const name of leak) {
    if (name === target) throw new InputError(`Leak column "${name}" is the target column`);
    if (!table.has(name)) {
      throw new InputError(
        `Leak column "${name}" is not in ${path}: columns are ${[...table.keys()].join(", ")}`,
      );
    }
  }
  const features = [...table.keys()].filter((name) => name !== target && !leak.includes(name));
  if (features.length === 0) {
    throw new InputError(
      `Cannot infer a spec from ${path}: no columns left besides the target and leak columns`,
    );
  }

  const columns = [...table].map(([name, values]) => inferColumn(name, values, maxCategories));
  const targetColumn = columns.find((c) => c.name === target)!;
  if (targetColumn.type === "integer" || targetColumn.type === "number") {
    // A label is a class, not a quantity: keep its spellings so `positive` matches exactly.
    columns[columns.indexOf(targetColumn)] = categoryOf(target, seen, maxCategories);
  }
  const without = leak.length > 0 ? ` and the leak columns ${leak.join(", ")}` : "";
  const spec: DatasetSpec = {
    name: options.name ?? baseName(path),
    description: "",
    target: { column: target, positive },
    leak,
    columns,
    profiles: {
      all: { description: `Every column except the target ${target}${without}`, features },
    },
    default_profile: "all",
  };
  return parseSpec(spec, `inferred from ${path}`);
}

async function readText(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (cause) {
    throw new InputError(`Cannot read data file ${path}: ${(cause as Error).message}`, { cause });
  }
  try {
    // ignoreBOM false: the decoder drops a leading UTF-8 BOM.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (cause) {
    throw new InputError(`Cannot read data file ${path}: the file is not UTF-8 text`, { cause });
  }
}

/** Reads every column as trimmed text, empty cells as null, keyed by trimmed header name. */
function readTable(pl: Polars, path: string, text: string): Map<string, (string | null)[]> {
  if (text.trim() === "") {
    throw new InputError(`Cannot infer a spec from ${path}: the file is empty`);
  }
  if (text.includes("\u0000")) {
    throw new InputError(`Cannot infer a spec from ${path}: the file is binary, not CSV text`);
  }
  const shape = scanCsv(text);
  const header = shape.header.map((h) => h.trim());
  header.forEach((name, i) => {
    if (name === "") {
      throw new InputError(`Cannot infer a spec from ${path}: column ${i + 1} has no name`);
    }
    if (header.indexOf(name) !== i) {
      throw new InputError(`Cannot infer a spec from ${path}: column "${name}" appears twice`);
    }
  });
  if (shape.rows === 0) {
    throw new InputError(
      `Cannot infer a spec from ${path}: the file has a header but no data rows`,
    );
  }
  if (shape.raggedTotal > 0) {
    const first = shape.ragged[0];
    throw new InputError(
      `Cannot infer a spec from ${path}: ${shape.raggedTotal} row(s) do not have ` +
        `${header.length} fields, the first is row ${first.row} with ${first.fields}`,
    );
  }
  let df: pl.DataFrame;
  try {
    df = pl.readCSV(text, { inferSchemaLength: 0, missingIsNull: true, hasHeader: true });
  } catch (cause) {
    throw new InputError(`Cannot read data file ${path}: ${(cause as Error).message}`, { cause });
  }
  const table = new Map<string, (string | null)[]>();
  df.columns.forEach((raw, i) => {
    const cells = df.getColumn(raw).toArray() as (string | null)[];
    table.set(header[i], cells.map((c) => (c === null || c.trim() === "" ? null : c.trim())));
  });
  return table;
}

/** Gives one column the narrowest type that every non-empty value fits. */
function inferColumn(name: string, cells: (string | null)[], maxCategories: number): ColumnSpec {
  const values = distinct(cells);
  if (values.length === 0) {
    throw new InputError(`Column "${name}" is empty in every row: leave it out of the file`);
  }
  const pair = booleanPair(values);
  if (pair) {
    return {
      name,
      type: "boolean",
      description: "",
      true_values: [pair[0]],
      false_values: [pair[1]],
    };
  }
  if (values.every((v) => INTEGER.test(v))) {
    const numbers = [...new Set(values.map(Number))].sort((a, b) => a - b);
    const min = numbers[0];
    const max = numbers[numbers.length - 1];
    if (numbers.length <= MAX_ORDINAL_VALUES && max - min + 1 === numbers.length) {
      return { name, type: "ordinal", description: "", values: numbers };
    }
    return { name, type: "integer", description: "", min, max };
  }
  if (values.every((v) => NUMBER.test(v) && Number.isFinite(Number(v)))) {
    let min = Infinity;
    let max = -Infinity;
    for (const x of values.map(Number)) {
      if (x < min) min = x;
      if (x > max) max = x;
    }
    return { name, type: "number", description: "", min, max };
  }
  return categoryOf(name, values, maxCategories);
}

function categoryOf(name: string, values: string[], maxCategories: number): ColumnSpec {
  if (values.length > maxCategories) {
    throw new InputError(
      `Column "${name}" has ${values.length} distinct text values: a free-text or id column? ` +
        `leave it out of the file or raise --max-categories (now ${maxCategories})`,
    );
  }
  return { name, type: "category", description: "", values };
}

/** The [true, false] spellings when the values are exactly one known pair, in any case. */
function booleanPair(values: string[]): [string, string] | undefined {
  if (values.length !== 2) return undefined;
  for (const [yes, no] of BOOLEAN_PAIRS) {
    const t = values.find((v) => v.toLowerCase() === yes);
    const f = values.find((v) => v.toLowerCase() === no);
    if (t !== undefined && f !== undefined) return [t, f];
  }
  return undefined;
}

/** The distinct non-empty values, sorted by code unit so the order never depends on locale. */
function distinct(cells: (string | null)[]): string[] {
  const set = new Set<string>();
  for (const c of cells) if (c !== null) set.add(c);
  return [...set].sort();
}

function listed(values: string[], cap = 20): string {
  const shown = values.slice(0, cap).join(", ");
  return values.length > cap ? `${shown}, … (${values.length} in all)` : shown;
}

function baseName(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? path;
  return file.replace(/\.[^.]*$/, "") || "dataset";
}
