/**
 * The prediction routes: `POST /v1/predict` (one student or many, through the
 * micro-batcher) and `POST /v1/predict/batch` (a CSV or NDJSON body streamed
 * back as CSV or NDJSON). Neither touches a DataFrame: records are checked by
 * `Predictor.read` and scored by the saved preprocessor and network.
 *
 * @module
 */
import { Hono } from "hono";
import { type BatchFormat, scoreBatch } from "../serving/mod.ts";
import type { MicroBatcher } from "../serving/mod.ts";
import type { AppDeps, AppEnv } from "../config/mod.ts";
import { parseWith } from "../http/mod.ts";
import { leaseModel, predictRecords } from "../serving/mod.ts";
import { limit, readJson, recordBody, requireJsonType } from "../http/mod.ts";
import { BatchQuery, isStudent, PredictQuery, Student, studentsBody } from "./schemas.ts";

/**
 * Builds the prediction routes.
 *
 * @param deps The app's dependencies.
 * @param batcher The micro-batcher.
 * @returns The routes.
 */
export function predictRoutes(deps: AppDeps, batcher: MicroBatcher): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const limits = deps.config.limits;
  const Students = studentsBody(limits.predictStudents);
  // zod names what is wrong; bodies that are plainly right skip it (its walk was a tenth of a
  // 100-student request's time) and get the same records.
  const students = (body: unknown): unknown[] => {
    const list = (body as { students?: unknown }).students;
    const fast = Object.keys(body as object).length === 1 && Array.isArray(list) &&
      list.length >= 1 && list.length <= limits.predictStudents && list.every(isStudent);
    return fast ? list : parseWith(Students, body).students;
  };

  app.post("/v1/predict", limit(limits.predictBytes), async (c) => {
    const { profile, reasons } = parseWith(PredictQuery, c.req.query(), "query");
    requireJsonType(c);
    const body = await readJson(c);
    const many = typeof body === "object" && body !== null && "students" in body;
    const records = many ? students(body) : [isStudent(body) ? body : parseWith(Student, body)];
    const predictions = await predictRecords(deps, batcher, profile, records, reasons);
    return c.json(many ? { predictions } : predictions[0]);
  });

  // No bodyLimit middleware here: limitedBody() enforces the limit while streaming.
  app.post("/v1/predict/batch", async (c) => {
    const { profile, imputed, reasons } = parseWith(BatchQuery, c.req.query(), "query");
    const lease = leaseModel(deps, profile);
    const hold = deps.drain?.hold() ?? (() => {});
    const release = () => {
      lease.release();
      hold();
    };
    try {
      const { format, text } = await recordBody(c, limits.batchBytes, deps.credit);
      const accept = (c.req.header("accept") ?? "").toLowerCase();
      const output: BatchFormat = accept.includes("text/csv")
        ? "csv"
        : accept.includes("ndjson") || accept.includes("jsonl")
        ? "ndjson"
        : format;
      const predictor = lease.predictor;
      const warnings: string[] = [];
      const stream = await scoreBatch(text, predictor, {
        input: format,
        output,
        reasons,
        maxRows: limits.batchRows,
        imputed,
        // Turns only where the front's body credit holds the upload: behind nginx, which streams
        // bodies both ways (deploy/nginx.conf), Deno.serve would read a non-reading client's
        // whole upload ahead of the loop.
        pace: deps.credit !== undefined,
        onWarning: (w) => warnings.push(w),
        onChunk: (predictions) => {
          deps.metrics.batch(predictions.length);
          const bands = new Map<string, number>();
          for (const p of predictions) bands.set(p.band, (bands.get(p.band) ?? 0) + 1);
          for (const [band, n] of bands) deps.metrics.prediction(predictor.profile, band, n);
        },
        onClose: release,
      });
      return c.body(stream, 200, {
        "Content-Type": output === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
        "X-Model": predictor.id,
        ...(warnings.length > 0 ? { "X-Field-Warning": warnings.join("; ") } : {}),
      });
    } catch (error) {
      release();
      throw error;
    }
  });
  return app;
}
