/**
 * `deno task bench`: load-tests the server with oha against a ceiling measured
 * in the same run, times the pipeline's tasks, prints the table and writes
 * `bench/results/<timestamp>.json` and `.html`. Needs oha
 * (`cargo install oha --locked`).
 *
 * Its options are in {@linkcode BENCH} (`--help` prints them).
 *
 * @module
 */
import { type Command, DEFAULT_SEED, intOption, parseCommand, runMain } from "../pipeline/mod.ts";
import { ROOT } from "./_server.ts";
import { reportHtml } from "./report.ts";
import { formatTable } from "./results.ts";
import { runBench } from "./run.ts";

/** `deno task bench`, described for the command-line kit. */
export const BENCH = {
  task: "bench",
  summary:
    "Load-test the server with oha against a ceiling from the same run, and time the pipeline",
  options: {
    quick: { help: "5 s per scenario instead of 20" },
    scenario: {
      value: "NAME",
      multiple: true,
      help: "Only this scenario (the ceiling always runs)",
    },
    "no-pipeline": { help: "Skip the pipeline timings" },
    "no-batch": { help: "Skip scoring the large CSV on /v1/predict/batch (memory figures)" },
    "no-caseload": { help: "Skip the caseload's 50,000-student import and query on both stores" },
    "models-dir": { value: "DIR", help: "Model registry (MODELS_DIR, default models)" },
    data: { value: "CSV", help: "Training data (DROPOUT_DATA)" },
    rows: {
      value: "N",
      help: "Rows of the scoring and batch inputs (default 1000000)",
    },
    seed: { value: "N", help: "Seed of the scoring input (default 42)" },
    out: { value: "DIR", help: "Where results go (default bench/results)" },
  },
} as const satisfies Command;

if (import.meta.main) {
  await runMain(async () => {
    const flags = parseCommand(BENCH, Deno.args);
    const out = flags.out ?? `${ROOT}bench/results`;
    const scenarioOnly = (flags.scenario ?? []).length > 0;
    const result = await runBench({
      seconds: flags.quick ? 5 : 20,
      settleSeconds: flags.quick ? 20 : 90,
      scenarios: flags.scenario ?? [],
      pipeline: !flags["no-pipeline"] && !scenarioOnly,
      batchMemory: !flags["no-batch"] && !scenarioOnly,
      caseload: !flags["no-caseload"] && !scenarioOnly,
      modelsDir: flags["models-dir"] ?? Deno.env.get("MODELS_DIR") ?? "models",
      data: flags.data,
      rows: intOption("rows", flags.rows, 1_000_000, { min: 0 }),
      seed: intOption("seed", flags.seed, DEFAULT_SEED, { min: 0 }),
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
  });
}
