/**
 * The Hono app of the prediction server, built from injected dependencies: the
 * request frame (request ids, the drain's hold, secure headers with HSTS behind
 * TLS only, `no-store` caching, request metrics and logs: `http/headers.ts`),
 * optional CORS, then the routes, and one error handler for all of them.
 *
 * @example In a test, without a socket
 * ```ts
 * const app = createApp(deps);
 * const res = await app.request("/v1/predict", { method: "POST", body: JSON.stringify({ Age: 17 }) });
 * ```
 *
 * @module
 */
import { Hono } from "hono";
import { shownValue } from "../pipeline/mod.ts";
import { cors } from "hono/cors";
import { MicroBatcher } from "./serving/mod.ts";
import type { AppDeps, AppEnv } from "./config/mod.ts";
import { errorHandler } from "./http/mod.ts";
import { frame } from "./http/mod.ts";
import { adminRoutes } from "./routes/mod.ts";
import { benchRoutes, unframedBenchRoutes } from "./routes/mod.ts";
import { caseloadRoutes } from "./routes/mod.ts";
import { compatRoutes } from "./routes/mod.ts";
import { driftRoutes } from "./routes/mod.ts";
import { predictRoutes } from "./routes/mod.ts";
import { systemRoutes } from "./routes/mod.ts";
import { visualizeRoutes } from "./routes/mod.ts";

export type { AppDeps, AppEnv } from "./config/mod.ts";

/**
 * Builds the app.
 *
 * @param deps The registry-backed model store, spec, config, stores, metrics, clock and logger.
 * @returns The Hono app (serve it with `Deno.serve(app.fetch)`).
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const batcher = deps.batcher ??
    new MicroBatcher(deps.config.microbatch, (rows) => deps.metrics.batch(rows));

  // Before the frame, so that the frame does not run for it: the bench shows the frame's cost.
  if (deps.config.benchEcho) app.route("/", unframedBenchRoutes(deps));
  app.use(frame(deps, { behindTls: deps.config.behindTls }));
  if (deps.config.corsOrigins.length > 0) {
    app.use(cors({
      origin: deps.config.corsOrigins,
      allowHeaders: ["Authorization", "Content-Type"],
      exposeHeaders: ["X-Request-Id"],
    }));
  }

  app.route("/", predictRoutes(deps, batcher));
  app.route("/", adminRoutes(deps));
  app.route("/", driftRoutes(deps));
  app.route("/", compatRoutes(deps, batcher));
  app.route("/", visualizeRoutes(deps));
  if (deps.caseload) app.route("/", caseloadRoutes(deps, deps.caseload));
  if (deps.config.benchEcho) app.route("/", benchRoutes(deps));
  app.route("/", systemRoutes(deps));

  app.notFound((c) =>
    c.json({ error: `Not found: ${shownValue(c.req.method)} ${shownValue(c.req.path)}` }, 404)
  );
  app.onError(errorHandler(deps.logger));
  return app;
}
