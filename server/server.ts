/**
 * Running the server: build the dependencies once (spec, registry, active
 * models), serve the app, watch `active.json`, and shut down gracefully on
 * SIGTERM or SIGINT (stop accepting, finish in-flight requests, exit 0 within
 * 10 s). With `workers > 1`, that many Web Workers serve the same port
 * (`reusePort`), each with its own models and metrics, and the main thread
 * supervises them and relays `/metrics`: the worker answering it asks the main
 * thread for every worker's snapshot and renders their sum.
 *
 * @module
 */
import { loadSpec, Registry } from "../pipeline/mod.ts";
import { openStore } from "./caseload/mod.ts";
import { createApp } from "./app.ts";
import type { Config } from "./config/mod.ts";
import { DatasetStore } from "./training/mod.ts";
import type { AppDeps } from "./config/mod.ts";
import { BodyCredit, Drain } from "./http/mod.ts";
import { connectionCap, readFdLimits, startGuard } from "./http/mod.ts";
import { JobRunner } from "./training/mod.ts";
import { jsonLogger, type Logger } from "./ops/mod.ts";
import { Metrics, type MetricsSnapshot, watchEventLoop } from "./ops/mod.ts";
import { ModelStore } from "./serving/mod.ts";

/** How long in-flight requests may take to finish after SIGTERM. */
export const SHUTDOWN_MS = 9_000;

/** A running server. */
export interface Running {
  /** The port it listens on. */
  port: number;
  /** Stops accepting, waits for in-flight requests (at most {@linkcode SHUTDOWN_MS}), frees models. */
  shutdown(): Promise<void>;
  /** Settles when the server has stopped. */
  finished: Promise<void>;
}

/**
 * A path from a path or a `file:` URL (the default spec is a URL beside the module).
 *
 * @param pathOrUrl A path or file URL.
 * @returns A path.
 */
export function toPath(pathOrUrl: string): string {
  return pathOrUrl.startsWith("file:")
    ? decodeURIComponent(new URL(pathOrUrl).pathname)
    : pathOrUrl;
}

/**
 * Builds the app's dependencies and loads the active models.
 *
 * @param config The configuration.
 * @param options The logger and clock.
 * @returns The dependencies.
 */
export async function buildDeps(
  config: Config,
  options: { logger?: Logger; clock?: () => number; metrics?: Metrics } = {},
): Promise<AppDeps> {
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? jsonLogger(clock, config.logLevel);
  const spec = await loadSpec(toPath(config.specPath));
  const models = new ModelStore(new Registry(config.modelsDir), { logger });
  await models.refresh();
  return {
    spec,
    config,
    models,
    datasets: new DatasetStore(config.uploadsDir, spec, clock),
    jobs: new JobRunner(models, { spec, tolerance: config.gateTolerance, clock, logger }),
    metrics: options.metrics ?? new Metrics(),
    logger,
    clock,
    caseload: await openStore({
      url: config.databaseUrl,
      file: config.caseloadDb,
      now: () => new Date(clock()),
    }),
  };
}

/**
 * Clears what a crash left in the registry, job and upload folders. While another process (a
 * replica on the same registry) runs a training job, the registry's temporary folders may be the
 * model it is saving, so they are left for a later start.
 */
async function sweepLeftovers(
  registry: Registry,
  jobs: JobRunner,
  datasets: DatasetStore,
): Promise<void> {
  const busy = await jobs.sweep();
  if (!busy) await registry.sweep();
  await datasets.sweep();
}

/**
 * Serves the app on the configured port (one thread).
 *
 * @param config The configuration.
 * @param options `sweep`: clear leftovers of a crash first (only one process may);
 *   `reusePort`: share the port with other workers; `workers`: how many share the process's
 *   open files (the connection cap is divided among them); `logger`; `metrics` (a worker's,
 *   which renders every worker's sum).
 * @returns The running server.
 */
