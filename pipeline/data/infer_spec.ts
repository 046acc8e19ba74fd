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
import { specTexts } from "./spec_texts.ts";

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
  /** The most distinct values a text column, or an unnamed integer code, may have to become a category. Default 20. */
  maxCategories?: number;
}

/** The default of {@linkcode InferSpecOptions.maxCategories}. */
export const DEFAULT_MAX_CATEGORIES = 20;

/** The most codes a column named like a code (course, occupation, …) may have to be a category. */
export const MAX_CODES = 200;

/** What inference decided for one column, and why. */
export interface ColumnDecision {
  column: string;
  /**
   * The type given, `id` for an identifier column (listed in the spec's `ids`) or `cohort` for the
   * spec's `cohort`.
   */
  type: ColumnSpec["type"] | "id" | "cohort";
  /** `feature`, `target`, `leak`, `id` or `cohort`. */
  role: "feature" | "target" | "leak" | "id" | "cohort";
  /** The values seen, in short: `17 codes 33–9991`, `400 distinct`, `0.5–4.0`. */
  values: string;
  /** Why, in words a reviewer can check against the data. */
  reason: string;
}

/** A drafted spec with the decision behind each column. */
export interface InferredSpec {
  spec: DatasetSpec;
  /** One per column of the file, in file order. */
  decisions: ColumnDecision[];
}

const MAX_ORDINAL_VALUES = 10;
/** The least share of distinct values that makes a column named like an id one. */
const ID_SHARE = 0.5;
/** An id by its values needs this many rows: three distinct values in three rows say nothing. */
const MIN_ID_ROWS = 10;
/** Few integers count as codes when they cover less than this share of the range between them. */
const CODE_COVERAGE = 0.5;
const BOOLEAN_PAIRS: readonly [string, string][] = [
  ["yes", "no"],
  ["true", "false"],
  ["y", "n"],
  ["1", "0"],
];
/** Words that, as the last word of a name, mark an identifier: `student_id`, `matric_no`. */
const ID_WORDS = new Set(["id", "identifier", "number", "no", "nr", "num", "code", "key", "uuid"]);
/**
 * Words that, with values that are years, mark the cohort a row belongs to (a term, an intake, a
 * presentation of a course): `start_year`, `cohort`, `academic_term`.
 */
const COHORT_WORDS = new Set([
  "cohort",
  "term",
  "semester",
  "session",
  "intake",
  "presentation",
  "year",
  "academic",
]);
/** Words that make a year a person's, not a cohort's: `year_of_birth`. */
const NOT_COHORT_WORDS = new Set(["birth", "born", "death", "age"]);
/**
 * A year, alone or with a term's mark: `2014`, `2013J`, `2019/20`, `2020-S1`, `2021 fall`. The
 * mark is at most six letters or digits.
 */
const YEAR_LABEL = /^(19|20)\d{2}(?:[-/_ .]?[A-Za-z0-9]{1,6})?$/;

/**
 * Words that mark a column of codes, not a quantity, wherever they are in the name. Not `status`:
 * `Health_Status` is a 1–5 scale, and only the values could tell it from a marital status.
 */
const CODE_WORDS = new Set([
  "code",
  "mode",
  "type",
  "kind",
  "course",
  "programme",
  "program",
  "occupation",
  "job",
  "qualification",
  "nationality",
  // The 4,424-student higher-education table spells it so.
  "nacionality",
  "country",
  "category",
  "class",
  "group",
  "department",
  "faculty",
  "major",
  "region",
  "district",
  "marital",
]);

