/**
 * Running the `oha` load generator and reading its JSON report
 * (`--no-tui --output-format json`): requests per second, latency percentiles,
 * status codes and errors. Install oha with `cargo install oha --locked`.
 *
 * @example Parse a report recorded earlier
 * ```ts
 * const result = parseOha(JSON.parse(await Deno.readTextFile("bench/testdata/oha_sample.json")));
 * console.log(result.requests_per_sec, result.p99_ms);
 * ```
 *
 * @module
 */

/** One load run: where to send what, how hard and how long. */
export interface OhaRun {
  /** The full URL. */
  url: string;
  /** The request body. */
  body: string;
  /** Its content type. */
  contentType: string;
  /** Concurrent connections. */
  connections: number;
  /** How long to send requests, in seconds (unless `requests` is given). */
  seconds?: number;
  /** Send this many requests and stop, instead of sending for `seconds`. */
  requests?: number;
}

/** What the benchmark keeps of an oha report; times in milliseconds. */
export interface OhaResult {
  /**
   * Successful answers (status below 400) per second over the run. oha's own
   * `requestsPerSec` counts failed requests too (a refused connection is fast).
   */
  requests_per_sec: number;
  /** oha's `requestsPerSec`: every request, failed or not, per second. */
  oha_requests_per_sec: number;
  /** Responses received. */
  responses: number;
  /** The run's length in seconds, as oha measured it. */
  seconds: number;
  /** Share of requests that got a response (any status). */
  success_rate: number;
  /** Mean latency. */
  mean_ms: number;
  /** Median latency. */
  p50_ms: number;
  /** 95th percentile latency. */
  p95_ms: number;
  /** 99th percentile latency. */
  p99_ms: number;
  /** 99.9th percentile latency. */
  p999_ms: number;
  /** Slowest request. */
  max_ms: number;
  /** Responses by status code. */
  status_codes: Record<string, number>;
  /** Requests without a response, by oha's error message. */
  error_distribution: Record<string, number>;
  /** Requests without a response plus responses with a status of 400 or more. */
  errors: number;
}

/**
 * Reads oha's JSON report.
 *
 * @param report The parsed JSON of `oha --output-format json`.
 * @returns The figures the benchmark keeps.
 * @throws Error naming the field that is missing or not a number.
 */
export function parseOha(report: unknown): OhaResult {
  const object = (value: unknown, path: string): Record<string, unknown> => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new Error(`Cannot read the oha report: ${path} is not an object`);
    }
    return value as Record<string, unknown>;
  };
  const number = (value: unknown, path: string): number => {
    // oha writes null for a statistic of no requests (e.g. a run where none completed).
    if (value === null) return NaN;
    if (typeof value !== "number") {
      throw new Error(`Cannot read the oha report: ${path} is not a number`);
    }
    return value;
  };
  const counts = (value: unknown, path: string): Record<string, number> =>
    Object.fromEntries(
      Object.entries(object(value ?? {}, path)).map(([k, v]) => [k, number(v, `${path}.${k}`)]),
    );
  const root = object(report, "the report");
  const summary = object(root.summary, "summary");
  const percentiles = object(root.latencyPercentiles, "latencyPercentiles");
  const ms = (key: string) => 1000 * number(percentiles[key], `latencyPercentiles.${key}`);
  const status = counts(root.statusCodeDistribution, "statusCodeDistribution");
  const failed = counts(root.errorDistribution, "errorDistribution");
  const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
  const responses = sum(status);
  const bad = sum(
    Object.fromEntries(Object.entries(status).filter(([code]) => Number(code) >= 400)),
  );
  const seconds = number(summary.total, "summary.total");
  return {
    requests_per_sec: seconds > 0 ? (responses - bad) / seconds : 0,
    oha_requests_per_sec: number(summary.requestsPerSec, "summary.requestsPerSec"),
    responses,
    seconds,
    success_rate: number(summary.successRate, "summary.successRate"),
    mean_ms: 1000 * number(summary.average, "summary.average"),
    p50_ms: ms("p50"),
    p95_ms: ms("p95"),
    p99_ms: ms("p99"),
    p999_ms: ms("p99.9"),
    max_ms: 1000 * number(summary.slowest, "summary.slowest"),
    status_codes: status,
    error_distribution: failed,
    errors: sum(failed) + bad,
  };
}

/**
 * The command-line arguments of a run. Requests still running at the deadline
 * are waited for (`-w`), so none is counted as an error for being cut off.
 *
 * @param run The run.
 * @param bodyFile A file holding the body (oha reads it with `-D`).
 * @returns oha's arguments.
 * @throws Error when the run has neither `seconds` nor `requests`.
 */
export function ohaArgs(run: OhaRun, bodyFile: string): string[] {
  if (run.requests === undefined && run.seconds === undefined) {
    throw new Error("An oha run needs seconds or requests");
  }
  return [
    "--no-tui",
    "--output-format",
    "json",
    "--no-color",
    ...(run.requests !== undefined
      ? ["-n", String(run.requests)]
      : ["-z", `${run.seconds}s`, "-w"]),
    "-c",
    String(run.connections),
    "-m",
    "POST",
    "-T",
    run.contentType,
    "-D",
    bodyFile,
    run.url,
  ];
}

/**
 * Finds the oha binary: on the PATH, else in `~/.cargo/bin` (where `cargo install` puts it).
 *
 * @returns Its path and version, or undefined when it is not installed.
 */
export async function findOha(): Promise<{ path: string; version: string } | undefined> {
  const home = Deno.env.get("HOME");
  for (const path of ["oha", ...(home ? [`${home}/.cargo/bin/oha`] : [])]) {
    try {
      const out = await new Deno.Command(path, { args: ["--version"], stdout: "piped" }).output();
      if (out.success) {
        return { path, version: new TextDecoder().decode(out.stdout).trim().replace(/^oha /, "") };
      }
    } catch {
      // not there; try the next place
    }
  }
  return undefined;
}

/**
 * Runs oha and reads its report.
 *
 * @param oha The oha binary.
 * @param run What to send, how hard and how long.
 * @returns The parsed report and its raw JSON.
 * @throws Error with oha's stderr when it fails.
 */
export async function runOha(oha: string, run: OhaRun): Promise<OhaResult & { raw: unknown }> {
  const bodyFile = await Deno.makeTempFile({ prefix: "bench-body-" });
  try {
    await Deno.writeTextFile(bodyFile, run.body);
    const out = await new Deno.Command(oha, {
      args: ohaArgs(run, bodyFile),
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`oha failed (${out.code}): ${new TextDecoder().decode(out.stderr).trim()}`);
    }
    const raw = JSON.parse(new TextDecoder().decode(out.stdout));
    return { ...parseOha(raw), raw };
  } finally {
    await Deno.remove(bodyFile).catch(() => {});
  }
}
