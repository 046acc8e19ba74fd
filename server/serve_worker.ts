/**
 * One serving worker of `--workers N`: serves the app on the shared port
 * (`reusePort`) with its own loaded models, which it keeps in step with
 * `active.json`; answers the main thread's requests for its metrics snapshot,
 * and renders `/metrics` as the sum of every worker's; stops gracefully when
 * the main thread says so.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { Config } from "./config/mod.ts";
import { Metrics, type MetricsSnapshot } from "./ops/mod.ts";
import { type Running, serveApp } from "./server.ts";

let running: Running | undefined;
let asks = 0;
const asked = new Map<number, (snapshots: MetricsSnapshot[]) => void>();

const metrics = new Metrics({
  peers: () =>
    new Promise((resolve) => {
      const ask = asks++;
      asked.set(ask, resolve);
      self.postMessage({ type: "metrics-collect", ask });
    }),
});

self.onmessage = async (
  event: MessageEvent<
    { type: string; config?: Config; id?: number; ask?: number; snapshots?: MetricsSnapshot[] }
  >,
) => {
  const data = event.data;
  if (data.type === "start") {
    running = await serveApp(data.config!, { sweep: false, reusePort: true, metrics });
    self.postMessage({ type: "listening", port: running.port });
  } else if (data.type === "metrics-snapshot-request") {
    self.postMessage({ type: "metrics-snapshot", id: data.id, snapshot: metrics.snapshot() });
  } else if (data.type === "metrics-collected") {
    asked.get(data.ask!)?.(data.snapshots!);
    asked.delete(data.ask!);
  } else if (data.type === "shutdown") {
    await running?.shutdown();
    self.postMessage({ type: "stopped" });
  }
};