/**
 * Drafts a dataset spec from a CSV file: one column spec per header, in file
 * order, typed `boolean`, `ordinal`, `integer`, `number` or `category` from the
 * values seen, identifier columns listed in `ids`, and one profile `all` with every column but
 * the target, the leak columns and the ids.
 *
 * @param path The CSV file (UTF-8, optionally with a BOM, comma-separated).
 * @param options The target column and positive value, the leak columns, the name and the
 *   category limit.
 * @returns The spec, already checked by {@linkcode parseSpec}.
 * @throws InputError when the file is unreadable, empty or has no data rows, when the target,
 *   positive value or a leak column is not in the file, or when a text column that is no
 *   identifier has more than `maxCategories` distinct values.
 * @example
 * ```ts
 * const spec = await inferSpec("other_school.csv", { target: "withdrew", positive: "true" });
 * console.log(JSON.stringify(spec, null, 2));
 * ```
 */
export async function inferSpec(path: string, options: InferSpecOptions): Promise<DatasetSpec> {
  return (await inferSpecWithReasons(path, options)).spec;
}

/**
 * Drafts a dataset spec as {@linkcode inferSpec} does, with the decision behind each column:
 * an integer column becomes a category when its name says it holds codes (course, mode,
 * occupation, …), when its values keep leading zeros, or when they are few and spread thin over
 * their range (codes, not a scale); a 0/1 column is a boolean; a column unique per row (text,
 * or integers named like an id or counting rows), or named like an id with nearly every value
 * distinct, is an identifier: carried through scoring, never a feature.
 *
 * @param path The CSV file.
 * @param options As {@linkcode inferSpec}.
 * @returns The spec and one decision per column, in file order.
 * @throws InputError as {@linkcode inferSpec}.
 */
export async function inferSpecWithReasons(
  path: string,
  options: InferSpecOptions,
): Promise<InferredSpec> {
  const maxCategories = options.maxCategories ?? DEFAULT_MAX_CATEGORIES;
  if (!Number.isInteger(maxCategories) || maxCategories < 1) {
    throw new InputError(`Invalid maxCategories: ${maxCategories}, expected a positive integer`);
  }
  const table = readTable(await polars(), path, await readText(path));
  const rows = table.values().next().value?.length ?? 0;

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

  const decisions: ColumnDecision[] = [];
  const columns: ColumnSpec[] = [];
  const ids: string[] = [];
  let cohort: string | undefined;
  for (const [name, values] of table) {
    const role = name === target ? "target" : leak.includes(name) ? "leak" : "feature";
    if (role === "target") {
      const inferred = inferColumn(name, values, rows, maxCategories, false);
      // A label is a class, not a quantity: keep its spellings so `positive` matches exactly.
      const col = inferred.column && inferred.column.type !== "integer" &&
          inferred.column.type !== "number"
        ? inferred.column
        : categoryOf(name, seen, maxCategories);
      columns.push(col);
      decisions.push({
        column: name,
        type: col.type,
        role,
        values: summary(col, seen.length),
        reason: `the target; positive value ${positive}`,
      });
      continue;
    }
    const term = role === "feature" && cohort === undefined
      ? cohortEvidence(name, distinct(values), maxCategories)
      : undefined;
    if (term) {
      cohort = name;
      decisions.push({
        column: name,
        type: "cohort",
        role: "cohort",
        values: listed(distinct(values), 4),
        reason: term,
      });
      continue;
    }
    const inferred = inferColumn(name, values, rows, maxCategories, role === "feature");
    if (!inferred.column) {
      ids.push(name);
      decisions.push({
        column: name,
        type: "id",
        role: "id",
        values: `${distinct(values).length} distinct`,
        reason: inferred.reason,
      });
      continue;
    }
    columns.push(inferred.column);
    decisions.push({
      column: name,
      type: inferred.column.type,
      role,
      values: summary(inferred.column, distinct(values).length),
      reason: inferred.reason,
    });
  }
  const features = columns.map((c) => c.name).filter((n) => n !== target && !leak.includes(n));
  if (features.length === 0) {
    throw new InputError(
      `Cannot infer a spec from ${path}: no columns left besides the target, leak and id columns`,
    );
  }
  const without = [
    ...(leak.length > 0 ? [`the leak columns ${leak.join(", ")}`] : []),
    ...(ids.length > 0 ? [`the ids ${ids.join(", ")}`] : []),
    ...(cohort ? [`the cohort ${cohort}`] : []),
  ];
  const spec: DatasetSpec = {
    name: options.name ?? baseName(path),
    description: "",
    target: { column: target, positive },
    leak,
    ...(ids.length > 0 ? { ids } : {}),
    ...(cohort ? { cohort } : {}),
    columns,
    profiles: {
      all: {
        description: `Every column except the target (${target})${
          without.length ? ` and ${without.join(" and ")}` : ""
        }`,
        features,
      },
    },
    default_profile: "all",
  };
  // The words the page and the model card use, drafted plainly, to be reworded by people.
  const texts = specTexts(spec);
  spec.outcome = {
    event: texts.event,
    positive: texts.positive,
    negative: texts.negative,
    definition: texts.definition,
  };
  if (leak.length > 0) spec.leak_note = texts.leakNote;
  return { spec: parseSpec(spec, `inferred from ${path}`), decisions };
}

