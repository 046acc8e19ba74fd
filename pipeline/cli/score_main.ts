/**
 * `deno task score`: scores every row of a CSV with a saved model and writes
 * a CSV of `row`, any columns the spec does not know (such as a student id),
 * `probability`, `at_risk`, `band` and `imputed`. The output appears whole or
 * not at all (temporary file, fsync, rename).
 *
 * @module
 */
import { csvLine, InputError, syncDir } from "../core/mod.ts";
import { parseDatasetChunks } from "../data/mod.ts";
import { Registry } from "../registry/mod.ts";
import { modelOption } from "./_common.ts";
import { DEFAULT_MODELS, SCORE } from "./commands.ts";
import { outputOption, parseCommand, runMain } from "./kit.ts";

await runMain(async () => {
  const opts = parseCommand(SCORE, Deno.args);
  if (!opts.data || !opts.out) {
    throw new InputError("Missing option --data or --out: see deno task score --help");
  }
  const out = await outputOption("out", opts.out);
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
  let rows = 0;
  let flagged = 0;
  try {
    let header: string[] | undefined;
    for await (
      const chunk of parseDatasetChunks(bytes, predictor.spec, {
        source: opts.data,
        required: predictor.features.map((f) => f.name),
        allowExtra: true,
        requireTarget: false,
      })
    ) {
      const extras = Object.keys(chunk.extra);
      header ??= ["row", ...extras, "probability", "at_risk", "band", "imputed"];
      if (chunk.offset === 0) await file.write(encoder.encode(csvLine(header)));
      const predictions = predictor.predictDataset(chunk);
      let text = "";
      predictions.forEach((p, i) => {
        if (p.at_risk) flagged++;
        text += csvLine([
          chunk.offset + i + 1,
          ...extras.map((e) => chunk.extra[e][i]),
          p.probability.toFixed(6),
          p.at_risk,
          p.band,
          p.imputed.join(" "),
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
    `Scored ${rows} rows with ${id} in ${seconds.toFixed(2)} s (${
      Math.round(rows / seconds)
    } rows/s); ${flagged} at risk; wrote ${opts.out}`,
  );
});