export async function serveApp(
  config: Config,
  options: {
    sweep?: boolean;
    reusePort?: boolean;
    workers?: number;
    logger?: Logger;
    metrics?: Metrics;
  } = {},
): Promise<Running> {
  const deps = {
    ...await buildDeps(config, { logger: options.logger, metrics: options.metrics }),
    drain: new Drain(),
    credit: config.front ? new BodyCredit() : undefined,
  };
  if (options.sweep ?? true) await sweepLeftovers(deps.models.registry, deps.jobs, deps.datasets);
  const stopWatch = deps.models.watch(config.watchMs);
  const stopLag = watchEventLoop(deps.metrics);
  const app = createApp(deps);
  // With the front, the app listens on a private port and the TCP front on the public one holds
  // clients to the timeouts Deno.serve lacks and to the connection cap (server/http/guard.ts).
  // Without it (behind nginx or an ingress), the app takes the proxy's connections itself.
  const upstream = config.front
    ? { hostname: "127.0.0.1", port: 0 }
    : { hostname: config.hostname, port: config.port, reusePort: options.reusePort };
  const server = await superviseServe(upstream, app.fetch, deps.logger);
  const maxConnections = config.maxConnections ||
    connectionCap(readFdLimits()?.soft, options.workers ?? 1);
  const guard = config.front
    ? startGuard(
      { hostname: config.hostname, port: config.port, reusePort: options.reusePort },
      upstream,
      { timeouts: config.timeouts, maxConnections, credit: deps.credit },
    )
    : undefined;
  const port = guard?.addr.port ?? upstream.port;
  deps.logger.log("info", "Listening", {
    port,
    hostname: config.hostname,
    front: config.front,
    ...(guard ? { max_connections: maxConnections } : {}),
    models: deps.models.ids(),
  });
  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    stopping ??= (async () => {
      stopWatch();
      stopLag();
      guard?.stop();
      server.stop();
      const drained = await deps.drain.start(SHUTDOWN_MS);
      if (!drained) deps.logger.log("warn", "Shutdown timed out", { in_flight: deps.drain.active });
      await Promise.race([server.shutdown(), new Promise((r) => setTimeout(r, 500))]);
      await guard?.close(1000);
      await deps.jobs.close();
      deps.models.close();
      await deps.caseload?.close();
      deps.logger.log("info", "Stopped", { port });
    })();
  return { port, shutdown, finished: server.finished };
}

/** How long a server that stopped on an error waits before listening again. */
const RESTART_MS = 200;

/** A `Deno.serve` that starts again when it fails, until stopped. */
interface Supervised {
  /** Stops restarting (the current server is shut down by `shutdown`). */
  stop(): void;
  /** Shuts the current server down. */
  shutdown(): Promise<void>;
  /** Settles once stopped and shut down. */
  finished: Promise<void>;
}

/**
 * Serves `handler` at `at` and serves again when `Deno.serve` ends on an error. Deno 2.9's serve
 * ends, and the process with it, when an accept fails with "Too many open files"; behind a proxy
 * (no front) that is the only guard against it, and with the front it covers descriptors used up
 * by anything else. `at.port` is updated to the port listened on (0 picks a free one, which the
 * front reads at each connection).
 *
 * @param at Where to listen; its port is updated.
 * @param handler The app's fetch.
 * @param logger Logs each restart.
 * @returns The supervised server, once it listens.
 */
async function superviseServe(
  at: { hostname: string; port: number; reusePort?: boolean },
  handler: (request: Request) => Response | Promise<Response>,
  logger: Logger,
): Promise<Supervised> {
  let stopped = false;
  let current: Deno.HttpServer;
  const done = Promise.withResolvers<void>();
  const start = async (): Promise<void> => {
    const ready = Promise.withResolvers<number>();
    // `reusePort` is typed only under --unstable-net, which serving uses.
    const options: Deno.ServeTcpOptions & { reusePort?: boolean } = {
      hostname: at.hostname,
      port: at.port,
      reusePort: at.reusePort,
      onListen: ({ port }) => ready.resolve(port),
    };
    current = Deno.serve(options, handler);
    current.finished.then(done.resolve, async (error) => {
      if (stopped) return done.resolve();
      logger.log("error", "Server stopped on an error; listening again", {
        error: String(error),
      });
      while (!stopped) {
        await new Promise((r) => setTimeout(r, RESTART_MS));
        try {
          await start();
          return;
        } catch { /* still failing: try again */ }
      }
      done.resolve();
    });
    at.port = await ready.promise;
  };
  await start();
  return {
    stop: () => stopped = true,
    shutdown: () => current.shutdown(),
    finished: done.promise,
  };
}