/**
 * Formats the decisions as an aligned text table, to check before editing the spec.
 *
 * @param decisions From {@linkcode inferSpecWithReasons}.
 * @returns The table, a header line and one line per column.
 */
export function reviewTable(decisions: ColumnDecision[]): string {
  const head = ["column", "type", "role", "values", "reason"];
  const rows = decisions.map((d) => [d.column, d.type, d.role, d.values, d.reason]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
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

/** The words of a column name, lower case: `MothersOccupation` and `mothers_occupation` → mothers, occupation. */
function nameWords(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Gives one column the narrowest type its values allow, or none for an identifier, with the
 * reason. `mayBeId` is false for leak columns (a leak is kept as a column).
 */
function inferColumn(
  name: string,
  cells: (string | null)[],
  rows: number,
  maxCategories: number,
  mayBeId: boolean,
): { column?: ColumnSpec; reason: string } {
  const values = distinct(cells);
  if (values.length === 0) {
    throw new InputError(`Column "${name}" is empty in every row: leave it out of the file`);
  }
  const words = nameWords(name);
  // `student_id` and `id_student` alike.
  const idWord = ID_WORDS.has(words.at(-1) ?? "") ? words.at(-1) : words[0] === "id" ? "id" : "";
  const idName = idWord !== "";
  const codeWord = words.find((w) => CODE_WORDS.has(w));
  const filled = cells.filter((c) => c !== null).length;
  const unique = values.length === rows && filled === rows && rows >= MIN_ID_ROWS;
  const share = values.length / Math.max(1, filled);
  const pair = booleanPair(values);
  if (pair) {
    return {
      column: {
        name,
        type: "boolean",
        description: "",
        true_values: [pair[0]],
        false_values: [pair[1]],
      },
      reason: `two values, ${pair[0]} and ${pair[1]}: a yes/no flag`,
    };
  }
  const integers = values.every((v) => INTEGER.test(v));
  const numbers = integers || values.every((v) => NUMBER.test(v) && Number.isFinite(Number(v)));
  if (mayBeId && !(numbers && !integers)) {
    if (unique && !numbers) {
      return { reason: `unique per row: ${rows} distinct text values in ${rows} rows` };
    }
    if (unique && integers) {
      const sorted = values.map(Number).sort((a, b) => a - b);
      const run = sorted[sorted.length - 1] - sorted[0] + 1 === sorted.length;
      if (idName || run) {
        return {
          reason: idName
            ? `unique per row and named like an identifier ("${idWord}")`
            : `unique per row, the consecutive integers ${sorted[0]}–${
              sorted.at(-1)
            }: a row number`,
        };
      }
    }
    // A student in several terms repeats their number: half the values distinct is still an id.
    if (idName && share >= ID_SHARE && values.length > Math.max(maxCategories, MAX_CODES)) {
      return {
        reason: `named like an identifier ("${idWord}") with ${
          Math.round(100 * share)
        } % of its values distinct`,
      };
    }
  }
  if (integers) {
    const sorted = [...new Set(values.map(Number))].sort((a, b) => a - b);
    const min = sorted[0];
    const max = sorted[sorted.length - 1];
    const span = max - min + 1;
    const zeros = values.find((v) => /^[+-]?0\d/.test(v));
    if (zeros !== undefined && values.length <= MAX_CODES) {
      return {
        column: codes(name, values),
        reason: `values such as "${zeros}" keep leading zeros: codes, not numbers`,
      };
    }
    if (codeWord && values.length <= MAX_CODES) {
      return {
        column: codes(name, values),
        reason: `named like a code ("${codeWord}"): ${values.length} codes, not a quantity`,
      };
    }
    // Codes repeat: each value in two rows or more on average, or it may be a sparse quantity.
    if (
      values.length >= 3 && values.length <= maxCategories && 2 * values.length <= filled &&
      sorted.length / span < CODE_COVERAGE
    ) {
      return {
        column: codes(name, values),
        reason: `${sorted.length} values spread over ${min}–${max} (${
          Math.round((100 * sorted.length) / span)
        } % of the integers between): codes, not a scale`,
      };
    }
    if (sorted.length <= MAX_ORDINAL_VALUES && span === sorted.length) {
      return {
        column: { name, type: "ordinal", description: "", values: sorted },
        reason: `${sorted.length} consecutive integers ${min}–${max}: an ordered scale`,
      };
    }
    return {
      column: { name, type: "integer", description: "", min, max },
      reason: `${sorted.length} distinct integers ${min}–${max}${
        span === sorted.length ? ", consecutive" : ""
      }: a quantity`,
    };
  }
  if (numbers) {
    let min = Infinity;
    let max = -Infinity;
    for (const x of values.map(Number)) {
      if (x < min) min = x;
      if (x > max) max = x;
    }
    return {
      column: { name, type: "number", description: "", min, max },
      reason: "decimal numbers: a quantity",
    };
  }
  return {
    column: categoryOf(name, values, maxCategories),
    reason: `${values.length} text values`,
  };
}

/**
 * Why a column is the cohort a row belongs to, or undefined: its values are few years, and either
 * carry a term's mark (`2013J`, `2019/20`) or the name says it is a term or an intake. Evidence
 * from the values' shape and the name only, never from one data set's spelling.
 */
function cohortEvidence(name: string, values: string[], maxCategories: number): string | undefined {
  if (values.length < 2 || values.length > maxCategories) return undefined;
  if (!values.every((v) => YEAR_LABEL.test(v))) return undefined;
  const words = nameWords(name);
  if (words.some((w) => NOT_COHORT_WORDS.has(w))) return undefined;
  const marked = values.find((v) => !INTEGER.test(v));
  if (marked !== undefined) {
    return `${values.length} years with a term's mark, such as "${marked}": the cohort, not an input`;
  }
  const word = words.find((w) => COHORT_WORDS.has(w));
  return word
    ? `${values.length} years, named like a cohort ("${word}"): the cohort, not an input`
    : undefined;
}

/** A category of integer codes, spelled as in the file and ordered by their numbers. */
function codes(name: string, values: string[]): ColumnSpec {
  const sorted = [...values].sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : 1));
  return { name, type: "category", description: "", values: sorted };
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

/** The values of a typed column, in short, for the review table. */
function summary(col: ColumnSpec, count: number): string {
  switch (col.type) {
    case "boolean":
      return `${col.true_values![0]} / ${col.false_values![0]}`;
    case "category": {
      const v = col.values!;
      return v.length <= 4 ? v.join(", ") : `${v.length} values: ${v.slice(0, 3).join(", ")}, …`;
    }
    case "ordinal":
      return `${col.values!.join(", ")}`;
    case "integer":
    case "number":
      return `${count} distinct, ${col.min}–${col.max}`;
  }
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
