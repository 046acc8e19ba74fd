/**
 * The benchmark's results file (`bench/results/<timestamp>.json`), the targets
 * it is read against, and the text table `deno task bench` prints.
 *
 * @module
 */
import type { CaseloadFigure } from "./caseload.ts";
import type { BatchMemoryFigure } from "./batch_memory.ts";
import type { CvFigure, ScaleFigure, ScoreFigure, TrainFigure } from "./pipeline.ts";

/** Above this 1-minute load the machine is busy: the run's figures count for no target. */
export const BUSY_LOAD = 1.0;

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

/** How the server took connections: through its TCP front, or directly (`FRONT=off`). */
export type ServeMode = "front" | "direct";

/** One load run's figures (times in milliseconds): a scenario, or one of its references. */
export interface ScenarioResult {
  /** The scenario, or `ceiling` / `bare` for its reference runs. */
  name: string;
  /** The scenario the run belongs to (its own name for a scenario's run). */
  group: string;
  /** How the server took connections (the bare server has no front either way). */
  mode: ServeMode;
  /** The size of the answer, in bytes (the references answer a constant of the scenario's). */
  answer_bytes: number;
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
  /**
   * requests_per_sec over the mean of the group's ceiling runs in the same mode (interleaved with
   * it); null for the reference runs.
   */
  ratio_to_ceiling: number | null;
  /** requests_per_sec over the mean of the group's bare runs in the same mode; null for references. */
  ratio_to_bare: number | null;
  /** The mean p99 of the group's ceiling runs in the same mode; null for references. */
  ceiling_p99_ms: number | null;
  /** The 1-minute load average when the scenario started. */
  load_1m: number;
}

/** The pipeline's and the server's figures that have a load of their own, by name. */
export type LoadedFigure = "cold_start" | "idle_rss" | "train" | "cv" | "score";

/** How long the server has had no request when its idle memory is read, in seconds. */
export const IDLE_SECONDS = 30;

/** The pipeline's and the server process's figures. */
export interface PipelineResult {
  train?: TrainFigure;
  cv?: CvFigure;
  score?: ScoreFigure;
  /** Train and score on a table resampled to a million rows, peak RSS, LightGBM beside. */
  scale?: ScaleFigure;
  /** Process start to the first successful prediction, in milliseconds, per start. */
  cold_start_ms: number[];
  /** Their median. */
  cold_start_median_ms: number;
  /** Server resident memory as the warm-up ends, in bytes. */
  server_rss_warm_bytes?: number;
  /** Server resident memory after warm-up and {@linkcode IDLE_SECONDS} without requests, in bytes. */
  server_rss_idle_bytes?: number;
  /** Highest server resident memory sampled during predict-c256, in bytes. */
  server_rss_peak_c256_bytes?: number;
  /** `tf.memory().numTensors` (the server's `tfjs_tensors` gauge) before the scenarios. */
  tfjs_tensors_before?: number;
  /** The same after the scenarios. */
  tfjs_tensors_after?: number;
  /** The active models the server answered with. */
  models: Record<string, string>;
  /** Large CSVs scored on `/v1/predict/batch`, one per body format, with the server's memory. */
  batch_memory?: BatchMemoryFigure[];
  /** The caseload's import and query at 50,000 students, one per store. */
  caseload?: CaseloadFigure[];
  /** The 1-minute load average when each of the other figures was taken. */
  loads?: Partial<Record<LoadedFigure, number>>;
}

/** The whole results file. */
export interface BenchResult {
  machine: Machine;
  scenarios: ScenarioResult[];
  pipeline: PipelineResult;
}

/** Where a run stands against one target. */
export type Verdict = "met" | "not met" | "not counted (busy)" | "not measured";

/** One target of the issues, and where the run stands. */
export interface TargetRow {
  figure: string;
  target: string;
  value: string;
  /** Whether the figure is within the goal; undefined when the run did not measure it. */
  met?: boolean;
  /** The 1-minute load when the figure was taken (the highest, when it comes from several). */
  load?: number;
  /** met / not met, or not counted when the run was busy. */
  verdict: Verdict;
}

const MB = 1024 * 1024;

/**
 * Every 1-minute load the run recorded: at its start and at each scenario and figure.
 *
 * @param result The run.
 * @returns The loads.
 */
