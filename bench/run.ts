/**
 * One benchmark run: make sure models exist, measure cold starts, start the
 * server with its production flags, warm it up, run each oha scenario
 * interleaved with its two references (the ceiling on the same server, then the
 * bare `Deno.serve`: A B C, twice in a full run), first with the server's TCP
 * front and then without it (`FRONT=off`), watch the server's memory and
 * tensors, stop it, score a large CSV on the batch route
 * in both body formats on a fresh server, then time the pipeline's tasks. The 1-minute
 * load is recorded at the start of every scenario and figure: above 1.0 the run
 * counts for no target (`results.ts`).
 *
 * @module
 */
import { loadSpec, Registry, resolveDataPath } from "../pipeline/mod.ts";
import { ensureActiveModels } from "../server/training/mod.ts";
import {
  gauge,
  memoryStatus,
  resetPeak,
  residentBytes,
  ROOT,
  type ServerProcess,
  startServer,
} from "./_server.ts";
import { type BatchMemoryFigure, measureBatchMemory } from "./batch_memory.ts";
import { findOha, type OhaRun, runOha } from "./oha.ts";
import { benchCv, benchScale, benchScore, benchTrain, SCALE_ROWS } from "./pipeline.ts";
import { benchCaseload } from "./caseload.ts";
import { quietLoad } from "./load.ts";
import { resampleCsv } from "./resample.ts";
import {
  type BenchResult,
  IDLE_SECONDS,
  type Machine,
  type PipelineResult,
  type ScenarioResult,
  type ServeMode,
} from "./results.ts";
import { type BareServer, constantBody, startBare } from "./bare_server.ts";
import {
  BARE,
  type Bodies,
  buildBodies,
  CEILING,
  CONTENT_TYPES,
  references,
  type Scenario,
  selectScenarios,
} from "./scenarios.ts";

/** A run's figures before the ratios, which need the whole group. */
type Run = Omit<ScenarioResult, "ratio_to_ceiling" | "ratio_to_bare" | "ceiling_p99_ms">;

/** The size of a scenario's answer on this server, for its references' constant. */
async function answerBytes(server: ServerProcess, scenario: Scenario, bodies: Bodies) {
  const res = await fetch(`${server.url}${scenario.path}`, {
    method: "POST",
    headers: { "content-type": CONTENT_TYPES[scenario.body] },
    body: bodies[scenario.body],
  });
  const bytes = (await res.bytes()).length;
  if (!res.ok) throw new Error(`${scenario.path} answered ${res.status}`);
  return bytes;
}

/**
 * Gives each scenario run, and each bound, its share of the mean ceiling and bare runs of its
 * group and mode; the ceiling gets its share of the bare runs, and the bare runs none.
 *
 * @param runs Every run, references included.
 * @returns The runs with their ratios.
 */
export function withRatios(runs: Run[]): ScenarioResult[] {
  const mean = (xs: number[]) => xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
  return runs.map((r) => {
    const of = (name: string) =>
      runs.filter((x) => x.group === r.group && x.mode === r.mode && x.name === name);
    const ceiling = mean(of(CEILING).map((x) => x.requests_per_sec));
    const bare = mean(of(BARE).map((x) => x.requests_per_sec));
    const route = r.name === r.group;
    return {
      ...r,
      ratio_to_ceiling: ceiling && r.name !== CEILING && r.name !== BARE
        ? r.requests_per_sec / ceiling
        : null,
      ratio_to_bare: bare && r.name !== BARE ? r.requests_per_sec / bare : null,
      ceiling_p99_ms: route ? mean(of(CEILING).map((x) => x.p99_ms)) : null,
    };
  });
}

/** Options of {@linkcode runBench}. */
export interface BenchOptions {
  /** Seconds per scenario (20; 5 with `--quick`). */
  seconds: number;
  /** Scenario names to run (with the ceiling); empty for all. */
  scenarios: string[];
  /** Time the pipeline's tasks too. */
  pipeline: boolean;
  /** Score a `rows`-row CSV on `/v1/predict/batch` as multipart and as text/csv, and read the server's memory. */
  batchMemory: boolean;
  /** Import and query a 50,000-student cohort on SQLite and PostgreSQL. */
  caseload?: boolean;
  /** The model registry the server reads (`models`). */
  modelsDir: string;
  /** The training CSV; the default place when absent. */
  data?: string;
  /** Rows of the scoring input (deno task score and the batch memory runs). */
  rows: number;
  /** Seed of the request bodies and the scoring input. */
  seed: number;
  /** Where the scoring input and output go. */
  workDir: string;
  /** Server starts measured for the cold start (the last one serves the scenarios). */
  starts: number;
  /** Progress lines. */
  log: (line: string) => void;
  /**
   * The longest wait, in seconds, for the 1-minute load to fall to 1.0 before each scenario and
   * figure (the run's own previous scenario raises it too); past it the figure is taken anyway
   * and the run counts as busy.
   */
  settleSeconds?: number;
}

