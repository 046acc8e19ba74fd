/**
 * The prediction routes: `POST /v1/predict` (one student or many, through the
 * micro-batcher) and `POST /v1/predict/batch` (a CSV or NDJSON body streamed
 * back as CSV or NDJSON). Neither touches a DataFrame: records are checked by
 * `Predictor.read` and scored by the saved preprocessor and network.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { type BatchFormat, scoreBatch } from "../serving/mod.ts";
import type { MicroBatcher } from "../serving/mod.ts";
import type { AppDeps, AppEnv } from "../config/mod.ts";
import { HttpError, parseWith } from "../http/mod.ts";
import { leaseModel, predictRecords } from "../serving/mod.ts";
import { multipartField } from "../http/mod.ts";
import { limit, limitedBody, readJson, requireJsonType } from "../http/mod.ts";
import { isStudent, PredictQuery, ProfileQuery, Student, studentsBody } from "./schemas.ts";

function formatOf(type: string | undefined): BatchFormat | undefined {
  const t = (type ?? "").split(";")[0].trim().toLowerCase();
  if (t === "text/csv") return "csv";
  if (["application/x-ndjson", "application/ndjson", "application/jsonl"].includes(t)) {
    return "ndjson";
  }
  return undefined;
}

async function batchBody(
  c: Context,
  maxSize: number,
): Promise<{ format: BatchFormat; text: AsyncIterable<string> }> {
  const type = c.req.header("content-type") ?? "";
  if (type.toLowerCase().startsWith("multipart/form-data")) {
    // Streamed: the file's bytes are read only as fast as its rows are scored and answered.
    const part = await multipartField(limitedBody(c, maxSize), type, "file");
    if (!part) throw new HttpError(400, 'Invalid multipart body: expected a file in field "file"');
    const format = formatOf(part.contentType) ??
      (/\.(nd)?jsonl?$/i.test(part.filename ?? "") ? "ndjson" : "csv");
    return { format, text: part.body.pipeThrough(new TextDecoderStream()) };
  }
  const format = formatOf(type);
  if (!format) {
    throw new HttpError(
      415,
      `Unsupported content type "${type}": expected text/csv, application/x-ndjson or multipart/form-data`,
    );
  }
  return { format, text: limitedBody(c, maxSize).pipeThrough(new TextDecoderStream()) };
}

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
    const { profile } = parseWith(ProfileQuery, c.req.query(), "query");
    const lease = leaseModel(deps, profile);
    const hold = deps.drain?.hold() ?? (() => {});
    const release = () => {
      lease.release();
      hold();
    };
    try {
      const { format, text } = await batchBody(c, limits.batchBytes);
      const accept = (c.req.header("accept") ?? "").toLowerCase();
      const output: BatchFormat = accept.includes("text/csv")
        ? "csv"
        : accept.includes("ndjson") || accept.includes("jsonl")
        ? "ndjson"
        : format;
      const predictor = lease.predictor;
      const stream = await scoreBatch(text, predictor, {
        input: format,
        output,
        maxRows: limits.batchRows,
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
      });
    } catch (error) {
      release();
      throw error;
    }
  });
  return app;
}
