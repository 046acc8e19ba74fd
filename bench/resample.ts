/**
 * A large scoring input made from a small table: data rows drawn with
 * replacement by the pipeline's seeded generator (`mulberry32` and
 * `sampleIndices`, as a bootstrap resample draws them), written under the same
 * header. The same source, row count and seed give the same bytes.
 *
 * @example Write 1,000,000 rows of the student data (seed 42)
 * ```ts
 * const written = await resampleCsv("../shared/data/student_dropout.csv", "bench/results/data/1m.csv", {
 *   rows: 1_000_000,
 *   seed: 42,
 * });
 * console.log(written.bytes);
 * ```
 *
 * @module
 */
import { InputError, mulberry32, sampleIndices } from "../pipeline/mod.ts";

/** Rows drawn per write, so the whole output never sits in memory. */
const CHUNK_ROWS = 20_000;

/**
 * Splits CSV text into its header and data records, keeping each record's text
 * as written (quote-aware: a line break inside quotes does not end a record).
 * Blank lines are dropped.
 *
 * @param text The CSV text.
 * @returns The header line and the data records, without their line ends.
 */
export function splitRecords(text: string): { header: string; records: string[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    const ch = i < body.length ? body.charCodeAt(i) : 10;
    if (ch === 34) quoted = !quoted;
    else if (ch === 10 && (!quoted || i === body.length)) {
      const end = i > start && body.charCodeAt(i - 1) === 13 ? i - 1 : i;
      const record = body.slice(start, end);
      if (record.trim() !== "") out.push(record);
      start = i + 1;
    }
  }
  const [header, ...records] = out;
  if (header === undefined) throw new InputError("Cannot resample: the CSV is empty");
  return { header, records };
}

/**
 * Writes a resampled CSV (LF line ends), streaming it in chunks.
 *
 * @param source The CSV to draw from.
 * @param out Where to write (its folder is created).
 * @param options `rows` to draw and the `seed`.
 * @returns The rows and bytes written.
 * @throws InputError when the source cannot be read or has no data rows.
 */
export async function resampleCsv(
  source: string,
  out: string,
  options: { rows: number; seed: number },
): Promise<{ rows: number; bytes: number }> {
  let text: string;
  try {
    text = await Deno.readTextFile(source);
  } catch (cause) {
    throw new InputError(`Cannot read ${source}: ${(cause as Error).message}`, { cause });
  }
  const { header, records } = splitRecords(text);
  if (records.length === 0) throw new InputError(`Cannot resample ${source}: no data rows`);
  const rng = mulberry32(options.seed);
  const dir = out.includes("/") ? out.slice(0, out.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${out}.tmp`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  let bytes = 0;
  const write = async (chunk: string) => {
    const data = encoder.encode(chunk);
    let done = 0;
    while (done < data.length) done += await file.write(data.subarray(done));
    bytes += data.length;
  };
  try {
    await write(header + "\n");
    // One generator across chunks: the draws are the same as one sampleIndices(n, rows) call.
    for (let done = 0; done < options.rows; done += CHUNK_ROWS) {
      const size = Math.min(CHUNK_ROWS, options.rows - done);
      const picked = sampleIndices(records.length, size, rng);
      await write(picked.map((i) => records[i]).join("\n") + "\n");
    }
  } finally {
    file.close();
  }
  await Deno.rename(tmp, out);
  return { rows: options.rows, bytes };
}
