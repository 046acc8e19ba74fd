/**
 * Prometheus metrics in the text exposition format: request counts and
 * latency histograms by route, method and status, predictions by risk band,
 * micro-batch sizes, the active model of each profile, live tfjs tensors, and
 * the process's CPU time, resident memory, JS heap and event-loop lag.
 *
 * The server's own series carry the `dropout_` namespace. The CPU and memory
 * series keep the names every Prometheus client library gives them
 * (`process_cpu_seconds_total`, `process_resident_memory_bytes`), so the
 * usual dashboards and alerts find them.
 *
 * With several serving workers, each keeps its own {@linkcode Metrics}; the
 * worker that answers `/metrics` gathers every worker's
 * {@linkcode MetricsSnapshot} through the main thread and renders their sum
 * (see `server.ts`), so any scrape is one view of the whole server.
 *
 * Counting a request costs a few map lookups and additions: the label sets are
 * keys of nested maps, turned into text only when `/metrics` is rendered.
 *
 * @module
 */
import process from "node:process";
import { tensorCount } from "../../pipeline/mod.ts";

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096];

/** One histogram as plain data: per-bucket (not cumulative) counts, the last one above every bound. */
export interface HistogramData {
  /** Observations per bucket; one more entry than there are bounds (+Inf). */
  counts: number[];
  /** Sum of the observations. */
  sum: number;
}

/** One worker's figures as plain data, to be summed with the other workers'. */
export interface MetricsSnapshot {
  /** `[route, method, status, latency]` of each request series; its count is the latency's. */
  requests: [string, string, number, HistogramData][];
  /** `[profile, band, students]` of each prediction series. */
  predictions: [string, string, number][];
  /** Rows per tfjs call. */
  batches: HistogramData;
  /** Live tfjs tensors. */
  tensors: number;
  /** Used and total JS heap of the worker's isolate, in bytes. */
  heap: { used: number; total: number };
  /** The latest event-loop lag measured, in seconds. */
  lagSeconds: number;
}

class Histogram {
  readonly counts: number[];
  sum = 0;
  constructor(readonly bounds: number[]) {
    this.counts = new Array(bounds.length + 1).fill(0);
  }
  observe(value: number): void {
    this.sum += value;
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]) i++;
    this.counts[i]++;
  }
  add(data: HistogramData): void {
    this.sum += data.sum;
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += data.counts[i] ?? 0;
  }
  data(): HistogramData {
    return { counts: [...this.counts], sum: this.sum };
  }
  get count(): number {
    let n = 0;
    for (const c of this.counts) n += c;
    return n;
  }
  lines(name: string, labels: string): string[] {
    const sep = labels ? `${labels},` : "";
    const out: string[] = [];
    let cumulative = 0;
    this.bounds.forEach((b, i) => {
      cumulative += this.counts[i];
      out.push(`${name}_bucket{${sep}le="${b}"} ${cumulative}`);
    });
    out.push(`${name}_bucket{${sep}le="+Inf"} ${this.count}`);
    out.push(`${name}_sum${labels ? `{${labels}}` : ""} ${this.sum}`);
    out.push(`${name}_count${labels ? `{${labels}}` : ""} ${this.count}`);
    return out;
  }
}

/** Live tfjs tensors; 0 before the backend has started (tfjs throws then, and no model is loaded). */
function liveTensors(): number {
  try {
    return tensorCount();
  } catch {
    return 0;
  }
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) =>
      `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`
    )
    .join(",");
}

/** The methods that get their own label value; any other is counted as `other`. */
export const METHOD_LABELS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
]);

/**
 * The method as a label value: one of {@linkcode METHOD_LABELS}, else `other`, so random methods
 * cannot each open a new series (1,500 of 8,000 characters grew `/metrics` to 22 MB).
 *
 * @param method The request's method.
 * @returns The label value.
 */
export function methodLabel(method: string): string {
  return METHOD_LABELS.has(method) ? method : "other";
}

/** Gives back what a worker needs to render every worker's sum: their snapshots, its own included. */
export type PeerSnapshots = () => Promise<MetricsSnapshot[]>;