const DEFAULT_PROFILES = ["early-A", "seed"];

/**
 * The median; the mean of the two middle values of an even count.
 *
 * @param values The values (not changed).
 * @returns Their median.
 */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function machine(oha: string, options: BenchOptions): Promise<Machine> {
  let cpu = "unknown CPU";
  try {
    // lscpu, as Deno reads /proc/cpuinfo only with --allow-all.
    const out = await new Deno.Command("lscpu", { stdout: "piped", stderr: "null" }).output();
    cpu = /^Model name:\s*(.+)$/m.exec(new TextDecoder().decode(out.stdout))?.[1].trim() ?? cpu;
  } catch {
    // no lscpu (not Linux)
  }
  return {
    cores: navigator.hardwareConcurrency,
    cpu,
    memory_bytes: Deno.systemMemoryInfo().total,
    os: Deno.build.os,
    arch: Deno.build.arch,
    deno: Deno.version.deno,
    oha,
    load_start: Deno.loadavg(),
    load_end: [],
    started_at: new Date().toISOString(),
    scenario_seconds: options.seconds,
    quick: options.seconds < 20,
  };
}

/**
 * Trains the models the scenarios need when the registry lacks them (as `deno task start` does).
 *
 * @param options The registry, the data and the logger.
 * @returns The active model of each profile.
 */
export async function ensureModels(
  options: Pick<BenchOptions, "modelsDir" | "data" | "log">,
): Promise<Record<string, string>> {
  const spec = await loadSpec(`${ROOT}data/specs/student_dropout.json`);
  const registry = new Registry(
    options.modelsDir.startsWith("/") ? options.modelsDir : `${ROOT}${options.modelsDir}`,
  );
  const { active } = await ensureActiveModels(registry, spec, {
    profiles: DEFAULT_PROFILES,
    data: options.data,
    log: options.log,
  });
  return Object.fromEntries(DEFAULT_PROFILES.map((p) => [p, active[p]]));
}