/**
 * Serves until SIGTERM or SIGINT, then shuts down and resolves. With
 * `config.workers > 1` the workers serve and this thread supervises.
 *
 * @param config The configuration.
 * @param logger The logger.
 * @returns When the server has stopped.
 */
export async function serveUntilSignal(
  config: Config,
  logger: Logger = jsonLogger(Date.now, config.logLevel),
): Promise<void> {
  const stop = Promise.withResolvers<void>();
  const signals: Deno.Signal[] = ["SIGTERM", "SIGINT"];
  const onSignal = () => stop.resolve();
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  try {
    if (config.workers <= 1) {
      const running = await serveApp(config, { logger });
      await stop.promise;
      logger.log("info", "Shutting down", { port: running.port });
      await running.shutdown();
      return;
    }
    const registry = new Registry(config.modelsDir);
    const spec = await loadSpec(toPath(config.specPath));
    await sweepLeftovers(
      registry,
      new JobRunner(new ModelStore(registry), {
        spec,
        tolerance: config.gateTolerance,
        clock: Date.now,
        logger,
      }),
      new DatasetStore(config.uploadsDir, spec),
    );
    const workers = Array.from(
      { length: config.workers },
      () => new Worker(new URL("./serve_worker.ts", import.meta.url), { type: "module" }),
    );
    relayMetrics(workers);
    const started = workers.map((w) => waitFor(w, "listening"));
    for (const w of workers) w.postMessage({ type: "start", config });
    await Promise.all(started);
    logger.log("info", "Workers serving", { workers: config.workers, port: config.port });
    await stop.promise;
    logger.log("info", "Shutting down", { workers: config.workers });
    const stopped = workers.map((w) => waitFor(w, "stopped"));
    for (const w of workers) w.postMessage({ type: "shutdown" });
    await Promise.race([Promise.all(stopped), new Promise((r) => setTimeout(r, SHUTDOWN_MS))]);
    for (const w of workers) w.terminate();
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
  }
}

function waitFor(worker: Worker, type: string): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.addEventListener("message", (e) => {
      if ((e as MessageEvent).data?.type === type) resolve();
    });
    worker.addEventListener("error", (e) => reject(new Error(`Worker failed: ${e.message}`)));
  });
}

/** How long the main thread waits for the workers' snapshots before rendering the ones it has. */
const SNAPSHOT_WAIT_MS = 1000;

/**
 * Answers a worker's `metrics-collect` with every worker's snapshot: the main thread asks each
 * worker (the asking one too, whose event loop is free while it awaits) and sends back what
 * arrives within {@linkcode SNAPSHOT_WAIT_MS}.
 */
function relayMetrics(workers: Worker[]): void {
  let next = 0;
  const pending = new Map<number, { snapshots: MetricsSnapshot[]; done: () => void }>();
  for (const worker of workers) {
    worker.addEventListener("message", async (e) => {
      const data = (e as MessageEvent).data;
      if (data?.type === "metrics-snapshot") {
        const p = pending.get(data.id);
        if (!p) return;
        p.snapshots.push(data.snapshot);
        if (p.snapshots.length === workers.length) p.done();
      } else if (data?.type === "metrics-collect") {
        const id = next++;
        const { promise, resolve } = Promise.withResolvers<void>();
        const entry = { snapshots: [] as MetricsSnapshot[], done: resolve };
        pending.set(id, entry);
        for (const w of workers) w.postMessage({ type: "metrics-snapshot-request", id });
        const timer = setTimeout(resolve, SNAPSHOT_WAIT_MS);
        await promise;
        clearTimeout(timer);
        pending.delete(id);
        worker.postMessage({
          type: "metrics-collected",
          ask: data.ask,
          snapshots: entry.snapshots,
        });
      }
    });
  }
}
