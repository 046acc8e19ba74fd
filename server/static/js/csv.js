// @ts-check
/**
 * CSV for the browser: a parser fed chunk by chunk as a response streams in
 * (RFC 4180 quoting: fields may hold commas, doubled quotes and newlines, and
 * a chunk may end anywhere, even inside a quote), a writer that neutralises
 * cells a spreadsheet would run as formulas, and a line count of a file to
 * estimate its rows.
 *
 * @module
 */

/**
 * Parses CSV text arriving in chunks.
 *
 * @example
 * const parser = new CsvParser();
 * parser.push('row,error\n1,"Row 1: column ""Age"", expected'); // [["row", "error"]]
 * parser.push(' an integer"\n'); // [["1", 'Row 1: column "Age", expected an integer']]
 */
export class CsvParser {
  /** @type {string[]} */
  #record = [];
  #separator = ",";

  /** @param {string} [separator] The field separator (default a comma; `;` or a tab). */
  constructor(separator = ",") {
    this.#separator = separator;
  }
  #field = "";
  /** 0 outside quotes, 1 inside, 2 just after a quote inside (a doubled quote or the end). */
  #quote = 0;

  /**
   * Reads a chunk.
   *
   * @param {string} text The next chunk of text.
   * @returns {string[][]} The records completed by this chunk.
   */
  push(text) {
    /** @type {string[][]} */
    const out = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (this.#quote === 1) {
        if (ch === '"') this.#quote = 2;
        else this.#field += ch;
        continue;
      }
      if (this.#quote === 2) {
        this.#quote = 0;
        if (ch === '"') {
          this.#field += '"';
          this.#quote = 1;
          continue;
        }
      }
      if (ch === '"' && this.#field === "") this.#quote = 1;
      else if (ch === this.#separator) this.#endField();
      else if (ch === "\n") this.#endRecord(out);
      else if (ch !== "\r") this.#field += ch;
    }
    return out;
  }

  /**
   * Ends the input.
   *
   * @returns {string[][]} The last record, when the text did not end with a newline.
   */
  end() {
    /** @type {string[][]} */
    const out = [];
    this.#quote = 0;
    this.#endRecord(out);
    return out;
  }

  #endField() {
    this.#record.push(this.#field);
    this.#field = "";
  }

  /** @param {string[][]} out */
  #endRecord(out) {
    this.#endField();
    const record = this.#record;
    this.#record = [];
    // A blank line is not a record.
    if (record.length > 1 || record[0] !== "") out.push(record);
  }
}

/** What a spreadsheet may run as a formula when a cell starts with it (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number: a spreadsheet reads it as a number, whatever its sign. */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * One CSV field, safe to open in a spreadsheet: a cell starting with `=`, `+`, `-`, `@`, a tab
 * or a carriage return gets a leading `'` (plain numbers such as `-3.5` are left as they
 * are), then the field is quoted when it holds a comma, a quote or a line break. The same rule
 * as the server's writer, so a cell it neutralised is not changed again.
 *
 * @param {string} text The cell.
 * @returns {string} The field.
 */
export function safeField(text) {
  const cell = FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * Rewrites CSV text with every cell passed through {@linkcode safeField}.
 *
 * @param {string[]} chunks The text, in any chunking.
 * @returns {string[]} The rewritten lines, each ending in LF.
 */
export function safeCsv(chunks) {
  const parser = new CsvParser();
  /** @type {string[]} */
  const out = [];
  /** @param {string[][]} records */
  const write = (records) => {
    for (const record of records) out.push(record.map(safeField).join(",") + "\n");
  };
  for (const chunk of chunks) write(parser.push(chunk));
  write(parser.end());
  return out;
}

/**
 * Counts the lines of a file without holding it in memory.
 *
 * @param {Blob} file The file.
 * @returns {Promise<number>} Newline-terminated lines, plus one for a last line without a newline.
 */
export async function countLines(file) {
  let lines = 0;
  let last = 10;
  const reader = file.stream().getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
    if (value.length > 0) last = value[value.length - 1];
  }
  return last === 10 ? lines : lines + 1;
}

/**
 * The separator of a CSV from its header line, by the server's rule: a comma unless the header
 * holds none and semicolons (as European spreadsheets export) or tabs instead.
 *
 * @param {string} line The header line.
 * @returns {string} `,`, `;` or a tab.
 */
export function sniffSeparator(line) {
  const bare = line.replace(/"[^"]*"/g, "");
  const count = (/** @type {string} */ ch) => bare.split(ch).length - 1;
  if (count(",") > 0) return ",";
  if (count(";") > 0 && count(";") >= count("\t")) return ";";
  return count("\t") > 0 ? "\t" : ",";
}

/**
 * One record of a CSV file by its row number (1 for the first after the header), read as a
 * stream until that row, as an object of the header's names.
 *
 * @param {Blob} file The CSV.
 * @param {number} row The row number, as the batch route counts rows.
 * @returns {Promise<Record<string, string> | undefined>} Its non-empty fields, or undefined.
 */
export async function recordAt(file, row) {
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  /** @type {CsvParser | undefined} */
  let parser;
  let head = "";
  /** @type {string[] | undefined} */
  let header;
  let n = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      /** @type {string[][]} */
      let records = [];
      if (!parser) {
        head += done ? "" : value;
        if (!done && !/[\r\n]/.test(head)) continue;
        parser = new CsvParser(sniffSeparator(head.replace(/^\uFEFF/, "").split(/[\r\n]/, 1)[0]));
        records = parser.push(head.replace(/^\uFEFF/, ""));
      } else if (!done) records = parser.push(value);
      if (done) records.push(...parser.end());
      for (const record of records) {
        if (!header) {
          header = record.map((name) => name.trim());
          continue;
        }
        if (++n === row) {
          return Object.fromEntries(
            header.map((name, i) => [name, (record[i] ?? "").trim()]).filter(([, v]) => v !== ""),
          );
        }
      }
      if (done) return undefined;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
