/**
 * Writing CSV: quoting per RFC 4180, shared by `deno task score` and the
 * server's streamed batch answers.
 *
 * @module
 */

/**
 * Quotes a field when it holds a comma, a quote or a line break.
 *
 * @param value The value (null and undefined become empty).
 * @returns The field text.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
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
