/**
 * The pipeline's figures for the benchmark: each task runs as a user runs it
 * (`deno task train`, `deno task cv`, `deno task score` in the project root)
 * and is timed from spawn to exit, so start-up and model loading count.
 *
 * @module
 */
import { csvLine, loadDataset, loadSpec, profileOf } from "../pipeline/mod.ts";
import { memoryStatus, ROOT } from "./_server.ts";
import { resampleCsv } from "./resample.ts";
import { quietLoad } from "./load.ts";
import { featureTable } from "./peers/features.ts";
import { PEERS_DIR } from "./peers/venv.ts";

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

/** The rows of the scale figure of `deno task bench`. */
export const SCALE_ROWS = 1_000_000;

/** One task at scale: wall time and the peak resident memory of its process. */
export interface ScaleTaskFigure {
  /** Spawn to exit, in seconds. */
  wall_s: number;
  /** The highest VmHWM of the task's processes, sampled every 250 ms, in bytes. */
  peak_rss_bytes: number;
}

/** `deno task train` and `deno task score` on one large resampled table, LightGBM beside. */
export interface ScaleFigure {
  rows: number;
  /** The resampled source. */
  source: string;
  /** The spec and profile trained. */
  spec: string;
  train: ScaleTaskFigure & {
    /** The family trained, and whether it was chosen (no tuned settings) or the spec's. */
    family: string;
    chosen: boolean;
    /** Seconds the choice took, when made. */
    choice_s?: number;
  };
  /** `deno task score` with its default reasons (3 per row). */
  score: ScaleTaskFigure;
  /** `deno task score --reasons 0`: the scores alone, to show what the reasons cost. */
  score_without_reasons: ScaleTaskFigure;
  /** LightGBM's default on one thread on the same rows, when the peers' venv exists. */
  lightgbm?: {
    version: string;
    fit_s: number;
    predict_s: number;
    peak_rss_bytes: number;
  };
  /** The 1-minute load before each part. */
  loads: { train: number; score: number; score_without_reasons: number; lightgbm?: number };
}

/**
 * Runs a deno task and samples the peak resident memory (VmHWM) of its process tree.
 *
 * @param task The task name.
 * @param args Its arguments.
 * @returns Seconds, stdout and the peak in bytes.
 * @throws Error with the task's stderr when it fails.
 */
export async function timeTaskWithPeak(
  task: string,
  args: string[],
): Promise<{ seconds: number; stdout: string; peak: number }> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", task, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let peak = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, await _treePeak(child.pid));
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const out = await child.output();
  running = false;
  await sampler;
  const seconds = (performance.now() - started) / 1000;
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-20).join("\n");
    throw new Error(`deno task ${task} failed (exit ${out.code}):\n${stderr}`);
  }
  return { seconds, stdout, peak };
}

/**
 * The highest VmHWM among a process and its descendants (0 once they are gone). Read through `ps`
 * and `cat`, as `memoryStatus` does: Deno asks for all permissions to read `/proc` itself.
 */
async function _treePeak(pid: number): Promise<number> {
  const out = await new Deno.Command("ps", {
    args: ["-eo", "pid=,ppid="],
    stdout: "piped",
    stderr: "null",
  }).output().catch(() => undefined);
  const children = new Map<number, number[]>();
  for (const line of new TextDecoder().decode(out?.stdout ?? new Uint8Array()).split("\n")) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (!Number.isFinite(child) || !Number.isFinite(parent)) continue;
    children.set(parent, [...children.get(parent) ?? [], child]);
  }
  let peak = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const p = pending.pop()!;
    peak = Math.max(peak, (await memoryStatus(p))?.peak ?? 0);
    pending.push(...children.get(p) ?? []);
  }
  return peak;
}

/**
 * Times `deno task train` (the model choice included when the profile has no tuned settings) and
 * `deno task score` on a table resampled to `rows` rows, each with its peak resident memory, and
 * LightGBM's default on one thread on the same rows when the peers' venv exists.
 *
 * @param source The CSV to resample.
 * @param options Rows, seed, the spec (default: the project's), a work folder, the peers' Python
 *   (absent: LightGBM is left out) and a logger.
 * @returns The figure.
 */
