/**
 * `deno task score`: scores every row of a CSV with a saved model and writes
 * a CSV of `row`, any columns the spec does not know (its ids, such as a student number),
 * `probability`, `at_risk`, `band`, `imputed`, `warning` (set when imputed inputs carry most of
 * the model's weight), `baseline` and `reason_1` … `reason_N` (`--reasons N`, default 3: the
 * largest changes from the baseline student, never an input that was not given) and `error`, as
 * the batch route does. Text cells a spreadsheet would run as formulas are neutralised. A row with
 * an invalid cell is not scored: its `error` names the column and what was expected, and the
 * other rows are scored. The output appears whole or not at all (temporary file, fsync, rename).
 *
 * Rows are read and scored in chunks of 10,000, in the main thread: worker threads did not pay on
 * 2 cores, since sending a chunk's cells to a worker costs about a third of scoring them.
 *
 * Exit codes: 0 every row scored; 4 the file was written but some rows could not be scored;
 * 2 bad options, an unreadable file or a header naming none of the model's inputs; 1 anything
 * else. A column of the model absent from the file is a missing value in every row (imputed and
 * listed, as a missing JSON field is), with a warning.
 *
 * @module
 */
import { csvLine, InputError, SchemaError, shownNames, syncDir } from "../core/mod.ts";
import { parseDatasetChunks } from "../data/mod.ts";
import { scoredCsvHeader } from "../explain/mod.ts";
import { Registry } from "../registry/mod.ts";
import { modelOption } from "./_common.ts";
import { scoreChunk } from "./_score_chunk.ts";
import { DEFAULT_MODELS, SCORE } from "./commands.ts";
import { intOption, outputOption, parseCommand, RowsFailed, runMain } from "./kit.ts";

/**
 * Rows per chunk: a chunk's predictions and reasons die young at this size (50,000 rows took
 * about 15 % more CPU, mostly collecting garbage, and 200 MB more memory at 200,000 rows).
 */
const CHUNK_ROWS = 10_000;

await runMain(async () => {
  const opts = parseCommand(SCORE, Deno.args);
  if (!opts.data || !opts.out) {
    throw new InputError("Missing option --data or --out: see deno task score --help");
  }
  const out = await outputOption("out", opts.out);
  const reasons = intOption("reasons", opts.reasons, 3, { min: 0 });
  const registry = new Registry(opts["models-dir"] ?? DEFAULT_MODELS);
  const id = await modelOption(registry, opts);
  const predictor = await registry.load(id);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(opts.data);
  } catch (cause) {
    throw new InputError(`Cannot read data file ${opts.data}: ${(cause as Error).message}`, {
      cause,
    });
  }
  const started = performance.now();
  const tmp = `${out}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  const features = predictor.features.map((f) => f.name);
  let rows = 0;
  let flagged = 0;
  let failed = 0;
  let firstError = "";
  const write = async (bytes: Uint8Array) => {
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
  };
  try {
    let header: string[] | undefined;
    for await (
      const chunk of parseDatasetChunks(bytes, predictor.spec, {
        source: opts.data,
        // An absent column is a missing value in every row, as in the batch route and JSON.
        required: [],
        allowExtra: true,
        requireTarget: false,
        rowErrors: true,
        chunkRows: CHUNK_ROWS,
      })
    ) {
      const absent = features.filter((f) => !chunk.cells[f]);
      if (chunk.offset === 0 && absent.length === features.length) {
        throw new SchemaError(
          `Invalid data in ${opts.data}: the header names none of the model's inputs; missing ${
            shownNames(absent)
          }`,
          absent.map((column) => ({ row: 0, column, expected: "this column in the header" })),
        );
      }
      if (chunk.offset === 0 && absent.length > 0) {
        console.error(
          `Warning: ${opts.data} has no column ${shownNames(absent)}: imputed in every row`,
        );
      }
      for (const f of absent) chunk.cells[f] = new Array(chunk.rows).fill(null);
      const extras = Object.keys(chunk.extra);
      header ??= scoredCsvHeader(extras, reasons);
      if (chunk.offset === 0) await file.write(encoder.encode(csvLine(header)));
      const result = scoreChunk(predictor, chunk, reasons, extras);
      if (result.failed > 0 && failed === 0) firstError = result.firstError;
      failed += result.failed;
      flagged += result.flagged;
      await write(encoder.encode(result.text));
      rows += chunk.rows;
    }
    await file.sync();
    file.close();
    await Deno.rename(tmp, opts.out);
    await syncDir(
      opts.out.includes("/") ? opts.out.slice(0, opts.out.lastIndexOf("/")) || "/" : ".",
    );
  } catch (error) {
    try {
      file.close();
    } catch { /* already closed */ }
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `Scored ${rows - failed} rows with ${id} in ${seconds.toFixed(2)} s (${
      Math.round(rows / seconds)
    } rows/s); ${flagged} at risk; wrote ${opts.out}`,
  );
  if (failed > 0) {
    throw new RowsFailed(
      `${failed} of ${rows} rows could not be scored (their error column says why); the first: ${firstError}`,
    );
  }
});
