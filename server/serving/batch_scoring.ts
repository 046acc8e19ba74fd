/**
 * Batch scoring as a stream: records come in (CSV or NDJSON, read lazily),
 * are validated and scored a chunk at a time with one tfjs call per chunk, and
 * go out as CSV or NDJSON lines while the rest is still being read. A bad row
 * becomes an error entry naming the row and the columns; the others are scored.
 * The answer is a pull stream, so the body is read only as fast as the answer
 * is. Behind the front, the loop also gives other requests a turn every few
 * milliseconds (`http/pace.ts`): a turn lets `Deno.serve` read the body ahead of
 * the loop, and only the front's body credit keeps that to the answer's pace.
 *
 * @module
 */
import {
  closeFieldNames,
  csvLine,
  type DatasetSpec,
  formatIssue,
  imputedWarning,
  INPUT_LIMITS,
  type Prediction,
  type Predictor,
  reasonText,
  type Row,
  SchemaError,
  scoredCsvHeader,
  shownNames,
} from "../../pipeline/mod.ts";
import { csvRecords, lines, paced } from "../http/mod.ts";
import { HttpError } from "../http/mod.ts";

/** One input record, or why it could not be read. */
interface Item {
  row: number;
  record?: Record<string, unknown>;
  error?: string;
}

/** Formats of the batch route. */
export type BatchFormat = "csv" | "ndjson";

/** Options of {@linkcode scoreBatch}. */
export interface BatchOptions {
  /** Input format. */
  input: BatchFormat;
  /** Output format. */
  output: BatchFormat;
  /** The most rows read; the rest get one error entry. */
  maxRows: number;
  /**
   * Each row's imputed inputs as their count (the default) or their names. Names made a
   * 900,000-row answer 54 times its input; the count keeps it in proportion.
   */
  imputed?: "count" | "names";
  /** Rows per tfjs call. */
  chunkRows?: number;
  /** Reasons per scored row, the largest first (CSV: `reason_1` … columns; default 0: none). */
  reasons?: number;
  /** Called after each chunk with its predictions (metrics). */
  onChunk?: (predictions: Prediction[]) => void;
  /** Called once the stream ends or is cancelled (release the model lease). */
  onClose?: () => void;
  /** Called before anything is sent with warnings about the header (a column close to an input's name). */
  onWarning?: (warning: string) => void;
  /**
   * Give other requests a turn every few milliseconds (`http/pace.ts`). Only where something
   * else holds the upload to the answer's pace (the front's body credit): each turn lets
   * `Deno.serve` read the body ahead, and a client that read no answer had its whole upload taken.
   */
  pace?: boolean;
}

/**
 * Starts scoring a body. Header problems (CSV lacking feature columns) throw
 * before anything is sent.
 *
 * @param body The request body as text chunks.
 * @param predictor The model.
 * @param options Formats, limits and callbacks.
 * @returns The response body stream.
 * @throws SchemaError when the CSV header lacks columns the model needs.
 */
export async function scoreBatch(
  body: AsyncIterable<string>,
  predictor: Predictor,
  options: BatchOptions,
): Promise<ReadableStream<Uint8Array>> {
  const items = options.input === "csv"
    ? await csvItems(body, predictor, options)
    : await primed(ndjsonItems(body));
  const { extras } = items;
  const encoder = new TextEncoder();
  // Paced: a client reading its answers as fast as they come keeps every pull's promise resolving
  // at once, and without a turn for the event loop now and then no other request is served until
  // the whole body is (`/health`, probed every 10 ms, waited up to 0.8–1.3 s during 900,000 rows).
  const scored = chunks(items.iterator, predictor, extras, options);
  const gen = options.pace ? paced(scored) : scored;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await gen.next();
        if (next.done) {
          controller.close();
          options.onClose?.();
        } else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        options.onClose?.();
        controller.error(error);
      }
    },
    async cancel() {
      await gen.return(undefined);
      options.onClose?.();
    },
  });
}

