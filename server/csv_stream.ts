/**
 * Reading records from a text stream without holding the whole body: CSV
 * (comma-separated, `"` quotes with `""` escapes, LF or CRLF, quoted line
 * breaks) and NDJSON. The batch route reads up to a million rows this way.
 *
 * @module
 */

/**
 * Splits CSV text chunks into records of fields. Blank lines are skipped.
 *
 * @param chunks The text, in any chunking.
 * @yields Each record's fields.
 */
export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<string[]> {
  let fields: string[] = [];
  let cell = "";
  let quoted = false;
  let afterQuote = false;
  let content = false;
  let first = true;
  for await (let text of chunks) {
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    const out: string[][] = [];
    let start = 0;
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
        fields.push(cell + text.slice(start, i));
        cell = "";
        start = i + 1;
        content = true;
      } else if (ch === 10 || ch === 13) {
        const value = cell + text.slice(start, i);
        if (content || value !== "") {
          fields.push(value);
          out.push(fields);
        }
        fields = [];
        cell = "";
        content = false;
        start = i + 1;
      }
    }
    cell += text.slice(start);
    if (cell !== "") content = true;
    yield* out;
  }
  if (content || cell !== "") {
    fields.push(cell);
    yield fields;
  }
}

/**
 * Splits text chunks into lines (LF or CRLF), skipping blank ones.
 *
 * @param chunks The text, in any chunking.
 * @yields Each non-blank line.
 */
export async function* lines(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = "";
  for await (const text of chunks) {
    const parts = (rest + text).split("\n");
    rest = parts.pop()!;
    for (const part of parts) {
      const line = part.endsWith("\r") ? part.slice(0, -1) : part;
      if (line.trim() !== "") yield line;
    }
  }
  if (rest.trim() !== "") yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}
