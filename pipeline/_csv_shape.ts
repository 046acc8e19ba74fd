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
      endRecord();
    } else if (ch !== 13) {
      lineHasContent = true;
      if (row === 0) cell += text[i];
    }
  }
  if (lineHasContent || (row === 0 && text.length > 0)) endRecord();
  return { header, rows: Math.max(0, row - 1), ragged, raggedTotal };
}
