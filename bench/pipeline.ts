/**
 * The pipeline's figures for the benchmark: each task runs as a user runs it
 * (`deno task train`, `deno task cv`, `deno task score` in the project root)
 * and is timed from spawn to exit, so start-up and model loading count.
 *
 * @module
 */
import { ROOT } from "./_server.ts";
import { resampleCsv } from "./resample.ts";

/** `deno task train` for the default profile. */
export interface TrainFigure {
  /** Spawn to exit, in seconds. */
  wall_s: number;
  /** The training time the task reports (data loaded, model fitted and evaluated). */
  training_s: number;
  /** Epochs run. */
  epochs: number;
}

/** One run of 10-fold cross-validation. */
export interface CvFigure {
  folds: number;
  runs: number;
  /** Spawn to exit, in seconds. */
  wall_s: number;
  /** The time the task reports for its folds. */
  cv_s: number;
  /** 20 runs of 10-fold CV (the published protocol), projected: start-up once, folds 20 times. */
  projected_20_runs_s: number;
}

/** `deno task score` over a large resampled CSV. */
export interface ScoreFigure {
  rows: number;
  /** Size of the input CSV. */
  bytes: number;
  /** Seconds to write the input (not part of the rate). */
  generate_s: number;
  /** Spawn to exit, in seconds. */
  wall_s: number;
  /** Rows per second, spawn to exit (the headline figure). */
  rows_per_sec: number;
  /** Rows per second as the task itself reports them (reading the model and the file excluded). */
  task_rows_per_sec: number;
}

/**
 * Runs a deno task in the project root.
 *
 * @param task The task name.
 * @param args Its arguments.
 * @returns Seconds from spawn to exit, and stdout.
 * @throws Error with the task's stderr when it fails.
 */
export async function timeTask(
  task: string,
  args: string[],
): Promise<{ seconds: number; stdout: string }> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", task, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-20).join("\n");
    throw new Error(`deno task ${task} failed (exit ${out.code}):\n${stderr}`);
  }
  return { seconds, stdout };
}

function lastJsonLine(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line);
}

/**
 * Times `deno task train` of the default profile into a throw-away registry
 * (the user's active models are left alone).
 *
 * @param options `data`: the training CSV, when not the default.
 * @returns The figure.
 */
export async function benchTrain(options: { data?: string } = {}): Promise<TrainFigure> {
  const dir = await Deno.makeTempDir({ prefix: "bench-train-" });
  try {
    const { seconds, stdout } = await timeTask("train", [
      "--models-dir",
      dir,
      "--no-activate",
      "--json",
      ...(options.data ? ["--data", options.data] : []),
    ]);
    const metadata = lastJsonLine(stdout) as {
      training: { seconds: number; history: unknown[] };
    };
    return {
      wall_s: seconds,
      training_s: metadata.training.seconds,
      epochs: metadata.training.history.length,
    };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * Times one run of 10-fold cross-validation of the default profile.
 *
 * @param options `data`: the training CSV, when not the default.
 * @returns The figure, with 20 runs projected from it.
 */
export async function benchCv(options: { data?: string } = {}): Promise<CvFigure> {
  const { seconds, stdout } = await timeTask("cv", [
    "--folds",
    "10",
    "--runs",
    "1",
    "--json",
    ...(options.data ? ["--data", options.data] : []),
  ]);
  const report = lastJsonLine(stdout) as { seconds: number };
  return {
    folds: 10,
    runs: 1,
    wall_s: seconds,
    cv_s: report.seconds,
    projected_20_runs_s: seconds - report.seconds + 20 * report.seconds,
  };
}

/**
 * Writes a resampled CSV of `rows` rows and times `deno task score` over it.
 *
 * @param source The CSV to resample (the training data).
 * @param options `rows`, `seed`, the `modelsDir` to score with, and `dir` for the input and output.
 * @returns The figure.
 */
export async function benchScore(
  source: string,
  options: { rows: number; seed: number; modelsDir: string; dir: string },
): Promise<ScoreFigure> {
  const input = `${options.dir}/students-${options.rows}-seed${options.seed}.csv`;
  const output = `${options.dir}/students-${options.rows}-seed${options.seed}.scored.csv`;
  const started = performance.now();
  const { bytes } = await resampleCsv(source, input, { rows: options.rows, seed: options.seed });
  const generate = (performance.now() - started) / 1000;
  const { seconds, stdout } = await timeTask("score", [
    "--data",
    input,
    "--out",
    output,
    "--models-dir",
    options.modelsDir,
  ]);
  const reported = /\((\d+) rows\/s\)/.exec(stdout)?.[1];
  return {
    rows: options.rows,
    bytes,
    generate_s: generate,
    wall_s: seconds,
    rows_per_sec: options.rows / seconds,
    task_rows_per_sec: reported === undefined ? NaN : Number(reported),
  };
}
