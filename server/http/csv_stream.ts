/**
 * Reading records from a text stream without holding the whole body: CSV
 * (comma-separated, `"` quotes with `""` escapes, LF or CRLF, quoted line
 * breaks) and NDJSON. The batch route reads up to a million rows this way.
 * Both take linear time in the text however it is chunked, and hold at most
 * one record: a record longer than the line bound, or one naming more fields
 * than the column bound, stops the stream with an HttpError (413 or 422).
 *
 * @module
 */
import { INPUT_LIMITS } from "../../pipeline/mod.ts";
import { HttpError } from "./http_errors.ts";

/** Bounds of one record. */
export interface RecordLimits {
  /** The most characters of one record (its line or lines). */
  lineChars: number;
  /** The most fields of one record. */
  columns: number;
}

function lineTooLong(max: number): HttpError {
  return new HttpError(413, `Line too long: a record takes at most ${max} characters`);
}

/**
 * Splits CSV text chunks into records of fields. Blank lines are skipped.
 *
 * @param chunks The text, in any chunking.
 * @param limits The longest record and the most fields (the pipeline's input limits).
 * @yields Each record's fields.
 * @throws HttpError 413 past the line bound, 422 past the column bound.
 */
export async function* csvRecords(
  chunks: AsyncIterable<string>,
  limits: RecordLimits = INPUT_LIMITS,
): AsyncGenerator<string[]> {
  const { lineChars, columns } = limits;
  // Characters of the current record in earlier chunks, and where it starts in this one.
  let carried = 0;
  let recordStart = 0;
  let fields: string[] = [];
  let cell = "";
  let quoted = false;
  let afterQuote = false;
  let content = false;
  let first = true;
  for await (let text of chunks) {
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    let start = 0;
    recordStart = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (quoted) {
        if (ch !== 34) continue;
        if (i + 1 < text.length && text.charCodeAt(i + 1) === 34) {
          cell += text.slice(start, i + 1);
          start = ++i + 1;
        } else if (i + 1 === text.length) {
          // A quote at the chunk's end: wait for the next chunk to tell escape from close.
          cell += text.slice(start, i);
          start = i + 1;
          afterQuote = true;
          quoted = false;
        } else {
          cell += text.slice(start, i);
          start = i + 1;
          quoted = false;
        }
        continue;
      }
      if (afterQuote) {
        afterQuote = false;
        if (ch === 34 && i === 0) {
          cell += '"';
          quoted = true;
          start = 1;
          continue;
        }
      }
      if (ch === 34) {
        cell += text.slice(start, i);
        start = i + 1;
        quoted = true;
        content = true;
      } else if (ch === 44) {
        if (fields.length + 1 >= columns) {
          throw new HttpError(422, `Too many columns: a record has at most ${columns} fields`);
        }
        fields.push(cell + text.slice(start, i));
        cell = "";
        start = i + 1;
        content = true;
      } else if (ch === 10 || ch === 13) {
        if (carried + i - recordStart > lineChars) throw lineTooLong(lineChars);
        carried = 0;
        recordStart = i + 1;
        const value = cell + text.slice(start, i);
        if (content || value !== "") {
          fields.push(value);
          // Yielded at once, not gathered per chunk: a chunk's records alive together would
          // outlive V8's young generation and be moved to the old one, to be freed much later.
          yield fields;
        }
        fields = [];
        cell = "";
        content = false;
        start = i + 1;
      }
    }
    cell += text.slice(start);
    if (cell !== "") content = true;
    carried += text.length - recordStart;
    if (carried > lineChars) throw lineTooLong(lineChars);
  }
  if (content || cell !== "") {
    fields.push(cell);
    yield fields;
  }
}

/**
 * Splits text chunks into lines (LF or CRLF), skipping blank ones. Each chunk
 * is scanned once: the unfinished line is kept as pieces, not rescanned.
 *
 * @param chunks The text, in any chunking.
 * @param maxChars The longest line (the pipeline's line bound).
 * @yields Each non-blank line.
 * @throws HttpError 413 as soon as a line is past `maxChars`.
 */
export async function* lines(
  chunks: AsyncIterable<string>,
  maxChars: number = INPUT_LIMITS.lineChars,
): AsyncGenerator<string> {
  let pieces: string[] = [];
  let pending = 0;
  const finish = (tail: string): string | undefined => {
    const joined = pieces.length > 0 ? pieces.join("") + tail : tail;
    pieces = [];
    pending = 0;
    const line = joined.endsWith("\r") ? joined.slice(0, -1) : joined;
    return line.trim() !== "" ? line : undefined;
  };
  for await (const text of chunks) {
    let start = 0;
    let end: number;
    while ((end = text.indexOf("\n", start)) >= 0) {
      if (pending + end - start > maxChars) throw lineTooLong(maxChars);
      const line = finish(text.slice(start, end));
      if (line !== undefined) yield line;
      start = end + 1;
    }
    if (start < text.length) {
      pending += text.length - start;
      if (pending > maxChars) throw lineTooLong(maxChars);
      pieces.push(text.slice(start));
    }
  }
  const line = finish("");
  if (line !== undefined) yield line;
}