export async function benchScale(
  source: string,
  options: {
    rows?: number;
    seed: number;
    dir: string;
    spec?: string;
    python?: string;
    /** The longest wait for the 1-minute load to fall to 1.0 before each timed step (default 0). */
    settleSeconds?: number;
    log?: (line: string) => void;
  },
): Promise<ScaleFigure> {
  const log = options.log ?? (() => {});
  const rows = options.rows ?? SCALE_ROWS;
  // The peers' venv when it exists (made by `deno task peers`), never made here.
  const venv = `${PEERS_DIR}/.cache/venv/bin/python`;
  const python = options.python ??
    (await Deno.stat(venv).then(() => venv, () => undefined));
  const input = `${options.dir}/scale-${rows}-seed${options.seed}.csv`;
  const output = `${options.dir}/scale-${rows}-seed${options.seed}.scored.csv`;
  const models = await Deno.makeTempDir({ prefix: "bench-scale-" });
  const spec = options.spec ?? `${ROOT}data/specs/student_dropout.json`;
  try {
    log(`  resampling ${source} to ${rows} rows`);
    await resampleCsv(source, input, { rows, seed: options.seed });
    const settle = () => quietLoad(options.settleSeconds ?? 0, log);
    const loads = {
      train: await settle(),
      score: 0,
      score_without_reasons: 0,
    } as ScaleFigure["loads"];
    log("  deno task train");
    const train = await timeTaskWithPeak("train", [
      "--spec",
      spec,
      "--data",
      input,
      "--models-dir",
      models,
      "--json",
    ]);
    const metadata = lastJsonLine(train.stdout) as {
      hyperparameters: { family: string };
      choice?: { seconds: number };
    };
    loads.score = await settle();
    log("  deno task score");
    const scoreArgs = ["--spec", spec, "--data", input, "--out", output, "--models-dir", models];
    const score = await timeTaskWithPeak("score", scoreArgs);
    loads.score_without_reasons = await settle();
    log("  deno task score --reasons 0");
    const bare = await timeTaskWithPeak("score", [...scoreArgs, "--reasons", "0"]);
    const figure: ScaleFigure = {
      rows,
      source,
      spec,
      train: {
        wall_s: train.seconds,
        peak_rss_bytes: train.peak,
        family: metadata.hyperparameters.family,
        chosen: metadata.choice !== undefined,
        ...(metadata.choice ? { choice_s: metadata.choice.seconds } : {}),
      },
      score: { wall_s: score.seconds, peak_rss_bytes: score.peak },
      score_without_reasons: { wall_s: bare.seconds, peak_rss_bytes: bare.peak },
      loads,
    };
    if (python) {
      loads.lightgbm = await settle();
      log("  LightGBM on the same rows");
      figure.lightgbm = await _lightgbm(input, spec, python, options.seed, options.dir);
    }
    return figure;
  } finally {
    await Deno.remove(models, { recursive: true }).catch(() => {});
    await Deno.remove(output).catch(() => {});
    // The resampled table is a derived copy of the data: never left behind.
    await Deno.remove(input).catch(() => {});
  }
}

/** LightGBM's default on one thread on the profile's inputs of the table (`peers/scale.py`). */
async function _lightgbm(
  input: string,
  specPath: string,
  python: string,
  seed: number,
  dir: string,
): Promise<NonNullable<ScaleFigure["lightgbm"]>> {
  const spec = await loadSpec(specPath);
  const data = await loadDataset(input, spec, {
    required: profileOf(spec).profile.features,
  });
  const table = featureTable(data, spec, profileOf(spec).name);
  const work = await Deno.makeTempDir({ dir, prefix: "scale-lightgbm-" });
  try {
    const file = await Deno.open(`${work}/features.csv`, { write: true, create: true });
    const encoder = new TextEncoder();
    const write = async (text: string) => {
      const bytes = encoder.encode(text);
      let done = 0;
      while (done < bytes.length) done += await file.write(bytes.subarray(done));
    };
    await write(csvLine(table.names) + "\n");
    for (let start = 0; start < table.rows.length; start += 20_000) {
      await write(
        table.rows.slice(start, start + 20_000).map((r) => r.join(",")).join("\n") + "\n",
      );
    }
    file.close();
    await Deno.writeTextFile(
      `${work}/labels.json`,
      JSON.stringify({ labels: Array.from(data.labels), seed }),
    );
    const out = await new Deno.Command(python, {
      args: [`${PEERS_DIR}/scale.py`, work],
      env: { OMP_NUM_THREADS: "1" },
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error(`scale.py failed (exit ${out.code})`);
    const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
    return {
      version: r.lightgbm,
      fit_s: r.fit_s,
      predict_s: r.predict_s,
      peak_rss_bytes: r.peak_rss_bytes,
    };
  } finally {
    // The exchange files are a derived copy of the data: never left behind.
    await Deno.remove(work, { recursive: true });
  }
}
