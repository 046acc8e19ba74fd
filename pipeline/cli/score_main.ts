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
 * Exit codes: 0 every row scored; 4 the file was written but some rows could not be scored;
 * 2 bad options, an unreadable file or a header naming none of the model's inputs; 1 anything
 * else. A column of the model absent from the file is a missing value in every row (imputed and
 * listed, as a missing JSON field is), with a warning.
 *
 * @module
 */
import { csvLine, formatIssue, InputError, SchemaError, shownNames, syncDir } from "../core/mod.ts";
import { parseDatasetChunks, rowAt } from "../data/mod.ts";
import { reasonText, scoredCsvHeader } from "../explain/mod.ts";
import { imputedWarning, type Prediction, Registry } from "../registry/mod.ts";
import { modelOption } from "./_common.ts";
import { DEFAULT_MODELS, SCORE } from "./commands.ts";
import { intOption, outputOption, parseCommand, RowsFailed, runMain } from "./kit.ts";

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
      const predictions: Prediction[] = reasons > 0
        ? predictor.predict(
          Array.from({ length: chunk.rows }, (_, i) => rowAt(chunk, i)),
          {
            reasons: Array.from(
              { length: chunk.rows },
              (_, i) => chunk.rowErrors!.has(i) ? 0 : reasons,
            ),
          },
        )
        : predictor.predictDataset(chunk);
      const blank = new Array<string>(reasons > 0 ? reasons + 1 : 0).fill("");
      let text = "";
      const errors = chunk.rowErrors!;
      predictions.forEach((p, i) => {
        const ids = extras.map((e) => chunk.extra[e][i]);
        const issues = errors.get(i);
        if (issues) {
          const error = issues.map(formatIssue).join("; ");
          if (failed++ === 0) firstError = error;
          text += csvLine([chunk.offset + i + 1, ...ids, "", "", "", "", "", ...blank, error]);
          return;
        }
        if (p.at_risk) flagged++;
        text += csvLine([
          chunk.offset + i + 1,
          ...ids,
          p.probability.toFixed(6),
          p.at_risk,
          p.band,
          p.imputed.join(" "),
          imputedWarning(predictor, p.imputed) ?? "",
          ...(reasons > 0
            ? [
              p.baseline?.toFixed(6) ?? "",
              ...Array.from({ length: reasons }, (_, k) =>
                p.reasons?.[k] ? reasonText(p.reasons[k]) : ""),
            ]
            : []),
          "",
        ]);
      });
      const out = encoder.encode(text);
      let written = 0;
      while (written < out.length) written += await file.write(out.subarray(written));
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
