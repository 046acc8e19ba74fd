/**
 * A quote-aware scan of CSV text that counts the fields of every record.
 * nodejs-polars pads short rows with nulls and reports long ones without a row
 * number, so the loader runs this first to name ragged rows exactly.
 *
 * @module
 */

/** The header cells and the records whose field count differs from it. */
export interface CsvShape {
  header: string[];
  rows: number;
  ragged: { row: number; fields: number }[];
  raggedTotal: number;
  /** `[start, end)` offsets of the blank lines after the header (not records; polars reads them as rows of nulls). */
  blank: [number, number][];
}

/**
 * Scans CSV text (comma-separated, `"` quotes, LF or CRLF line ends).
 *
 * @param text The whole file, BOM already removed.
 * @param cap How many ragged rows to keep.
 * @returns The header, the number of data rows and the ragged ones (1-based data rows).
 */
export function scanCsv(text: string, cap = 50): CsvShape {
  const header: string[] = [];
  const ragged: { row: number; fields: number }[] = [];
  let raggedTotal = 0;
  let row = 0;
  let fields = 1;
  let quoted = false;
  let cell = "";
  let lineHasContent = false;
  let lineStart = 0;
  const blank: [number, number][] = [];
  const endRecord = () => {
    if (row === 0) header.push(cell);
    else if (lineHasContent && fields !== header.length) {
      raggedTotal++;
      if (ragged.length < cap) ragged.push({ row, fields });
    }
    if (row === 0 || lineHasContent) row++;
    fields = 1;
    cell = "";
    lineHasContent = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (quoted) {
      if (ch === 34) {
        if (text.charCodeAt(i + 1) === 34) {
          if (row === 0) cell += '"';
          i++;
        } else quoted = false;
      } else if (row === 0) cell += text[i];
      continue;
    }
    if (ch === 34) {
      quoted = true;
      lineHasContent = true;
    } else if (ch === 44) {
      if (row === 0) header.push(cell);
      cell = "";
      fields++;
      lineHasContent = true;
    } else if (ch === 10) {
      if (row > 0 && !lineHasContent) blank.push([lineStart, i + 1]);
      endRecord();
      lineStart = i + 1;
    } else if (ch !== 13) {
      lineHasContent = true;
      if (row === 0) cell += text[i];
    }
  }
  if (lineHasContent || (row === 0 && text.length > 0)) endRecord();
  else if (lineStart < text.length) blank.push([lineStart, text.length]);
  return { header, rows: Math.max(0, row - 1), ragged, raggedTotal, blank };
}

/**
 * Removes the blank lines a scan found, so every remaining line after the header is a record.
 *
 * @param text The text that was scanned.
 * @param shape Its shape, from {@linkcode scanCsv}.
 * @returns The text without those lines (the same string when there are none).
 */
export function dropBlankLines(text: string, shape: CsvShape): string {
  if (shape.blank.length === 0) return text;
  const parts: string[] = [];
  let from = 0;
  for (const [start, end] of shape.blank) {
    parts.push(text.slice(from, start));
    from = end;
  }
  parts.push(text.slice(from));
  return parts.join("");
}
