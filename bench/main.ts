/**
 * `deno task bench`: load-tests the server with oha against a ceiling measured
 * in the same run, times the pipeline's tasks, prints the table and writes
 * `bench/results/<timestamp>.json` and `.html`. Needs oha
 * (`cargo install oha --locked`).
 *
 * Flags: `--quick` (5 s per scenario instead of 20), `--scenario NAME`
 * (repeatable; the ceiling always runs), `--no-pipeline`, `--models-dir DIR`,
 * `--data CSV`, `--rows N` (scoring input, 1,000,000), `--seed N`, `--out DIR`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ROOT } from "./_server.ts";
import { reportHtml } from "./report.ts";
import { formatTable } from "./results.ts";
import { runBench } from "./run.ts";

if (import.meta.main) {
  let flags;
  try {
    flags = parseArgs({
      args: Deno.args,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: "boolean" },
        scenario: { type: "string", multiple: true },
        "no-pipeline": { type: "boolean" },
        "models-dir": { type: "string" },
        data: { type: "string" },
        rows: { type: "string" },
        seed: { type: "string" },
        out: { type: "string" },
      },
    }).values;
  } catch (error) {
    console.error(`error: Invalid arguments: ${(error as Error).message}`);
    Deno.exit(2);
  }
  const positive = (name: string, text: string | undefined, fallback: number) => {
    const n = Number(text ?? fallback);
    if (!Number.isInteger(n) || n < 0) {
      console.error(`error: Invalid --${name}: "${text}", expected a non-negative integer`);
      Deno.exit(2);
    }
    return n;
  };
  const out = flags.out ?? `${ROOT}bench/results`;
  const scenarioOnly = (flags.scenario ?? []).length > 0;
  try {
    const result = await runBench({
      seconds: flags.quick ? 5 : 20,
      scenarios: flags.scenario ?? [],
      pipeline: !flags["no-pipeline"] && !scenarioOnly,
      modelsDir: flags["models-dir"] ?? Deno.env.get("MODELS_DIR") ?? "models",
      data: flags.data,
      rows: positive("rows", flags.rows, 1_000_000),
      seed: positive("seed", flags.seed, 42),
      workDir: `${out}/data`,
      starts: 3,
      log: (line) => console.error(line),
    });
    const stamp = result.machine.started_at.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    await Deno.mkdir(out, { recursive: true });
    await Deno.writeTextFile(`${out}/${stamp}.json`, JSON.stringify(result, null, 2) + "\n");
    await Deno.writeTextFile(`${out}/${stamp}.html`, reportHtml(result));
    console.log(formatTable(result));
    console.log(`\nWrote ${out}/${stamp}.json and ${out}/${stamp}.html`);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
