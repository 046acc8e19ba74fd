/**
 * The ceiling of `deno task bench`: `POST /bench/echo` parses the JSON body it
 * is sent and answers it back, through the same middleware (request id, drain,
 * metrics, request log, secure headers) and body limit as `POST /v1/predict`.
 * Its requests per second are what this server and machine reach before any
 * prediction work, so the benchmark reports each scenario as a share of it.
 * Mounted only when the server starts with `BENCH_ECHO=1`.
 *
 * @module
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../config/mod.ts";
import { limit, readJson } from "../http/mod.ts";

/**
 * Builds the benchmark routes.
 *
 * @param deps The app's dependencies (for the body limit).
 * @returns The routes.
 */
export function benchRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post(
    "/bench/echo",
    limit(deps.config.limits.predictBytes),
    async (c) => c.json(await readJson(c)),
  );
  return app;
}