export function recordedLoads(result: BenchResult): number[] {
  const p = result.pipeline;
  return [
    result.machine.load_start[0],
    ...result.scenarios.map((s) => s.load_1m),
    ...Object.values(p.loads ?? {}),
    ...(p.batch_memory ?? []).map((b) => b.load_1m),
  ].filter((x): x is number => typeof x === "number" && Number.isFinite(x));
}

/**
 * Whether the machine was busy: a 1-minute load above {@linkcode BUSY_LOAD} at the
 * start of the run or of any scenario or figure. A busy run meets no target.
 *
 * @param result The run.
 * @returns True when busy.
 */
export function machineBusy(result: BenchResult): boolean {
  return recordedLoads(result).some((load) => load > BUSY_LOAD);
}

/**
 * Reads the run against the targets: issue #14's serving targets first, then the pipeline's.
 * When the machine was busy, no target counts as met.
 *
 * @param result The run.
 * @returns One row per target.
 */
export function targets(result: BenchResult): TargetRow[] {
  const busy = machineBusy(result);
  // A scenario's runs in one mode, averaged (two rounds in a full run).
  const scenario = (name: string, mode: ServeMode) => {
    const runs = result.scenarios.filter((s) => s.name === name && s.mode === mode);
    if (runs.length === 0) return undefined;
    const mean = (f: (s: ScenarioResult) => number | null) => {
      const xs = runs.map(f).filter((x): x is number => x !== null);
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
    };
    return {
      ratio_to_ceiling: mean((s) => s.ratio_to_ceiling),
      ratio_to_bare: mean((s) => s.ratio_to_bare),
      p99_ms: mean((s) => s.p99_ms),
      ceiling_p99_ms: mean((s) => s.ceiling_p99_ms),
      load_1m: Math.max(...runs.map((s) => s.load_1m)),
    };
  };
  const c30 = scenario("predict-c30", "front");
  const c30direct = scenario("predict-c30", "direct");
  const c256 = scenario("predict-c256", "front");
  const batch100 = scenario("predict-batch100", "front");
  const batch100direct = scenario("predict-batch100", "direct");
  const p = result.pipeline;
  const loads = p.loads ?? {};
  const row = (
    figure: string,
    target: string,
    value: number | undefined | null,
    text: string,
    ok: (v: number) => boolean,
    load: number | undefined,
  ): TargetRow => {
    if (value === undefined || value === null || Number.isNaN(value)) {
      return { figure, target, value: "not measured", load, verdict: "not measured" };
    }
    const met = ok(value);
    return {
      figure,
      target,
      value: text,
      met,
      load,
      verdict: busy ? "not counted (busy)" : met ? "met" : "not met",
    };
  };
  const highest = (...xs: (number | undefined)[]) => {
    const known = xs.filter((x): x is number => x !== undefined);
    return known.length > 0 ? Math.max(...known) : undefined;
  };
  const tensors = p.tfjs_tensors_before === undefined || p.tfjs_tensors_after === undefined
    ? undefined
    : p.tfjs_tensors_after - p.tfjs_tensors_before;
  const p99Ratio = (x: typeof c30) =>
    x?.p99_ms != null && x.ceiling_p99_ms ? x.p99_ms / x.ceiling_p99_ms : undefined;
  const rows: TargetRow[] = [
    ...([["front", c30], ["direct", c30direct]] as const).map(([mode, x]) =>
      row(
        `predict-c30 / ceiling (${mode})`,
        ">= 70 %",
        x?.ratio_to_ceiling,
        pct(x?.ratio_to_ceiling),
        (v) => v >= 0.7,
        x?.load_1m,
      )
    ),
    row(
      "predict-c30 / bare Deno.serve (direct)",
      ">= 50 %",
      c30direct?.ratio_to_bare,
      pct(c30direct?.ratio_to_bare),
      (v) => v >= 0.5,
      c30direct?.load_1m,
    ),
    ...([["front", c30], ["direct", c30direct]] as const).map(([mode, x]) =>
      row(
        `predict-c30 p99 / ceiling p99 (${mode})`,
        "<= 2",
        p99Ratio(x),
        `${fixed(x?.p99_ms, 2)} / ${fixed(x?.ceiling_p99_ms, 2)} ms`,
        (v) => v <= 2,
        x?.load_1m,
      )
    ),
    ...([["front", batch100], ["direct", batch100direct]] as const).map(([mode, x]) =>
      row(
        `predict-batch100 / ceiling (${mode})`,
        ">= 50 %",
        x?.ratio_to_ceiling,
        pct(x?.ratio_to_ceiling),
        (v) => v >= 0.5,
        x?.load_1m,
      )
    ),
    row(
      "server RSS (peak, predict-c256)",
      "<= 200 MB",
      p.server_rss_peak_c256_bytes,
      mb(p.server_rss_peak_c256_bytes),
      (v) => v <= 200 * MB,
      c256?.load_1m,
    ),
    row(
      `server RSS (idle ${IDLE_SECONDS} s, after warm-up)`,
      "<= 150 MB",
      p.server_rss_idle_bytes,
      mb(p.server_rss_idle_bytes),
      (v) => v <= 150 * MB,
      loads.idle_rss,
    ),
    row(
      "tfjs tensors, after - before",
      "= 0",
      tensors,
      tensors === undefined ? "–" : `${p.tfjs_tensors_before} → ${p.tfjs_tensors_after}`,
      (v) => v === 0,
      highest(loads.idle_rss, ...result.scenarios.map((s) => s.load_1m)),
    ),
  ];
  for (const format of ["multipart", "csv"] as const) {
    const b = p.batch_memory?.find((x) => x.format === format);
    const label = `${b ? int(b.rows) : "1,000,000"} rows as ${
      format === "csv" ? "text/csv" : "multipart"
    }`;
    const whole = b !== undefined && b.status === 200 && b.answered === b.rows && b.errors === 0;
    rows.push(
      row(
        `batch ${label}: peak RSS`,
        "< 250 MB, every row answered",
        b?.rss_peak_bytes,
        `${mb(b?.rss_peak_bytes)}${
          b && !whole ? ` (${b.status}, ${int(b.answered)} answered)` : ""
        }`,
        (v) => v < 250 * MB && whole,
        b?.load_1m,
      ),
      row(
        `batch ${label}: RSS after / idle`,
        "<= 120 %",
        b ? b.rss_after_bytes / b.rss_idle_bytes : undefined,
        b
          ? `${mb(b.rss_after_bytes)} / ${mb(b.rss_idle_bytes)} (${
            pct(b.rss_after_bytes / b.rss_idle_bytes)
          })`
          : "–",
        (v) => v <= 1.2,
        b?.load_1m,
      ),
    );
  }
  rows.push(
    row(
      "batch scoring (deno task score)",
      ">= 150,000 rows/s",
      p.score?.rows_per_sec,
      `${int(p.score?.rows_per_sec)} rows/s`,
      (v) => v >= 150_000,
      loads.score,
    ),
    row(
      "deno task train (early-A)",
      "< 15 s",
      p.train?.wall_s,
      `${fixed(p.train?.wall_s, 1)} s`,
      (v) => v < 15,
      loads.train,
    ),
    row(
      "20 × 10-fold CV (projected)",
      "< 10 min",
      p.cv?.projected_20_runs_s,
      `${fixed(p.cv?.projected_20_runs_s, 0)} s`,
      (v) => v < 600,
      loads.cv,
    ),
    // Only when the run measured them: a run with --no-caseload has no such goal to miss.
    ...(p.caseload ?? []).flatMap((c) => [
      row(
        `caseload import + score, ${int(c.students)} students (${c.store})`,
        "< 30 s",
        c.import_s,
        `${fixed(c.import_s, 1)} s`,
        (v) => v < 30,
        c.load_1m,
      ),
      row(
        `caseload query p99 at ${int(c.students)} students (${c.store})`,
        "< 50 ms",
        c.p99_ms,
        `${fixed(c.p99_ms, 1)} ms`,
        (v) => v < 50,
        c.load_1m,
      ),
    ]),
    row(
      "cold start (median)",
      "< 2 s",
      p.cold_start_median_ms,
      `${fixed(p.cold_start_median_ms, 0)} ms`,
      (v) => v < 2000,
      loads.cold_start,
    ),
  );
  return rows;
}

