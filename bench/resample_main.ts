/**
 * `deno task resample`: writes a table resampled to N rows with the project's seeded generator
 * (see `resample.ts`), for timing the pipeline at scale.
 *
 * @module
 */
import {
  type Command,
  DEFAULT_SEED,
  InputError,
  intOption,
  parseCommand,
  runMain,
} from "../pipeline/mod.ts";
import { resampleCsv } from "./resample.ts";

/** `deno task resample`, described for the command-line kit. */
export const RESAMPLE = {
  task: "resample",
  summary: "Resample a CSV to N rows (drawn with replacement) with the project's seeded generator",
  options: {
    data: { value: "CSV", help: "The table to draw from (required)" },
    rows: { value: "N", help: "Rows to write (required)" },
    out: { value: "CSV", help: "Where to write them (required)" },
    seed: { value: "N", help: `Seed of the draws (default ${DEFAULT_SEED})` },
  },
} as const satisfies Command;

if (import.meta.main) {
  await runMain(async () => {
    const opts = parseCommand(RESAMPLE, Deno.args);
    if (!opts.data || !opts.out || opts.rows === undefined) {
      throw new InputError("Options --data, --rows and --out are required");
    }
    const rows = intOption("rows", opts.rows, 0, { min: 1 });
    const seed = intOption("seed", opts.seed, DEFAULT_SEED, { min: 0 });
    const started = performance.now();
    const written = await resampleCsv(opts.data, opts.out, { rows, seed });
    console.log(
      `Wrote ${written.rows} rows (${(written.bytes / 1e6).toFixed(1)} MB) to ${opts.out} in ${
        ((performance.now() - started) / 1000).toFixed(1)
      } s (seed ${seed})`,
    );
  });
}
