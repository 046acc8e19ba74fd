/**
 * The bounds every reader of tabular input keeps, whoever sends it (the CSV
 * loader behind uploads, the server's batch route): how long one line may be,
 * how many columns a header may name and how long a column name may be.
 * Refusing past these at once keeps parsing linear in time and bounded in
 * memory, and keeps error answers small.
 *
 * @module
 */
import { MAX_SHOWN_NAME, SchemaError } from "../core/errors.ts";

/** The bounds of tabular input. */
export interface InputLimits {
  /** The most characters of one line (a CSV record or an NDJSON object). */
  lineChars: number;
  /** The most columns a header may name. */
  columns: number;
  /** The most characters of one column name. */
  nameChars: number;
}

/**
 * The bounds in force. A student's record is about 1 KB and the spec names 34
 * columns of at most 27 characters, so these leave room for id columns, long
 * names and a 1 MB bad cell (answered as that row's error, naming its column)
 * while refusing a header of 200,000 columns or a 60 MB line at once.
 */
export const INPUT_LIMITS: Readonly<InputLimits> = Object.freeze({
  lineChars: 2 * 1024 * 1024,
  columns: 512,
  nameChars: MAX_SHOWN_NAME,
});

/**
 * Checks the header of CSV text against the column and name bounds before
 * anything else reads it: the first record is walked once, quote-aware, and the
 * walk stops at the first cell or count past a bound.
 *
 * @param text The CSV text (BOM removed).
 * @param source The file's name, for the message.
 * @throws SchemaError naming the bound and the cut name.
 */
export function checkHeader(text: string, source: string): void {
  const { columns, nameChars } = INPUT_LIMITS;
  let count = 1;
  let length = 0;
  let cellStart = 0;
  let quoted = false;
  const tooLong = () => {
    const preview = text.slice(cellStart, cellStart + 32).replace(/[\r\n]/g, " ");
    return new SchemaError(
      `Invalid data in ${source}: a column name is longer than ${nameChars} characters: ` +
        `${JSON.stringify(preview)}…`,
    );
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (quoted) {
      if (ch !== 34) {
        if (++length > nameChars) throw tooLong();
      } else if (text.charCodeAt(i + 1) === 34) {
        i++;
        if (++length > nameChars) throw tooLong();
      } else quoted = false;
    } else if (ch === 34) quoted = true;
    else if (ch === 44) {
      if (++count > columns) {
        throw new SchemaError(
          `Invalid data in ${source}: the header names more than ${columns} columns`,
        );
      }
      length = 0;
      cellStart = i + 1;
    } else if (ch === 10) return;
    else if (ch !== 13 && ++length > nameChars) throw tooLong();
  }
}