async function runScenario(
  oha: string,
  server: { url: string; pid: number },
  scenario: Scenario,
  bodies: Bodies,
  seconds: number,
  load: number,
  run_: { group: string; mode: ServeMode; bytes: number },
): Promise<Run> {
  const run: OhaRun = {
    url: `${server.url}${scenario.path}`,
    body: bodies[scenario.body],
    contentType: CONTENT_TYPES[scenario.body],
    connections: scenario.connections,
    seconds,
  };
  let peakRss: number | undefined;
  // VmHWM covers the moments between samples; the samples stay for systems without /proc.
  const hwm = await resetPeak(server.pid);
  let sampling = true;
  // Sampled every 200 ms from outside the server (ps), so the sampling does not load it.
  const sampler = (async () => {
    while (sampling) {
      const rss = await residentBytes(server.pid);
      if (rss !== undefined) peakRss = Math.max(peakRss ?? 0, rss);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  let r;
  try {
    r = await runOha(oha, run);
  } finally {
    sampling = false;
    await sampler;
  }
  const status = hwm ? await memoryStatus(server.pid) : undefined;
  if (status) peakRss = Math.max(peakRss ?? 0, status.peak);
  return {
    name: scenario.name,
    group: run_.group,
    mode: run_.mode,
    answer_bytes: run_.bytes,
    description: scenario.description,
    path: scenario.path,
    connections: scenario.connections,
    seconds: r.seconds,
    requests_per_sec: r.requests_per_sec,
    p50_ms: r.p50_ms,
    p95_ms: r.p95_ms,
    p99_ms: r.p99_ms,
    p999_ms: r.p999_ms,
    mean_ms: r.mean_ms,
    max_ms: r.max_ms,
    responses: r.responses,
    errors: r.errors,
    status_codes: r.status_codes,
    error_distribution: r.error_distribution,
    server_rss_peak_bytes: peakRss ?? null,
    load_1m: load,
  };
}

/**
 * How long the server idles after a large batch before its RSS is read: V8 gives the young
 * generation and pooled pages back once allocation has been low for a while (15-20 s here).
 */
const SETTLE_MS = 30_000;

async function batchMemory(
  server: ServerProcess,
  dataPath: string,
  options: BenchOptions,
): Promise<BatchMemoryFigure[]> {
  const csv = `${options.workDir}/batch-${options.rows}-seed${options.seed}.csv`;
  options.log(`Writing ${options.rows.toLocaleString("en")} resampled rows for /v1/predict/batch`);
  await resampleCsv(dataPath, csv, { rows: options.rows, seed: options.seed });
  const out: BatchMemoryFigure[] = [];
  try {
    for (const format of ["multipart", "csv"] as const) {
      options.log(
        `Scoring them on /v1/predict/batch as ${format}, then ${SETTLE_MS / 1000} s idle`,
      );
      await quietLoad(options.settleSeconds ?? 0, options.log);
      const figure = await measureBatchMemory(server, csv, {
        format,
        rows: options.rows,
        settleMs: SETTLE_MS,
      });
      const mb = (x: number) => `${(x / 1024 / 1024).toFixed(0)} MB`;
      options.log(
        `  ${figure.status}, ${figure.answered} rows in ${figure.seconds.toFixed(1)} s; RSS ${
          mb(figure.rss_idle_bytes)
        } idle, peak ${mb(figure.rss_peak_bytes)}, ${mb(figure.rss_after_bytes)} after`,
      );
      out.push(figure);
    }
  } finally {
    await Deno.remove(csv).catch(() => {});
  }
  return out;
}

/**
 * Runs the benchmark.
 *
 * @param options Durations, scenarios, paths and the logger.
 * @returns The results (not yet written).
 * @throws Error when oha is missing or the server does not start.
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const found = await findOha();
  if (!found) {
    throw new Error(
      "Cannot find oha on the PATH or in ~/.cargo/bin: install it with `cargo install oha --locked`",
    );
  }
  const scenarios = selectScenarios(options.scenarios);
  const info = await machine(found.version, options);
  const log = options.log;
  const settle = options.settleSeconds ?? 0;
  log(
    `oha ${found.version}; ${info.cores} cores; load ${
      info.load_start.map((x) => x.toFixed(2)).join(" ")
    }`,
  );

  const models = await ensureModels(options);
  const dataPath = resolveDataPath(options.data, ROOT.replace(/\/$/, ""));
  const spec = await loadSpec(`${ROOT}data/specs/student_dropout.json`);
  const bodies = buildBodies(await Deno.readTextFile(dataPath), spec, options.seed);
  const probe = { path: "/v1/predict", body: bodies.student, contentType: CONTENT_TYPES.student };

  const pipeline: PipelineResult = {
    cold_start_ms: [],
    cold_start_median_ms: NaN,
    models,
    loads: { cold_start: await quietLoad(settle, log) },
  };
  const loads = pipeline.loads!;
  let server: ServerProcess | undefined;
  for (let i = 0; i < options.starts; i++) {
    await server?.stop();
    server = await startServer({ modelsDir: options.modelsDir, probe });
    pipeline.cold_start_ms.push(server.coldStartMs);
    log(
      `Cold start ${i + 1}/${options.starts}: ${
        server.coldStartMs.toFixed(0)
      } ms to the first prediction`,
    );
  }
  pipeline.cold_start_median_ms = median(pipeline.cold_start_ms);
  const results: Run[] = [];
  let bare: BareServer | undefined;
  const warmUp = async (on: ServerProcess) => {
    const warm = Math.min(3, Math.max(1, Math.round(options.seconds / 5)));
    const seen = new Set<string>();
    for (const s of [...scenarios, { ...scenarios[0], path: "/bench/constant?bytes=663" }]) {
      const key = `${s.path} ${s.body}`;
      if (seen.has(key)) continue;
      seen.add(key);
      log(`Warming up ${s.path} (${s.body}) for ${warm} s`);
      const r = await runOha(found.path, {
        url: `${on.url}${s.path}`,
        body: bodies[s.body],
        contentType: CONTENT_TYPES[s.body],
        connections: 8,
        seconds: warm,
      });
      if (r.errors > 0) {
        throw new Error(
          `Warm-up of ${s.path} failed: ${
            JSON.stringify({ ...r.status_codes, ...r.error_distribution })
          }`,
        );
      }
    }
  };
  try {
    await warmUp(server!);
    const warmed = performance.now();
    const rss = async () =>
      await residentBytes(server!.pid) ??
        await gauge(server!.url, "process_resident_memory_bytes");
    pipeline.server_rss_warm_bytes = await rss();
    // Idle means no request for IDLE_SECONDS: what the server holds between bursts.
    loads.idle_rss = await quietLoad(settle, log);
    const wait = IDLE_SECONDS * 1000 - (performance.now() - warmed);
    if (wait > 0) {
      log(`  ${IDLE_SECONDS} s without requests before reading the idle RSS`);
      await new Promise((r) => setTimeout(r, wait));
    }
    pipeline.server_rss_idle_bytes = await rss();
    pipeline.tfjs_tensors_before = await gauge(server!.url, "dropout_tfjs_tensors");
    bare = await startBare();
    const rounds = options.seconds < 20 ? 1 : 2;
    for (const mode of ["front", "direct"] as ServeMode[]) {
      if (mode === "direct") {
        pipeline.tfjs_tensors_after = await gauge(server!.url, "dropout_tfjs_tensors");
        await server!.stop();
        log("Restarting the server without its front (FRONT=off)");
        server = await startServer({ modelsDir: options.modelsDir, probe, env: { FRONT: "off" } });
        await warmUp(server);
      }
      for (const s of scenarios) {
        const bytes = await answerBytes(server!, s, bodies);
        const [ceiling, limit, bound] = references(s, bytes);
        const sizes = [
          await answerBytes(server!, ceiling, bodies),
          constantBody(bytes).length,
          ...(bound ? [await answerBytes(server!, bound, bodies)] : []),
        ];
        if (sizes.some((n) => n !== bytes)) {
          throw new Error(`The references answer ${sizes.join(", ")} bytes, not ${bytes}`);
        }
        for (let round = 0; round < rounds; round++) {
          const runs: [Scenario, ServerProcess | BareServer][] = [
            [ceiling, server!],
            [s, server!],
            [limit, bare!],
            ...(bound ? [[bound, server!] as [Scenario, ServerProcess]] : []),
          ];
          for (const [run, target] of runs) {
            log(
              `Running ${s.name} (${mode}): ${
                run.name === s.name ? "route" : run.name
              }, ${run.connections} connections for ${options.seconds} s`,
            );
            const load = await quietLoad(settle, log);
            const result = await runScenario(
              found.path,
              target,
              run,
              bodies,
              options.seconds,
              load,
              { group: s.name, mode, bytes },
            );
            if (s.name === "predict-c256" && run === s && mode === "front") {
              pipeline.server_rss_peak_c256_bytes = Math.max(
                pipeline.server_rss_peak_c256_bytes ?? 0,
                result.server_rss_peak_bytes ?? 0,
              ) || undefined;
            }
            results.push(result);
            log(
              `  ${Math.round(result.requests_per_sec)} req/s, p99 ${
                result.p99_ms.toFixed(2)
              } ms, ${result.errors} errors`,
            );
            // Let the server's garbage collector and timers settle between runs.
            await new Promise((r) => setTimeout(r, 1000));
          }
        }
      }
    }
  } finally {
    await bare?.stop();
    const code = await server!.stop();
    if (code !== 0) log(`The server exited with ${code}:\n${server!.stderr.slice(-20).join("\n")}`);
  }
  if (options.batchMemory && options.rows > 0) {
    // A server of its own: after c256 the first one holds memory that is not the batch's.
    log("Starting a fresh server for the batch memory runs");
    const fresh = await startServer({ modelsDir: options.modelsDir, probe });
    try {
      for (let i = 0; i < 200; i++) {
        const res = await fetch(`${fresh.url}${probe.path}`, {
          method: "POST",
          headers: { "content-type": probe.contentType },
          body: probe.body,
        });
        await res.body?.cancel();
      }
      await new Promise((r) => setTimeout(r, 2000));
      pipeline.batch_memory = await batchMemory(fresh, dataPath, options);
    } finally {
      await fresh.stop();
    }
  }
  const scenarioResults = withRatios(results);

  if (options.pipeline) {
    log("Timing deno task train (early-A)");
    loads.train = await quietLoad(settle, log);
    pipeline.train = await benchTrain({ data: options.data });
    log(`  ${pipeline.train.wall_s.toFixed(1)} s`);
    log("Timing deno task cv (1 run of 10 folds)");
    loads.cv = await quietLoad(settle, log);
    pipeline.cv = await benchCv({ data: options.data });
    log(`  ${pipeline.cv.wall_s.toFixed(1)} s`);
    log(`Writing ${options.rows.toLocaleString("en")} resampled rows and timing deno task score`);
    loads.score = await quietLoad(settle, log);
    pipeline.score = await benchScore(dataPath, {
      rows: options.rows,
      seed: options.seed,
      modelsDir: options.modelsDir,
      dir: options.workDir,
    });
    log(`  ${Math.round(pipeline.score.rows_per_sec)} rows/s`);
    log(`Timing train and score at ${SCALE_ROWS} rows with peak RSS, LightGBM beside`);
    pipeline.scale = await benchScale(dataPath, {
      seed: options.seed,
      dir: options.workDir,
      settleSeconds: settle,
      log,
    });
  }
  if (options.caseload) {
    await quietLoad(settle, log);
    pipeline.caseload = await benchCaseload({
      rows: 50_000,
      seed: options.seed,
      data: options.data,
      modelsDir: options.modelsDir,
      queries: 500,
      workDir: options.workDir,
      log,
    });
  }
  info.load_end = Deno.loadavg();
  return { machine: info, scenarios: scenarioResults, pipeline };
}