async function* chunks(
  items: AsyncIterator<Item>,
  predictor: Predictor,
  extras: string[],
  options: BatchOptions,
): AsyncGenerator<string> {
  const size = options.chunkRows ?? 64;
  const reasons = options.reasons ?? 0;
  if (options.output === "csv") {
    yield csvLine(scoredCsvHeader(extras, reasons));
  }
  let buffer: Item[] = [];
  let last = 0;
  while (true) {
    let next: IteratorResult<Item>;
    try {
      next = await items.next();
    } catch (error) {
      // Past the byte limit the body stops: what was read is answered, then one error entry.
      if (!(error instanceof HttpError)) throw error;
      buffer.push({ row: last + 1, error: error.message });
      next = { done: true, value: undefined };
    }
    const over = !next.done && next.value.row > options.maxRows;
    if (over) {
      buffer.push({
        row: next.value!.row,
        error:
          `Row limit reached: at most ${options.maxRows} rows per request; the rest were not read`,
      });
    } else if (!next.done) {
      buffer.push(next.value);
      last = next.value.row;
    }
    if (buffer.length >= size || next.done || over) {
      yield scoreChunk(buffer, predictor, extras, options);
      buffer = [];
    }
    if (next.done || over) {
      await items.return?.(undefined);
      return;
    }
  }
}

function scoreChunk(
  items: Item[],
  predictor: Predictor,
  extras: string[],
  options: BatchOptions,
): string {
  const rows: Row[] = [];
  const at: number[] = [];
  const errors = new Map<number, string>();
  items.forEach((item, i) => {
    if (item.error) return void errors.set(i, item.error);
    try {
      const row = predictor.read([item.record])[0];
      // The rule of /v1/predict: a row giving none of the inputs the model reads is refused, not
      // answered with the training-average student.
      if (!predictor.givesAnInput(row)) {
        errors.set(
          i,
          `Row ${item.row}: none of the inputs this model reads was given (${
            predictor.usedFeatures.join(", ")
          })`,
        );
        return;
      }
      rows.push(row);
      at.push(i);
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      errors.set(i, error.issues.map((is) => formatIssue({ ...is, row: item.row })).join("; "));
    }
  });
  const reasons = options.reasons ?? 0;
  const predictions = predictor.predict(rows, { reasons });
  options.onChunk?.(predictions);
  const byIndex = new Map(at.map((i, k) => [i, predictions[k]]));
  // Empty cells of a row that could not be scored: warning, baseline and reasons.
  const blank = new Array<string>(1 + (reasons > 0 ? reasons + 1 : 0)).fill("");
  const names = options.imputed === "names";
  let text = "";
  items.forEach((item, i) => {
    const p = byIndex.get(i);
    const ids = extras.map((e) => item.record?.[e] ?? null);
    const warning = p ? imputedWarning(predictor, p.imputed) : undefined;
    if (options.output === "csv") {
      text += csvLine(
        p
          ? [
            item.row,
            ...ids,
            p.probability.toFixed(6),
            p.at_risk,
            p.band,
            names ? p.imputed.join(" ") : p.imputed.length,
            warning ?? "",
            ...(reasons > 0
              ? [
                p.baseline?.toFixed(6) ?? "",
                ...Array.from(
                  { length: reasons },
                  (_, k) => p.reasons?.[k] ? reasonText(p.reasons[k]) : "",
                ),
              ]
              : []),
            "",
          ]
          : [item.row, ...ids, "", "", "", "", ...blank, errors.get(i)!],
      );
    } else {
      const id = Object.fromEntries(extras.map((e, k) => [e, ids[k]]));
      text += JSON.stringify(
        p
          ? {
            row: item.row,
            ...id,
            ...p,
            imputed: names ? p.imputed : p.imputed.length,
            ...(warning ? { warning } : {}),
          }
          : { row: item.row, ...id, error: errors.get(i) },
      ) + "\n";
    }
  });
  return text;
}