/** The server's metrics, kept in memory and rendered on `GET /metrics`. */
export class Metrics {
  /** route → method → status → latency histogram (its count is the request count). */
  readonly #requests = new Map<string, Map<string, Map<number, Histogram>>>();
  /** profile → band → students. */
  readonly #predictions = new Map<string, Map<string, { n: number }>>();
  readonly #batches = new Histogram(BATCH_BUCKETS);
  readonly #peers?: PeerSnapshots;
  #lagSeconds = 0;

  /**
   * @param options `peers`: every serving worker's snapshot, when there are several (the sum is
   *   rendered); absent, this object's own figures are.
   */
  constructor(options: { peers?: PeerSnapshots } = {}) {
    this.#peers = options.peers;
  }

  /**
   * Counts one answered request.
   *
   * @param labels The route pattern, method (bounded by {@linkcode methodLabel}) and status.
   * @param seconds How long it took.
   */
  request(labels: { route: string; method: string; status: number }, seconds: number): void {
    // Plain lookups, no closures or strings: this runs on every request.
    let byMethod = this.#requests.get(labels.route);
    if (!byMethod) this.#requests.set(labels.route, byMethod = new Map());
    const method = methodLabel(labels.method);
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, byStatus = new Map());
    let h = byStatus.get(labels.status);
    if (!h) byStatus.set(labels.status, h = new Histogram(LATENCY_BUCKETS));
    h.observe(seconds);
  }

  /**
   * Counts predictions.
   *
   * @param profile The profile that answered.
   * @param band The risk band.
   * @param n How many.
   */
  prediction(profile: string, band: string, n = 1): void {
    let byBand = this.#predictions.get(profile);
    if (!byBand) this.#predictions.set(profile, byBand = new Map());
    const series = byBand.get(band);
    if (series) series.n += n;
    else byBand.set(band, { n });
  }

  /**
   * Records the size of one tfjs call.
   *
   * @param rows Rows scored together.
   */
  batch(rows: number): void {
    this.#batches.observe(rows);
  }

  /**
   * Records one event-loop lag measurement (see {@linkcode watchEventLoop}).
   *
   * @param seconds How late a timer fired.
   */
  lag(seconds: number): void {
    this.#lagSeconds = seconds;
  }

  /**
   * This worker's figures as plain data (what it sends to the worker rendering `/metrics`).
   *
   * @returns The snapshot.
   */
  snapshot(): MetricsSnapshot {
    const requests: MetricsSnapshot["requests"] = [];
    for (const [route, byMethod] of this.#requests) {
      for (const [method, byStatus] of byMethod) {
        for (const [status, h] of byStatus) requests.push([route, method, status, h.data()]);
      }
    }
    const predictions: MetricsSnapshot["predictions"] = [];
    for (const [profile, byBand] of this.#predictions) {
      for (const [band, { n }] of byBand) predictions.push([profile, band, n]);
    }
    const memory = Deno.memoryUsage();
    return {
      requests,
      predictions,
      batches: this.#batches.data(),
      tensors: liveTensors(),
      heap: { used: memory.heapUsed, total: memory.heapTotal },
      lagSeconds: this.#lagSeconds,
    };
  }

  /**
   * Renders every metric: this object's, or with peers the sum over every worker.
   *
   * @param active The active model id of each profile.
   * @returns The Prometheus text format.
   */
  async render(active: Record<string, string>): Promise<string> {
    const snapshots = this.#peers ? await this.#peers() : [this.snapshot()];
    return renderSnapshots(snapshots, active);
  }
}

/**
 * The text exposition of the sum of several workers' snapshots.
 *
 * @param snapshots Every worker's figures.
 * @param active The active model id of each profile.
 * @returns The Prometheus text format.
 */
