/**
 * Prometheus metrics in the text exposition format: request counts and
 * latency histograms by route and status, predictions by risk band, micro-batch
 * sizes, the active model of each profile, and the process's resident memory
 * and live tfjs tensors (a soak test watches both stay flat).
 *
 * @module
 */
import { tensorCount } from "../pipeline/mod.ts";

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096];

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: number[]) {
    this.counts = new Array(buckets.length).fill(0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) this.counts[i]++;
  }
  lines(name: string, labels: string): string[] {
    const sep = labels ? `${labels},` : "";
    const out = this.buckets.map((b, i) => `${name}_bucket{${sep}le="${b}"} ${this.counts[i]}`);
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

/** The server's metrics, kept in memory and rendered on `GET /metrics`. */
export class Metrics {
  readonly #requests = new Map<string, number>();
  readonly #latency = new Map<string, Histogram>();
  readonly #predictions = new Map<string, number>();
  readonly #batches = new Histogram(BATCH_BUCKETS);

  /**
   * Counts one answered request.
   *
   * @param labels The route pattern, method (bounded by {@linkcode methodLabel}) and status.
   * @param seconds How long it took.
   */
  request(labels: { route: string; method: string; status: number }, seconds: number): void {
    const key = labelText({
      ...labels,
      method: methodLabel(labels.method),
      status: String(labels.status),
    });
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    const hkey = labelText({ route: labels.route, status: String(labels.status) });
    let h = this.#latency.get(hkey);
    if (!h) this.#latency.set(hkey, h = new Histogram(LATENCY_BUCKETS));
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
    const key = labelText({ profile, band });
    this.#predictions.set(key, (this.#predictions.get(key) ?? 0) + n);
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
   * Renders every metric.
   *
   * @param active The active model id of each profile.
   * @returns The Prometheus text format.
   */
  render(active: Record<string, string>): string {
    const out: string[] = [
      "# HELP http_requests_total Requests answered, by route pattern, method and status.",
      "# TYPE http_requests_total counter",
    ];
    for (const [k, v] of this.#requests) out.push(`http_requests_total{${k}} ${v}`);
    out.push(
      "# HELP http_request_duration_seconds Time to answer, by route pattern and status.",
      "# TYPE http_request_duration_seconds histogram",
    );
    for (const [k, h] of this.#latency) out.push(...h.lines("http_request_duration_seconds", k));
    out.push(
      "# HELP predictions_total Students scored, by profile and risk band.",
      "# TYPE predictions_total counter",
    );
    for (const [k, v] of this.#predictions) out.push(`predictions_total{${k}} ${v}`);
    out.push(
      "# HELP predict_batch_rows Rows per tfjs call (micro-batch size).",
      "# TYPE predict_batch_rows histogram",
      ...this.#batches.lines("predict_batch_rows", ""),
      "# HELP active_model Active model of each profile (value 1).",
      "# TYPE active_model gauge",
    );
    for (const [profile, model] of Object.entries(active)) {
      out.push(`active_model{${labelText({ profile, model })}} 1`);
    }
    out.push(
      "# HELP process_resident_memory_bytes Resident set size of the process, in bytes.",
      "# TYPE process_resident_memory_bytes gauge",
      `process_resident_memory_bytes ${Deno.memoryUsage().rss}`,
      "# HELP tfjs_tensors Live tfjs tensors (flat while serving: predictions free what they make).",
      "# TYPE tfjs_tensors gauge",
      `tfjs_tensors ${liveTensors()}`,
    );
    return out.join("\n") + "\n";
  }
}