function mb(bytes: number | undefined | null): string {
  return bytes === undefined || bytes === null || Number.isNaN(bytes)
    ? "–"
    : `${(bytes / MB).toFixed(0)} MB`;
}

/**
 * A load figure as the tables print it.
 *
 * @param load The 1-minute load, or undefined.
 * @returns Two decimals, or "–".
 */
export function loadText(load: number | undefined | null): string {
  return load === undefined || load === null ? "–" : load.toFixed(2);
}

function fixed(value: number | undefined | null, digits: number): string {
  return value === undefined || value === null ? "–" : value.toFixed(digits);
}

function int(value: number | undefined | null): string {
  return value === undefined || value === null ? "–" : Math.round(value).toLocaleString("en");
}

/**
 * A share as a percentage with one decimal, or a dash when unknown.
 *
 * @param value The share (1 is 100 %).
 * @returns The text.
 */
export function pct(value: number | undefined | null): string {
  return value === undefined || value === null ? "–" : `${(100 * value).toFixed(1)} %`;
}

function table(rows: string[][], right: boolean[]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r) =>
    r.map((cell, j) => (right[j] ? cell.padStart(widths[j]) : cell.padEnd(widths[j]))).join("  ")
      .trimEnd()
  ).join("\n");
}

/** One bound of a ratio target: what a reference run reaches, in each mode. */
export interface BoundRow {
  figure: string;
  /** The mean ratio of the runs, by mode; undefined where the run did not measure it. */
  front?: number;
  direct?: number;
  /** The highest 1-minute load of those runs. */
  load?: number;
}