async function csvItems(
  body: AsyncIterable<string>,
  predictor: Predictor,
  options: BatchOptions,
): Promise<{ iterator: AsyncIterator<Item>; extras: string[] }> {
  const { separator, text } = await sniffSeparator(body);
  const records = csvRecords(text, { ...INPUT_LIMITS, separator });
  const first = await records.next();
  if (first.done) throw new HttpError(400, "Empty CSV: expected a header and data rows");
  const header = first.value.map((h) => h.trim());
  // One rule with NDJSON and JSON: an absent column is a missing value in every row, imputed and
  // listed; only a header naming none of the model's inputs is refused, as the wrong file.
  const present = new Set(header);
  const missing = predictor.features.map((f) => f.name).filter((f) => !present.has(f));
  if (missing.length === predictor.features.length) {
    throw new SchemaError(
      `Invalid CSV header: none of the model's inputs (read with ${SEPARATOR_NAMES[separator]} ` +
        `as the separator); missing ${shownNames(missing)}`,
      missing.map((column) => ({ row: 0, column, expected: "this column in the header" })),
    );
  }
  const known = knownColumns(predictor.spec);
  const close = closeFieldNames(header.filter((h) => !known.has(h)), missing);
  if (close.length > 0) {
    options.onWarning?.(
      `Unknown column${close.length > 1 ? "s" : ""} ${
        close.map((c) => `"${c.field}" (did you mean "${c.known}"?)`).join(", ")
      }: not read, so the inputs they resemble are imputed`,
    );
  }
  const long = [...new Set(header.filter((h) => h.length > INPUT_LIMITS.nameChars))];
  if (long.length > 0) {
    throw new SchemaError(
      `Invalid CSV header: column names are at most ${INPUT_LIMITS.nameChars} characters: ${
        shownNames(long)
      }`,
      long.map((column) => ({ row: 0, column, expected: "a shorter column name" })),
    );
  }
  // A repeated column would silently be read from its last copy: refuse it, as uploads do.
  // (One pass with a Set: indexOf() per column took 22 s for 200,000 columns.)
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const h of header) seen.has(h) ? repeated.add(h) : seen.add(h);
  if (repeated.size > 0) {
    throw new SchemaError(
      `Invalid CSV header: repeated ${shownNames([...repeated])}`,
      [...repeated].map((column) => ({ row: 0, column, expected: "a unique column name" })),
    );
  }
  const extras = header.filter((h) => !knownColumns(predictor.spec).has(h));
  async function* iterate(): AsyncGenerator<Item> {
    let row = 0;
    for await (const fields of records) {
      row++;
      if (fields.length !== header.length) {
        yield { row, error: `Row ${row}: ${fields.length} fields, expected ${header.length}` };
        continue;
      }
      const record: Record<string, unknown> = {};
      for (let i = 0; i < header.length; i++) record[header[i]] = fields[i];
      yield { row, record };
    }
  }
  return { iterator: iterate(), extras };
}

function ndjsonItems(
  body: AsyncIterable<string>,
): { iterator: AsyncGenerator<Item>; extras: string[] } {
  async function* iterate(): AsyncGenerator<Item> {
    let row = 0;
    for await (const line of lines(body)) {
      row++;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        yield { row, error: `Row ${row}: not valid JSON` };
        continue;
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        yield { row, error: `Row ${row}: expected a JSON object of fields` };
      } else yield { row, record: value as Record<string, unknown> };
    }
  }
  return { iterator: iterate(), extras: [] };
}

/**
 * Reads the first NDJSON line before anything is sent, so a first line past the line bound is
 * answered 413 at once, as a bad CSV header is a 422.
 */
async function primed(
  items: { iterator: AsyncGenerator<Item>; extras: string[] },
): Promise<{ iterator: AsyncGenerator<Item>; extras: string[] }> {
  const rest = items.iterator;
  const first = await rest.next();
  async function* iterate(): AsyncGenerator<Item> {
    try {
      if (first.done) return;
      yield first.value;
      yield* rest;
    } finally {
      await rest.return(undefined);
    }
  }
  return { iterator: iterate(), extras: items.extras };
}

function knownColumns(spec: DatasetSpec): Set<string> {
  return new Set(spec.columns.map((c) => c.name));
}

/** How the separators read in messages. */
const SEPARATOR_NAMES: Record<string, string> = { ",": "commas", ";": "semicolons", "\t": "tabs" };

/**
 * Tells the separator from the header line: a comma unless the header holds none and semicolons
 * (as European spreadsheets export) or tabs instead. The header is read ahead and given back.
 */
async function sniffSeparator(
  body: AsyncIterable<string>,
): Promise<{ separator: string; text: AsyncIterable<string> }> {
  const iterator = body[Symbol.asyncIterator]();
  const head: string[] = [];
  let seen = "";
  // At most the line bound is read ahead: a longer header is refused by the reader anyway.
  while (!/[\r\n]/.test(seen) && seen.length <= INPUT_LIMITS.lineChars) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    seen += next.value;
  }
  const line = seen.split(/[\r\n]/, 1)[0].replace(/"[^"]*"/g, "");
  const count = (ch: string) => line.split(ch).length - 1;
  const separator = count(",") > 0
    ? ","
    : count(";") >= count("\t") && count(";") > 0
    ? ";"
    : count("\t") > 0
    ? "\t"
    : ",";
  async function* text(): AsyncGenerator<string> {
    yield* head;
    while (true) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { separator, text: text() };
}
