/**
 * `deno task bench-scale`: the scale figure of `deno task bench` on its own, for any table:
 * `deno task train` (the model choice included when the profile has no tuned settings) and
 * `deno task score` on the table resampled to N rows, each with its peak resident memory, and
 * LightGBM's default on one thread on the same rows when the peers' venv exists. Prints the figure
 * as JSON. Timings depend on the machine's load: the figure carries the 1-minute load of each part.
 *
 * @module
 */
import {
  type Command,
  DEFAULT_SEED,
  intOption,
  parseCommand,
  resolveDataPath,
  runMain,
} from "../pipeline/mod.ts";
import { ROOT } from "./_server.ts";
import { benchScale, SCALE_ROWS } from "./pipeline.ts";

/** `deno task bench-scale`, described for the command-line kit. */
export const BENCH_SCALE = {
  task: "bench-scale",
  summary:
    "Time train (model choice included) and score on a table resampled to N rows, with peak RSS and LightGBM beside",
  options: {
    data: { value: "CSV", help: "The table to resample (default: the training data)" },
    spec: { value: "JSON", help: "Its spec (default data/specs/student_dropout.json)" },
    rows: { value: "N", help: `Rows (default ${SCALE_ROWS})` },
    seed: { value: "N", help: `Seed of the resample (default ${DEFAULT_SEED})` },
  },
} as const satisfies Command;

if (import.meta.main) {
  await runMain(async () => {
    const opts = parseCommand(BENCH_SCALE, Deno.args);
    const dir = `${ROOT}bench/results/data`;
    await Deno.mkdir(dir, { recursive: true });
    const figure = await benchScale(resolveDataPath(opts.data, ROOT), {
      rows: intOption("rows", opts.rows, SCALE_ROWS, { min: 1 }),
      seed: intOption("seed", opts.seed, DEFAULT_SEED, { min: 0 }),
      dir,
      spec: opts.spec,
      // As `deno task bench` waits before each scenario: a figure taken at a load above 1 says
      // little, and the train step itself leaves the load above 1 for the score after it.
      settleSeconds: 90,
      log: (line) => console.error(line),
    });
    console.log(JSON.stringify(figure));
  });
}
