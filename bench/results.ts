/**
 * The benchmark's results file (`bench/results/<timestamp>.json`), the targets
 * it is read against, and the text table `deno task bench` prints.
 *
 * @module
 */
import type { CvFigure, ScoreFigure, TrainFigure } from "./pipeline.ts";

/** The machine and the conditions of the run. */
export interface Machine {
  /** Logical cores (`navigator.hardwareConcurrency`). */
  cores: number;
  /** The CPU model, where `/proc/cpuinfo` tells it. */
  cpu: string;
  /** Total memory in bytes. */
  memory_bytes: number;
  os: string;
  arch: string;
  deno: string;
  oha: string;
  /** 1, 5 and 15 minute load averages when the run started and when it ended. */
  load_start: number[];
  load_end: number[];
  started_at: string;
  /** Seconds per scenario. */
  scenario_seconds: number;
  quick: boolean;
}

/** One load scenario's figures (times in milliseconds). */
export interface ScenarioResult {
  name: string;
  description: string;
  path: string;
  connections: number;
  seconds: number;
  requests_per_sec: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  p999_ms: number;
  mean_ms: number;
  max_ms: number;
  responses: number;
  errors: number;
  status_codes: Record<string, number>;
  error_distribution: Record<string, number>;
  /** The server's highest resident memory sampled during the scenario; null where `ps` is missing. */
  server_rss_peak_bytes: number | null;
  /** requests_per_sec over the ceiling's, in the same run; null without a ceiling. */
  ratio_to_ceiling: number | null;
}

/** The pipeline's and the server process's figures. */
export interface PipelineResult {
  train?: TrainFigure;
  cv?: CvFigure;
  score?: ScoreFigure;
  /** Process start to the first successful prediction, in milliseconds, per start. */
  cold_start_ms: number[];
  /** Their median. */
  cold_start_median_ms: number;
  /** Server resident memory after warm-up, in bytes. */
  server_rss_idle_bytes?: number;
  /** Highest server resident memory sampled during predict-c256, in bytes. */
  server_rss_peak_c256_bytes?: number;
  /** `tf.memory().numTensors` (the server's `tfjs_tensors` gauge) before the scenarios. */
  tfjs_tensors_before?: number;
  /** The same after the scenarios. */
  tfjs_tensors_after?: number;
  /** The active models the server answered with. */
  models: Record<string, string>;
}

/** The whole results file. */
export interface BenchResult {
  machine: Machine;
  scenarios: ScenarioResult[];
  pipeline: PipelineResult;
}

/** One target of the issue, and where the run stands. */
export interface TargetRow {
  figure: string;
  target: string;
  value: string;
  /** undefined when the run did not measure it. */
  met?: boolean;
}

const MB = 1024 * 1024;

/**
 * Reads the run against the targets.
 *
 * @param result The run.
 * @returns One row per target.
 */
export function targets(result: BenchResult): TargetRow[] {
  const c30 = result.scenarios.find((s) => s.name === "predict-c30");
  const p = result.pipeline;
  const row = (
    figure: string,
    target: string,
    value: number | undefined | null,
    text: string,
    ok: (v: number) => boolean,
  ): TargetRow =>
    value === undefined || value === null || Number.isNaN(value)
      ? { figure, target, value: "not measured" }
      : { figure, target, value: text, met: ok(value) };
  return [
    row(
      "predict-c30 / ceiling",
      ">= 50 %",
      c30?.ratio_to_ceiling,
      pct(c30?.ratio_to_ceiling),
      (v) => v >= 0.5,
    ),
    row("predict-c30 p99", "<= 5 ms", c30?.p99_ms, `${fixed(c30?.p99_ms, 2)} ms`, (v) => v <= 5),
    row(
      "batch scoring (deno task score)",
      ">= 150,000 rows/s",
      p.score?.rows_per_sec,
      `${int(p.score?.rows_per_sec)} rows/s`,
      (v) => v >= 150_000,
    ),
    row(
      "deno task train (early-A)",
      "< 15 s",
      p.train?.wall_s,
      `${fixed(p.train?.wall_s, 1)} s`,
      (v) => v < 15,
    ),
    row(
      "20 × 10-fold CV (projected)",
      "< 10 min",
      p.cv?.projected_20_runs_s,
      `${fixed(p.cv?.projected_20_runs_s, 0)} s`,
      (v) => v < 600,
    ),
    row(
      "cold start (median)",
      "< 2 s",
      p.cold_start_median_ms,
      `${fixed(p.cold_start_median_ms, 0)} ms`,
      (v) => v < 2000,
    ),
    row(
      "server RSS (peak, predict-c256)",
      "< 250 MB",
      p.server_rss_peak_c256_bytes,
      `${fixed((p.server_rss_peak_c256_bytes ?? NaN) / MB, 0)} MB`,
      (v) => v < 250 * MB,
    ),
  ];
}