export function renderSnapshots(
  snapshots: MetricsSnapshot[],
  active: Record<string, string>,
): string {
  const requests = new Map<string, Histogram>();
  const predictions = new Map<string, number>();
  const batches = new Histogram(BATCH_BUCKETS);
  let tensors = 0, heapUsed = 0, heapTotal = 0, lag = 0;
  for (const s of snapshots) {
    for (const [route, method, status, data] of s.requests) {
      const key = labelText({ route, method, status: String(status) });
      let h = requests.get(key);
      if (!h) requests.set(key, h = new Histogram(LATENCY_BUCKETS));
      h.add(data);
    }
    for (const [profile, band, n] of s.predictions) {
      const key = labelText({ profile, band });
      predictions.set(key, (predictions.get(key) ?? 0) + n);
    }
    batches.add(s.batches);
    tensors += s.tensors;
    heapUsed += s.heap.used;
    heapTotal += s.heap.total;
    lag = Math.max(lag, s.lagSeconds);
  }
  const cpu = process.cpuUsage();
  const out: string[] = [
    "# HELP dropout_http_requests_total Requests answered, by route pattern, method and status.",
    "# TYPE dropout_http_requests_total counter",
  ];
  for (const [k, h] of requests) out.push(`dropout_http_requests_total{${k}} ${h.count}`);
  out.push(
    "# HELP dropout_http_request_duration_seconds Time to answer, by route pattern, method and status.",
    "# TYPE dropout_http_request_duration_seconds histogram",
  );
  for (const [k, h] of requests) out.push(...h.lines("dropout_http_request_duration_seconds", k));
  out.push(
    "# HELP dropout_predictions_total Students scored, by profile and risk band.",
    "# TYPE dropout_predictions_total counter",
  );
  for (const [k, v] of predictions) out.push(`dropout_predictions_total{${k}} ${v}`);
  out.push(
    "# HELP dropout_predict_batch_rows Rows per tfjs call (micro-batch size).",
    "# TYPE dropout_predict_batch_rows histogram",
    ...batches.lines("dropout_predict_batch_rows", ""),
    "# HELP dropout_active_model Active model of each profile (value 1).",
    "# TYPE dropout_active_model gauge",
  );
  for (const [profile, model] of Object.entries(active)) {
    out.push(`dropout_active_model{${labelText({ profile, model })}} 1`);
  }
  out.push(
    "# HELP dropout_tfjs_tensors Live tfjs tensors (flat while serving: predictions free what they make).",
    "# TYPE dropout_tfjs_tensors gauge",
    `dropout_tfjs_tensors ${tensors}`,
    "# HELP dropout_metrics_workers Serving workers whose figures this answer adds up.",
    "# TYPE dropout_metrics_workers gauge",
    `dropout_metrics_workers ${snapshots.length}`,
    "# HELP dropout_event_loop_lag_seconds How late a 500 ms timer last fired (the worst worker).",
    "# TYPE dropout_event_loop_lag_seconds gauge",
    `dropout_event_loop_lag_seconds ${lag}`,
    "# HELP dropout_heap_used_bytes JS heap in use, summed over the serving workers.",
    "# TYPE dropout_heap_used_bytes gauge",
    `dropout_heap_used_bytes ${heapUsed}`,
    "# HELP dropout_heap_total_bytes JS heap reserved, summed over the serving workers.",
    "# TYPE dropout_heap_total_bytes gauge",
    `dropout_heap_total_bytes ${heapTotal}`,
    "# HELP process_cpu_seconds_total User and system CPU time of the process, in seconds.",
    "# TYPE process_cpu_seconds_total counter",
    `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
    "# HELP process_resident_memory_bytes Resident set size of the process, in bytes.",
    "# TYPE process_resident_memory_bytes gauge",
    `process_resident_memory_bytes ${Deno.memoryUsage().rss}`,
  );
  return out.join("\n") + "\n";
}

/** How often {@linkcode watchEventLoop} measures. */
export const LAG_INTERVAL_MS = 500;

/**
 * Measures event-loop lag: how late a timer fires, every {@linkcode LAG_INTERVAL_MS}.
 *
 * @param metrics Where each measurement goes.
 * @returns Stops measuring.
 */
export function watchEventLoop(metrics: Metrics): () => void {
  let expected = performance.now() + LAG_INTERVAL_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    metrics.lag(Math.max(0, now - expected) / 1000);
    expected = now + LAG_INTERVAL_MS;
  }, LAG_INTERVAL_MS);
  // The measurement never keeps the process alive on its own.
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
