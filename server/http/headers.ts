/**
 * The frame of every request, as one middleware: a request id the server makes itself, the
 * drain's hold, the security headers, `Cache-Control: no-store` on answers about students (so
 * neither a shared cache nor the browser keeps a prediction or a figure), the request's metrics
 * and its log line. They were five middlewares (hono's `secureHeaders` among them): each layer
 * cost an async call and its own pass over the answer, together about half the CPU of a constant
 * answer in-process; the frame does the same work once. The security headers are hono's
 * `secureHeaders` for this server's policy, read from it once at start, so the policy stays hono's.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { routePath } from "hono/route";
import { secureHeaders } from "hono/secure-headers";
import { shownValue } from "../../pipeline/mod.ts";
import { type Logger, methodLabel, type Metrics } from "../ops/mod.ts";
import type { Drain } from "./drain.ts";

/**
 * The hono environment: the request id set by the request-id middleware, and the client's own
 * id when it sent a plain one (logged, never answered).
 */
export type AppEnv = { Variables: { requestId: string; clientRequestId?: string } };

/** The content security policy of every answer (the page's own scripts, styles and images). */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:", "blob:"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * The headers hono's `secureHeaders` sets with this server's policy, read by answering one
 * request with it.
 *
 * @param behindTls Whether a TLS proxy is in front (HSTS only tells a browser something over HTTPS).
 * @returns Name and value of each header, in hono's order.
 */
export async function secureHeaderList(behindTls: boolean): Promise<[string, string][]> {
  const probe = new Hono();
  probe.use(secureHeaders({
    strictTransportSecurity: behindTls ? "max-age=15552000; includeSubDomains" : false,
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
  }));
  probe.get("/", () => new Response(""));
  const res = await probe.request("/");
  return [...res.headers].filter(([name]) => name !== "content-type");
}

const SECURE = {
  plain: await secureHeaderList(false),
  tls: await secureHeaderList(true),
};

/** The routes that load balancers, orchestrators and Prometheus poll; logged at `debug`. */
const PROBES: ReadonlySet<string> = new Set(["/health", "/ready", "/metrics"]);

/** A client's own request id is logged beside the server's when it is this short and plain. */
const CLIENT_ID = /^[\w.:-]{1,64}$/;

/** What the frame needs of the app's dependencies. */
export interface FrameDeps {
  /** In-flight bookkeeping of a graceful stop (absent in tests). */
  drain?: Drain;
  /** Prometheus metrics. */
  metrics: Metrics;
  /** The request log. */
  logger: Logger;
}

/**
 * The frame of every request:
 * - a fresh request id (a UUID), set as `requestId` and answered in `X-Request-Id`; a client's
 *   `X-Request-Id` is never echoed as the id (ids would repeat or carry anything), and a short
 *   plain one is kept as `clientRequestId` for the log;
 * - while draining, 503 with `Connection: close`; otherwise a hold until the answer is made;
 * - the security headers (HSTS behind TLS only) and, on answers that set no `Cache-Control`
 *   except the page's static files, `no-store`, so no cache keeps a prediction or a figure;
 * - the request's latency in the metrics and its log line (probes at `debug`, 5xx at `error`).
 *
 * @param deps The drain, metrics and logger.
 * @param options `behindTls`: whether a TLS proxy is in front (HSTS is sent only then).
 * @returns The middleware.
 */
export function frame(
  deps: FrameDeps,
  options: { behindTls: boolean },
): MiddlewareHandler<AppEnv> {
  const secure = options.behindTls ? SECURE.tls : SECURE.plain;
  const { drain, metrics, logger } = deps;
  return async (c, next) => {
    const started = performance.now();
    const id = crypto.randomUUID();
    c.set("requestId", id);
    const given = c.req.raw.headers.get("x-request-id");
    const clientId = given !== null && CLIENT_ID.test(given) ? given : undefined;
    if (clientId !== undefined) c.set("clientRequestId", clientId);
    if (drain?.draining) {
      return c.json({ error: "Shutting down: retry shortly" }, 503, {
        "X-Request-Id": id,
        Connection: "close",
        "Retry-After": "1",
      });
    }
    // The id is set on the answer after the route, with the other headers, rather than by
    // `c.header()` before it: a header set before the answer exists makes hono build every answer
    // through a second `Headers` object.
    drain?.enter();
    try {
      await next();
      const headers = c.res.headers;
      headers.set("X-Request-Id", id);
      for (let i = 0; i < secure.length; i++) headers.set(secure[i][0], secure[i][1]);
      headers.delete("X-Powered-By");
      // After next(), the route index points at the handler that answered.
      const matched = routePath(c);
      const status = c.res.status;
      // A route ending in `*` serves the page's static files (unless nothing matched): those keep
      // their own caching, or none.
      const wildcard = matched.endsWith("*");
      const route = wildcard ? (status === 404 ? "unmatched" : "static") : matched;
      if (route !== "static" && !headers.has("Cache-Control")) {
        headers.set("Cache-Control", "no-store");
      }
      const seconds = (performance.now() - started) / 1000;
      const method = c.req.method;
      metrics.request({ route, method, status }, seconds);
      // Probes come every few seconds from each orchestrator and scraper: routine, so debug, and
      // /ready's 503 while no model is loaded is a state, not a fault. A crash (500) is an error.
      const level = PROBES.has(route) && status !== 500
        ? "debug"
        : status >= 500
        ? "error"
        : "info";
      logger.log(level, "Request", {
        request_id: id,
        client_request_id: clientId,
        method: methodLabel(method),
        path: shownValue(c.req.path),
        route,
        status,
        ms: Math.round(seconds * 1e5) / 100,
      });
    } finally {
      drain?.leave();
    }
    return undefined;
  };
}
