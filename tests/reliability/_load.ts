/**
 * Load from the test process itself, with Deno's fetch: N connections (one
 * HTTP client each, so each is its own keep-alive socket), each sending its
 * requests one after another to 127.0.0.1 until told to stop, until its time
 * is up or until the request budget is spent. Every answer is counted: a
 * non-2xx status or a network error is a failure, and the model id of each
 * prediction is kept in order, per connection.
 *
 * @module
 */

/** One request to send. */
export interface Shot {
  /** Path and query, e.g. `/v1/predict?reasons=0`. */
  path: string;
  /** Method, headers and body. */
  init: RequestInit;
}

/** Options of {@linkcode startLoad}. */
export interface LoadOptions {
  /** The server's base URL (127.0.0.1 only). */
  url: string;
  /** Concurrent connections. */
  connections: number;
  /** The k-th request of connection c. */
  next: (c: number, k: number) => Shot;
  /** The longest the load may run, in milliseconds (a failing test cannot hang). */
  maxMs: number;
  /** The most requests in all. */
  maxRequests: number;
}

/** What one connection saw. */
export interface ConnectionStats {
  /** 2xx answers. */
  ok: number;
  /** Other answers and network errors. */
  failed: number;
  /** The first few failures, as `status body` or the error message. */
  errors: string[];
  /** The model ids answered, with repeats collapsed (`[a, b]` means a, then only b). */
  models: string[];
  /** Answers carrying each model id. */
  modelCounts: Map<string, number>;
  /** Request latencies in milliseconds. */
  latencies: number[];
}

/** A running load. */
export interface Load {
  /** Each connection's figures so far. */
  stats: ConnectionStats[];
  /** Stops every connection after its request in flight and closes the clients. */
  stop(): Promise<ConnectionStats[]>;
}

/**
 * The model id in a prediction answer (`model`, or the first of `predictions`).
 *
 * @param body The answer's JSON.
 * @returns The id, or undefined.
 */
function modelOf(body: unknown): string | undefined {
  const b = body as { model?: unknown; predictions?: { model?: unknown }[] };
  const id = b?.model ?? b?.predictions?.[0]?.model;
  return typeof id === "string" ? id : undefined;
}

/**
 * Starts the load.
 *
 * @param options The target, concurrency, requests and bounds.
 * @returns The running load.
 */
export function startLoad(options: LoadOptions): Load {
  let stopped = false;
  let sent = 0;
  const deadline = performance.now() + options.maxMs;
  const stats: ConnectionStats[] = [];
  const loops: Promise<void>[] = [];
  for (let c = 0; c < options.connections; c++) {
    const s: ConnectionStats = {
      ok: 0,
      failed: 0,
      errors: [],
      models: [],
      modelCounts: new Map(),
      latencies: [],
    };
    stats.push(s);
    loops.push((async () => {
      const client = Deno.createHttpClient({ poolMaxIdlePerHost: 1 });
      try {
        for (let k = 0; !stopped && performance.now() < deadline; k++) {
          if (sent++ >= options.maxRequests) break;
          const shot = options.next(c, k);
          const t0 = performance.now();
          try {
            const res = await fetch(`${options.url}${shot.path}`, { ...shot.init, client });
            const text = await res.text();
            s.latencies.push(performance.now() - t0);
            if (res.status < 200 || res.status > 299) {
              s.failed++;
              if (s.errors.length < 5) s.errors.push(`${res.status} ${text.slice(0, 300)}`);
              continue;
            }
            s.ok++;
            if ((res.headers.get("content-type") ?? "").includes("application/json")) {
              const id = modelOf(JSON.parse(text));
              if (id) {
                if (s.models.at(-1) !== id) s.models.push(id);
                s.modelCounts.set(id, (s.modelCounts.get(id) ?? 0) + 1);
              }
            }
          } catch (error) {
            s.failed++;
            if (s.errors.length < 5) s.errors.push(String(error));
          }
        }
      } finally {
        client.close();
      }
    })());
  }
  return {
    stats,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return stats;
    },
  };
}

/**
 * Sums the connections' figures.
 *
 * @param stats Per-connection figures.
 * @returns Totals and latency percentiles in milliseconds.
 */
export function summarize(stats: ConnectionStats[]): {
  requests: number;
  ok: number;
  failed: number;
  p50: number;
  p99: number;
  max: number;
  errors: string[];
} {
  const latencies = stats.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const ok = stats.reduce((a, s) => a + s.ok, 0);
  const failed = stats.reduce((a, s) => a + s.failed, 0);
  return {
    requests: ok + failed,
    ok,
    failed,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.at(-1) ?? NaN,
    errors: stats.flatMap((s) => s.errors).slice(0, 10),
  };
}
