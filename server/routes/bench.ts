/**
 * The ceiling of `deno task bench`: `POST /bench/constant?bytes=N` reads the body it is sent and
 * answers a constant JSON document of exactly N bytes, through the same middleware (request id,
 * drain, metrics, request log, secure headers) and body limit as `POST /v1/predict`. The bench
 * sets N to the size of `/v1/predict`'s answer for the same body, so the route differs from the
 * prediction only by the prediction's work: no parsing, no serialising. (The echo route it
 * replaces parsed and re-serialised its body, and measured slower than `/v1/predict`.) Mounted
 * only when the server starts with `BENCH_ECHO=1`.
 *
 * @module
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../config/mod.ts";
import { HttpError, limit } from "../http/mod.ts";

/** The largest constant answer, in bytes. */
export const MAX_CONSTANT_BYTES = 1024 * 1024;

/**
 * A JSON document of exactly `bytes` bytes (at least 12): `{"pad":"xxx…"}`.
 *
 * @param bytes Its size.
 * @returns The document.
 */
export function constantJson(bytes: number): string {
  const frame = '{"pad":""}'.length;
  return `{"pad":"${"x".repeat(Math.max(0, bytes - frame))}"}`;
}

/**
 * Builds the benchmark routes.
 *
 * @param deps The app's dependencies (for the body limit).
 * @returns The routes.
 */
export function benchRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const answers = new Map<number, string>();
  app.post("/bench/constant", limit(deps.config.limits.predictBytes), async (c) => {
    const bytes = Number(c.req.query("bytes") ?? 663);
    if (!Number.isInteger(bytes) || bytes < 12 || bytes > MAX_CONSTANT_BYTES) {
      throw new HttpError(400, `Invalid bytes: expected an integer 12–${MAX_CONSTANT_BYTES}`);
    }
    await c.req.arrayBuffer();
    let answer = answers.get(bytes);
    if (answer === undefined) answers.set(bytes, answer = constantJson(bytes));
    return c.body(answer, 200, { "Content-Type": "application/json" });
  });
  return app;
}
