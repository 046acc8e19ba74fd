/**
 * Reading one cell against its column spec. The CSV loader and the server's
 * record path both call these, so a value is accepted or rejected the same way
 * wherever it arrives. Nothing is coerced silently: `"3.0"` is not an integer,
 * `"Yes"` is not `"yes"`.
 *
 * @module
 */
import type { ColumnSpec } from "./spec.ts";
import { SchemaError, type SchemaIssue } from "../core/errors.ts";

/** A cell after reading: numbers for numeric, ordinal and boolean (0/1) columns, strings for categories, null when missing. */
export type Cell = string | number | null;

/** A student as the pipeline sees it: column name to cell. */
export type Row = Record<string, Cell>;

/** The result of reading one cell: a value, or what was expected instead. */
export type CellResult = { ok: true; value: Cell } | { ok: false; expected: string };

/** The text of an integer, as the loader accepts it. */
export const INTEGER = /^[+-]?\d+$/;
/**
 * The text of a decimal number, as the loader accepts it. Linear in the length: after the
 * digits only a `.` may start the fraction, so no two quantifiers can share a run of digits.
 */
export const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Describes what a column accepts, in words, for error messages.
 *
 * @param col The column.
 * @returns e.g. `an integer 15–22` or `one of GP, MS`.
 */
export function expectation(col: ColumnSpec): string {
  switch (col.type) {
    case "category":
    case "ordinal":
      return `one of ${(col.values ?? []).join(", ")}`;
    case "boolean":
      return `one of ${[...col.true_values ?? [], ...col.false_values ?? []].join(", ")}`;
    case "integer":
    case "number": {
      const kind = col.type === "integer" ? "an integer" : "a number";
      if (col.min !== undefined && col.max !== undefined) return `${kind} ${col.min}–${col.max}`;
      if (col.min !== undefined) return `${kind} >= ${col.min}`;
      if (col.max !== undefined) return `${kind} <= ${col.max}`;
      return kind;
    }
  }
}

/**
 * Reads one raw value (a CSV string, or a JSON string, number or boolean) against its column.
 * Missing values (`null`, `undefined`, empty or blank string) read as `null`.
 *
 * @param col The column spec.
 * @param raw The raw value.
 * @returns The typed cell, or what was expected.
 */
export function readCell(col: ColumnSpec, raw: unknown): CellResult {
  const value = readValue(col, raw);
  return value === INVALID ? { ok: false, expected: expectation(col) } : { ok: true, value };
}

/** What {@linkcode readValue} returns for a value its column does not accept. */
const INVALID: unique symbol = Symbol("invalid cell");

/**
 * {@linkcode readCell} without a result object: the typed cell, or {@linkcode INVALID}. The
 * record path reads every cell of every request through this, and builds the message (with
 * {@linkcode expectation}) only for a cell at fault.
 *
 * @param col The column spec.
 * @param raw The raw value.
 * @returns The typed cell, or `INVALID`.
 */
function readValue(col: ColumnSpec, raw: unknown): Cell | typeof INVALID {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === "string") {
    const text = raw.trim();
    if (text === "") return null;
    return readText(col, text);
  }
  if (typeof raw === "number") return readNumber(col, raw);
  if (typeof raw === "boolean" && col.type === "boolean") return raw ? 1 : 0;
  return INVALID;
}

function readText(col: ColumnSpec, text: string): Cell | typeof INVALID {
  switch (col.type) {
    case "category":
      return col.values!.includes(text) ? text : INVALID;
    case "boolean":
      if (col.true_values!.includes(text)) return 1;
      if (col.false_values!.includes(text)) return 0;
      return INVALID;
    case "ordinal":
    case "integer":
      return INTEGER.test(text) ? readNumber(col, Number(text)) : INVALID;
    case "number":
      return NUMBER.test(text) ? readNumber(col, Number(text)) : INVALID;
  }
}

function readNumber(col: ColumnSpec, x: number): Cell | typeof INVALID {
  if (!Number.isFinite(x)) return INVALID;
  switch (col.type) {
    case "category": {
      // A JSON number for a category of integer codes (course 9003): the code as the file spells it.
      const text = String(x);
      return col.values!.includes(text) ? text : INVALID;
    }
    case "boolean":
      return x === 1 || x === 0 ? x : INVALID;
    case "ordinal":
      return Number.isInteger(x) && col.values!.includes(x) ? x : INVALID;
    case "integer":
    case "number":
      // Beyond 2^53 a float no longer holds every integer: "9007199254740993" would round.
      if (col.type === "integer" && !Number.isSafeInteger(x)) return INVALID;
      if (col.min !== undefined && x < col.min) return INVALID;
      if (col.max !== undefined && x > col.max) return INVALID;
      return x;
  }
}

/**
 * Reads a record (one student as a JSON object) against the given columns.
 *
 * @param columns The columns the record must carry (e.g. a profile's features).
 * @param record The raw object.
 * @param options `allowExtra`: accept keys that are not among `columns` (ignored);
 *   `requireAll`: report absent keys as missing fields (otherwise they are imputed).
 * @returns The typed row.
 * @throws SchemaError naming every field at fault.
 */
export function readRecord(
  columns: ColumnSpec[],
  record: unknown,
  options: { allowExtra?: boolean; requireAll?: boolean } = {},
): Row {
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    throw new SchemaError("Cannot read student: expected a JSON object of fields", [{
      expected: "a JSON object",
      value: Array.isArray(record) ? "array" : record,
    }]);
  }
  const raw = record as Record<string, unknown>;
  const issues: SchemaIssue[] = [];
  const row: Row = {};
  const requireAll = options.requireAll ?? false;
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c];
    const value = raw[col.name];
    if (requireAll && value === undefined && !(col.name in raw)) {
      issues.push({ column: col.name, expected: `a value (${expectation(col)})` });
      continue;
    }
    const cell = readValue(col, value);
    if (cell !== INVALID) row[col.name] = cell;
    else issues.push({ column: col.name, value, expected: expectation(col) });
  }
  if (!options.allowExtra) {
    const known = new Set(columns.map((c) => c.name));
    for (const key of Object.keys(raw)) {
      if (!known.has(key)) {
        issues.push({
          column: key,
          expected: `no such field; valid fields are ${[...known].join(", ")}`,
        });
      }
    }
  }
  if (issues.length > 0) {
    const names = [...new Set(issues.map((i) => i.column))].join(", ");
    throw new SchemaError(`Invalid student: ${names}`, issues);
  }
  return row;
}
