/**
 * `deno task bench-scale`: the scale figure of `deno task bench` on its own, for any table:
 * `deno task train` (the model choice included when the profile has no tuned settings) and
 * `deno task score` on the table resampled to N rows, each with its peak resident memory, and
 * LightGBM's default on one thread on the same rows when the peers' venv exists. Prints the figure
 * as JSON. Timings depend on the machine's load: the figure carries the 1-minute load of each part.
 *
 * Usage: `deno task bench-scale [--data CSV] [--spec JSON] [--rows N] [--seed S]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { DEFAULT_SEED, resolveDataPath, runMain } from "../pipeline/mod.ts";
import { ROOT } from "./_server.ts";
import { benchScale } from "./pipeline.ts";

await runMain(async () => {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      data: { type: "string" },
      spec: { type: "string" },
      rows: { type: "string", default: "1000000" },
      seed: { type: "string", default: String(DEFAULT_SEED) },
    },
  });
  const dir = `${ROOT}bench/results/data`;
  await Deno.mkdir(dir, { recursive: true });
  const figure = await benchScale(resolveDataPath(values.data, ROOT), {
    rows: Number(values.rows),
    seed: Number(values.seed),
    dir,
    spec: values.spec,
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(figure));
});
