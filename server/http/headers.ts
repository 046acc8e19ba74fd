/**
 * Headers every answer carries: a request id the server makes itself, and
 * `Cache-Control: no-store` on answers about students, so neither a shared
 * cache nor the browser keeps a prediction or a figure.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

/**
 * The hono environment: the request id set by the request-id middleware, and the client's own
 * id when it sent a plain one (logged, never answered).
 */
export type AppEnv = { Variables: { requestId: string; clientRequestId?: string } };

/** A client's own request id is logged beside the server's when it is this short and plain. */
const CLIENT_ID = /^[\w.:-]{1,64}$/;

/**
 * Gives each request a fresh id (a UUID), set as `requestId` and answered in `X-Request-Id`.
 * A client's `X-Request-Id` is never echoed as the id, which would let ids repeat or carry
 * anything; a short plain one is kept as `clientRequestId` for the log.
 *
 * @returns The middleware.
 */
export function requestIds(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = crypto.randomUUID();
    c.set("requestId", id);
    const given = c.req.header("x-request-id");
    if (given !== undefined && CLIENT_ID.test(given)) c.set("clientRequestId", given);
    c.header("X-Request-Id", id);
    await next();
  };
}

/**
 * Answers that set no `Cache-Control` get `no-store`, except the page's own static files
 * (routes that set their own caching, as `/docs` and `/vendor` do, keep it).
 *
 * @param isStatic Whether the answering route serves the page's files.
 * @returns The middleware.
 */
export function noStore(isStatic: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => boolean) {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next();
    if (!c.res.headers.has("Cache-Control") && !isStatic(c)) {
      c.res.headers.set("Cache-Control", "no-store");
    }
  };
  return middleware;
}