/**
 * What bounds the two ratio targets that are hardest to meet, from the reference runs of the same
 * run: the ceiling's share of the bare `Deno.serve` (predict-c30 answers no faster than a constant
 * behind the same frame), the unframed constant's share of it (what the frame costs), and the
 * round-trip ceiling's share of the ceiling (predict-batch100 must at least parse its 100 students
 * and serialise an answer of about their size).
 *
 * @param result The run.
 * @returns One row per bound.
 */
export function bounds(result: BenchResult): BoundRow[] {
  const of = (group: string, name: string, ratio: "ratio_to_ceiling" | "ratio_to_bare") => {
    const row: Omit<BoundRow, "figure"> = {};
    const loads: number[] = [];
    for (const mode of ["front", "direct"] as const) {
      const runs = result.scenarios.filter((s) =>
        s.group === group && s.name === name && s.mode === mode && s[ratio] !== null
      );
      if (runs.length === 0) continue;
      row[mode] = runs.reduce((a, s) => a + s[ratio]!, 0) / runs.length;
      loads.push(...runs.map((s) => s.load_1m));
    }
    return { ...row, load: loads.length > 0 ? Math.max(...loads) : undefined };
  };
  return [
    {
      figure: "predict-c30: ceiling / bare Deno.serve (a constant behind the frame)",
      ...of("predict-c30", "ceiling", "ratio_to_bare"),
    },
    {
      figure: "predict-c30: unframed / bare Deno.serve (the same without the frame)",
      ...of("predict-c30", "unframed", "ratio_to_bare"),
    },
    {
      figure:
        "predict-batch100: roundtrip / ceiling (the ceiling parsing and re-serialising its body)",
      ...of("predict-batch100", "roundtrip", "ratio_to_ceiling"),
    },
  ].filter((b) => b.front !== undefined || b.direct !== undefined);
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
  const busy = machineBusy(result);
  const head = [
    `Machine: ${m.cores} cores, ${m.cpu}, ${
      (m.memory_bytes / 1024 ** 3).toFixed(1)
    } GB, ${m.os}/${m.arch}, deno ${m.deno}, oha ${m.oha}`,
    `Load average (1/5/15 min): ${load(m.load_start)} at start, ${
      load(m.load_end)
    } at end; ${m.scenario_seconds} s per scenario${m.quick ? " (--quick)" : ""}`,
    ...(busy
      ? [
        `MACHINE BUSY: a 1-minute load above ${BUSY_LOAD.toFixed(1)} (highest ${
          Math.max(...recordedLoads(result)).toFixed(2)
        }); no target counts as met`,
      ]
      : []),
    "",
  ];
  const scenarios = table([
    [
      "mode",
      "group",
      "run",
      "conn",
      "bytes",
      "req/s",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "p99.9 ms",
      "errors",
      "of ceiling",
      "of bare",
      "load",
    ],
    ...result.scenarios.map((s) => [
      s.name === "bare" ? "none" : s.mode,
      s.group,
      s.name === s.group ? "route" : s.name,
      String(s.connections),
      String(s.answer_bytes),
      int(s.requests_per_sec),
      fixed(s.p50_ms, 2),
      fixed(s.p95_ms, 2),
      fixed(s.p99_ms, 2),
      fixed(s.p999_ms, 2),
      String(s.errors),
      pct(s.ratio_to_ceiling),
      pct(s.ratio_to_bare),
      loadText(s.load_1m),
    ]),
  ], [false, false, false, true, true, true, true, true, true, true, true, true, true, true]);
  const p = result.pipeline;
  const loads = p.loads ?? {};
  const at = (value: number | undefined) => ` (load ${loadText(value)})`;
  const lines = [...head, scenarios, ""];
  if (p.train) {
    lines.push(
      `train (early-A):    ${p.train.wall_s.toFixed(1)} s wall (${
        p.train.training_s.toFixed(1)
      } s training, ${p.train.epochs} epochs)${at(loads.train)}`,
    );
  }
  if (p.cv) {
    lines.push(
      `cv 1 × 10-fold:     ${p.cv.wall_s.toFixed(1)} s wall (${
        p.cv.cv_s.toFixed(1)
      } s folds); 20 runs projected ${p.cv.projected_20_runs_s.toFixed(0)} s${at(loads.cv)}`,
    );
  }
  if (p.score) {
    lines.push(
      `score ${int(p.score.rows)} rows: ${p.score.wall_s.toFixed(2)} s wall, ${
        int(p.score.rows_per_sec)
      } rows/s (task's own figure ${int(p.score.task_rows_per_sec)} rows/s)${at(loads.score)}`,
    );
  }
  if (p.scale) {
    const c = p.scale;
    lines.push(
      `train ${int(c.rows)} rows: ${c.train.wall_s.toFixed(1)} s wall (${c.train.family}${
        c.train.chosen ? ", chosen" : ""
      }), peak RSS ${mb(c.train.peak_rss_bytes)}${at(c.loads.train)}`,
      `score ${int(c.rows)} rows, 3 reasons each: ${c.score.wall_s.toFixed(1)} s wall, peak RSS ${
        mb(c.score.peak_rss_bytes)
      }${at(c.loads.score)}`,
    );
    if (c.score_without_reasons) {
      lines.push(
        `score ${int(c.rows)} rows, no reasons: ${
          c.score_without_reasons.wall_s.toFixed(1)
        } s wall, peak RSS ${mb(c.score_without_reasons.peak_rss_bytes)}${
          at(c.loads.score_without_reasons)
        }`,
      );
    }
  }
  lines.push(
    `cold start:         ${p.cold_start_ms.map((x) => x.toFixed(0)).join(", ")} ms (median ${
      p.cold_start_median_ms.toFixed(0)
    } ms)${at(loads.cold_start)}`,
  );
  if (p.server_rss_idle_bytes !== undefined || p.server_rss_peak_c256_bytes !== undefined) {
    const c256 = result.scenarios.find((s) => s.name === "predict-c256");
    lines.push(
      `server RSS:         ${
        p.server_rss_warm_bytes === undefined
          ? ""
          : `${mb(p.server_rss_warm_bytes)} as warm-up ends, `
      }${mb(p.server_rss_idle_bytes)} after ${IDLE_SECONDS} s idle${at(loads.idle_rss)}, peak ${
        mb(p.server_rss_peak_c256_bytes)
      } during predict-c256${at(c256?.load_1m)}`,
    );
  }
  if (p.tfjs_tensors_before !== undefined) {
    lines.push(
      `tfjs tensors:       ${p.tfjs_tensors_before} before, ${p.tfjs_tensors_after} after the scenarios`,
    );
  }
  for (const b of p.batch_memory ?? []) {
    lines.push(
      `batch ${int(b.rows)} rows (${b.format === "csv" ? "text/csv" : "multipart"}): ${b.status}, ${
        int(b.answered)
      } answered, ${b.errors} errors, ${b.seconds.toFixed(1)} s (${
        int(b.rows_per_sec)
      } rows/s); RSS ${mb(b.rss_idle_bytes)} idle, peak ${mb(b.rss_peak_bytes)}, ${
        mb(b.rss_after_bytes)
      } ${(b.settle_ms / 1000).toFixed(0)} s after${at(b.load_1m)}`,
    );
  }
  const bound = bounds(result);
  if (bound.length > 0) {
    lines.push(
      "",
      table([
        ["what bounds the ratios", "front", "direct", "load"],
        ...bound.map((b) => [b.figure, pct(b.front), pct(b.direct), loadText(b.load)]),
      ], [false, true, true, true]),
    );
  }
  lines.push(
    "",
    table([
      ["target", "goal", "this run", "load", ""],
      ...targets(result).map((t) => [t.figure, t.target, t.value, loadText(t.load), t.verdict]),
    ], [false, false, true, true, false]),
  );
  return lines.join("\n");
}