function fixed(value: number | undefined | null, digits: number): string {
  return value === undefined || value === null ? "–" : value.toFixed(digits);
}

function int(value: number | undefined | null): string {
  return value === undefined || value === null ? "–" : Math.round(value).toLocaleString("en");
}

function pct(value: number | undefined | null): string {
  return value === undefined || value === null ? "–" : `${(100 * value).toFixed(1)} %`;
}

function table(rows: string[][], right: boolean[]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r) =>
    r.map((cell, j) => (right[j] ? cell.padStart(widths[j]) : cell.padEnd(widths[j]))).join("  ")
      .trimEnd()
  ).join("\n");
}

/**
 * The text report: machine, scenarios with their ratio to the ceiling, pipeline figures and targets.
 *
 * @param result The run.
 * @returns Lines to print.
 */
export function formatTable(result: BenchResult): string {
  const m = result.machine;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
  const head = [
    `Machine: ${m.cores} cores, ${m.cpu}, ${
      (m.memory_bytes / 1024 ** 3).toFixed(1)
    } GB, ${m.os}/${m.arch}, deno ${m.deno}, oha ${m.oha}`,
    `Load average (1/5/15 min): ${load(m.load_start)} at start, ${
      load(m.load_end)
    } at end; ${m.scenario_seconds} s per scenario${m.quick ? " (--quick)" : ""}`,
    "",
  ];
  const scenarios = table([
    ["scenario", "conn", "req/s", "p50 ms", "p95 ms", "p99 ms", "p99.9 ms", "errors", "ratio"],
    ...result.scenarios.map((s) => [
      s.name,
      String(s.connections),
      int(s.requests_per_sec),
      fixed(s.p50_ms, 2),
      fixed(s.p95_ms, 2),
      fixed(s.p99_ms, 2),
      fixed(s.p999_ms, 2),
      String(s.errors),
      pct(s.ratio_to_ceiling),
    ]),
  ], [false, true, true, true, true, true, true, true, true]);
  const p = result.pipeline;
  const lines = [...head, scenarios, ""];
  if (p.train) {
    lines.push(
      `train (early-A):    ${p.train.wall_s.toFixed(1)} s wall (${
        p.train.training_s.toFixed(1)
      } s training, ${p.train.epochs} epochs)`,
    );
  }
  if (p.cv) {
    lines.push(
      `cv 1 × 10-fold:     ${p.cv.wall_s.toFixed(1)} s wall (${
        p.cv.cv_s.toFixed(1)
      } s folds); 20 runs projected ${p.cv.projected_20_runs_s.toFixed(0)} s`,
    );
  }
  if (p.score) {
    lines.push(
      `score ${int(p.score.rows)} rows: ${p.score.wall_s.toFixed(2)} s wall, ${
        int(p.score.rows_per_sec)
      } rows/s (task's own figure ${int(p.score.task_rows_per_sec)} rows/s)`,
    );
  }
  lines.push(
    `cold start:         ${p.cold_start_ms.map((x) => x.toFixed(0)).join(", ")} ms (median ${
      p.cold_start_median_ms.toFixed(0)
    } ms)`,
  );
  if (p.server_rss_peak_c256_bytes !== undefined) {
    lines.push(
      `server RSS:         ${
        fixed((p.server_rss_idle_bytes ?? NaN) / MB, 0)
      } MB after warm-up, peak ${
        fixed(p.server_rss_peak_c256_bytes / MB, 0)
      } MB during predict-c256`,
    );
  }
  if (p.tfjs_tensors_before !== undefined) {
    lines.push(
      `tfjs tensors:       ${p.tfjs_tensors_before} before, ${p.tfjs_tensors_after} after the scenarios`,
    );
  }
  lines.push(
    "",
    table([
      ["target", "goal", "this run", ""],
      ...targets(result).map((
        t,
      ) => [t.figure, t.target, t.value, t.met === undefined ? "" : t.met ? "met" : "MISSED"]),
    ], [false, false, true, false]),
  );
  return lines.join("\n");
}
