/**
 * Writing CSV: quoting per RFC 4180, shared by `deno task score` and the
 * server's streamed batch answers, with text cells a spreadsheet would run as
 * formulas neutralised.
 *
 * @module
 */

/**
 * Quotes a field when it holds a comma, a quote or a line break; a string is
 * first {@linkcode neutralised} (numbers and booleans are written as they are).
 *
 * @param value The value (null and undefined become empty).
 * @returns The field text.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? neutralised(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** What a spreadsheet may run as a formula when a cell starts with it (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number: a spreadsheet reads it as a number, whatever its sign. */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A text cell made safe to open in a spreadsheet: one that starts with `=`, `+`, `-`, `@`, a
 * tab or a carriage return gets a leading `'`, as OWASP advises, so `=HYPERLINK(…)` shows as
 * text instead of running. Plain numbers (`-3.5`) are left as they are, and a cell that
 * already starts with `'` is not changed again.
 *
 * @param text The cell's text.
 * @returns The text to write.
 * @example
 * ```ts
 * neutralised("=cmd|' /C calc'!A0"); // "'=cmd|' /C calc'!A0"
 * neutralised("-3.5"); // "-3.5"
 * ```
 */
export function neutralised(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/**
 * Joins fields into one CSV line ending in LF.
 *
 * @param values The fields.
 * @returns The line.
 */
export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(",") + "\n";
}
