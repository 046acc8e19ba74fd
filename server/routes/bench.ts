/**
 * The ceiling of `deno task bench`: `POST /bench/constant?bytes=N` reads the body it is sent and
 * answers a constant JSON document of exactly N bytes, through the same middleware (request id,
 * drain, metrics, request log, secure headers) and body limit as `POST /v1/predict`. The bench
 * sets N to the size of `/v1/predict`'s answer for the same body, so the route differs from the
 * prediction only by the prediction's work: no parsing, no serialising. (The echo route it
 * replaces parsed and re-serialised its body, and measured slower than `/v1/predict`.) Mounted
 * only when the server starts with `BENCH_ECHO=1`.
 *
 * Two more routes, with the same switch, show what bounds the bench's ratios:
 * - `POST /bench/roundtrip?bytes=N` is the ceiling that also parses its body as JSON and
 *   serialises the parsed value again (`JSON.parse` and `JSON.stringify` alone, no depth guard),
 *   then answers the constant: the least a route must do that reads the students it is sent and
 *   answers about as many bytes of JSON (100 students' predictions are about their size);
 * - `POST /bench/unframed?bytes=N` answers the constant outside the request frame
 *   (`http/headers.ts`: no request id, security headers, metrics or log line), so the frame's
 *   cost shows beside the ceiling and the bare `Deno.serve`. The app mounts it before the frame.
 *
 * @module
 */
import { type Context, Hono } from "hono";
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
  const answer = constantAnswers();
  app.post("/bench/constant", limit(deps.config.limits.predictBytes), constant(answer));
  app.post("/bench/roundtrip", limit(deps.config.limits.predictBytes), async (c) => {
    const bytes = askedBytes(c.req.query("bytes"));
    let value: unknown;
    try {
      value = JSON.parse(await c.req.text());
    } catch {
      throw new HttpError(400, "Invalid JSON body");
    }
    // Serialised and dropped: the constant stays the answer, so its size matches the ceiling's.
    void JSON.stringify(value);
    return c.body(answer(bytes), 200, { "Content-Type": "application/json" });
  });
  return app;
}

/**
 * Builds the route that answers the constant outside the request frame: mount it before the
 * frame, so that none of the frame's work runs for it.
 *
 * @param deps The app's dependencies (for the body limit).
 * @returns The route.
 */
export function unframedBenchRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/bench/unframed", limit(deps.config.limits.predictBytes), constant(constantAnswers()));
  return app;
}

/** The handler that reads the body it is sent and answers the constant of the asked size. */
function constant(answer: (bytes: number) => string) {
  return async (c: Context<AppEnv>) => {
    const bytes = askedBytes(c.req.query("bytes"));
    await c.req.arrayBuffer();
    return c.body(answer(bytes), 200, { "Content-Type": "application/json" });
  };
}

/** The `bytes` query of a bench route, checked. */
function askedBytes(query: string | undefined): number {
  const bytes = Number(query ?? 663);
  if (!Number.isInteger(bytes) || bytes < 12 || bytes > MAX_CONSTANT_BYTES) {
    throw new HttpError(400, `Invalid bytes: expected an integer 12–${MAX_CONSTANT_BYTES}`);
  }
  return bytes;
}

/** The constant answer of each size, made once. */
function constantAnswers(): (bytes: number) => string {
  const answers = new Map<number, string>();
  return (bytes) => {
    let answer = answers.get(bytes);
    if (answer === undefined) answers.set(bytes, answer = constantJson(bytes));
    return answer;
  };
}
