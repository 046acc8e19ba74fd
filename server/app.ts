/**
 * The Hono app of the prediction server, built from injected dependencies:
 * request ids, structured request logs and metrics, `no-store` caching, secure
 * headers (HSTS behind TLS only), optional CORS, then the routes, and one error
 * handler for all of them.
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
import { routePath } from "hono/route";
import { secureHeaders } from "hono/secure-headers";
import { MicroBatcher } from "./serving/mod.ts";
import type { AppDeps, AppEnv } from "./config/mod.ts";
import { errorHandler } from "./http/mod.ts";
import { noStore, requestIds } from "./http/mod.ts";
import { methodLabel } from "./ops/mod.ts";
import { adminRoutes } from "./routes/mod.ts";
import { benchRoutes } from "./routes/mod.ts";
import { caseloadRoutes } from "./routes/mod.ts";
import { compatRoutes } from "./routes/mod.ts";
import { driftRoutes } from "./routes/mod.ts";
import { predictRoutes } from "./routes/mod.ts";
import { systemRoutes } from "./routes/mod.ts";
import { visualizeRoutes } from "./routes/mod.ts";

export type { AppDeps, AppEnv } from "./config/mod.ts";

/** The routes that load balancers, orchestrators and Prometheus poll; logged at `debug`. */
const PROBES: ReadonlySet<string> = new Set(["/health", "/ready", "/metrics"]);

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

  app.use(requestIds());
  app.use(async (c, next) => {
    if (!deps.drain) return await next();
    if (deps.drain.draining) {
      return c.json({ error: "Shutting down: retry shortly" }, 503, {
        Connection: "close",
        "Retry-After": "1",
      });
    }
    const release = deps.drain.hold();
    try {
      await next();
    } finally {
      release();
    }
  });
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    // After next(), the route index points at the handler that answered.
    const matched = routePath(c);
    const status = c.res.status;
    const route = matched.endsWith("*") ? (status === 404 ? "unmatched" : "static") : matched;
    deps.metrics.request({ route, method: c.req.method, status }, seconds);
    // Probes come every few seconds from each orchestrator and scraper: routine, so debug, and
    // /ready's 503 while no model is loaded is a state, not a fault. A crash (500) is an error.
    const level = PROBES.has(route) && status !== 500 ? "debug" : status >= 500 ? "error" : "info";
    deps.logger.log(level, "Request", {
      request_id: c.get("requestId"),
      client_request_id: c.get("clientRequestId"),
      method: methodLabel(c.req.method),
      path: shownValue(c.req.path),
      route,
      status,
      ms: Math.round(seconds * 1e5) / 100,
    });
  });
  app.use(noStore((c) => routePath(c).endsWith("*") && c.res.status !== 404));
  app.use(secureHeaders({
    // HSTS only tells a browser something over HTTPS: sent when a TLS proxy is in front.
    strictTransportSecurity: deps.config.behindTls ? "max-age=15552000; includeSubDomains" : false,
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:", "blob:"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
    },
  }));
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
