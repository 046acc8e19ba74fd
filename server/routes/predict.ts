/**
 * The prediction routes: `POST /v1/predict` (one student or many, through the
 * micro-batcher) and `POST /v1/predict/batch` (a CSV or NDJSON body streamed
 * back as CSV or NDJSON). Neither touches a DataFrame: records are checked by
 * `Predictor.read` and scored by the saved preprocessor and network.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { profileOf } from "../../pipeline/mod.ts";
import { type BatchFormat, scoreBatch } from "../batch_scoring.ts";
import type { MicroBatcher } from "../microbatch.ts";
import type { AppDeps, AppEnv, PredictionOut } from "../deps.ts";
import { HttpError, parseWith } from "../http_errors.ts";
import type { Lease } from "../model_pool.ts";
import { PredictQuery, ProfileQuery, Student, studentsBody } from "../schemas.ts";

/**
 * A body limit answering 413 in the app's error format.
 *
 * @param maxSize The most bytes.
 * @returns The middleware.
 */
export function limit(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: (c) =>
      c.json({ error: `Payload too large: this route takes at most ${maxSize} bytes` }, 413),
  });
}

/**
 * Reads a JSON body, answering 400 when it is not JSON.
 *
 * @param c The request context.
 * @returns The parsed value.
 * @throws HttpError 400.
 */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new HttpError(400, `Malformed JSON body: ${(cause as Error).message}`);
  }
}

/**
 * Parses a multipart or URL-encoded body, answering 400 when it is malformed
 * (a missing boundary, a truncated part): the parsers throw a plain TypeError.
 *
 * @param parse Parses the body, e.g. `() => c.req.formData()`.
 * @returns What `parse` gives.
 * @throws HttpError 400 (an HttpError from the body stream, such as 413, passes through).
 */
export async function readForm<T>(parse: () => Promise<T>): Promise<T> {
  try {
    return await parse();
  } catch (cause) {
    if (cause instanceof HttpError) throw cause;
    throw new HttpError(400, `Malformed form body: ${(cause as Error).message}`);
  }
}

/**
 * Leases the active model of a profile, answering 503 when there is none.
 *
 * @param deps The app's dependencies.
 * @param profile The profile name (checked against the spec: 400 when unknown).
 * @returns The lease.
 */
export function leaseModel(deps: AppDeps, profile: string | undefined): Lease {
  const { name } = profileOf(deps.spec, profile);
  const lease = deps.models.acquire(name);
  if (!lease) {
    throw new HttpError(
      503,
      `No active model for profile "${name}": train one with POST /v1/models/train`,
    );
  }
  return lease;
}

/**
 * Validates and scores records with a profile's active model.
 *
 * @param deps The app's dependencies.
 * @param batcher The micro-batcher.
 * @param profile The profile (the default when absent).
 * @param records Raw student objects.
 * @param reasons How many top reasons to attach to each prediction (0 for none).
 * @returns One prediction per record.
 * @throws SchemaError naming each invalid field.
 */
export async function predictRecords(
  deps: AppDeps,
  batcher: MicroBatcher,
  profile: string | undefined,
  records: unknown[],
  reasons = 0,
): Promise<PredictionOut[]> {
  const lease = leaseModel(deps, profile);
  try {
    const predictor = lease.predictor;
    const predictions = await batcher.score(predictor, predictor.read(records), reasons);
    for (const p of predictions) deps.metrics.prediction(predictor.profile, p.band);
    const read = new Set(predictor.usedFeatures);
    return predictions.map((p, i) => ({
      ...p,
      profile: predictor.profile,
      ignored: Object.keys(Object(records[i])).filter((k) => !read.has(k)),
    }));
  } finally {
    lease.release();
  }
}

function formatOf(type: string | undefined): BatchFormat | undefined {
  const t = (type ?? "").split(";")[0].trim().toLowerCase();
  if (t === "text/csv") return "csv";
  if (["application/x-ndjson", "application/ndjson", "application/jsonl"].includes(t)) {
    return "ndjson";
  }
  return undefined;
}

/**
 * The request body with a byte limit that streams (hono's `bodyLimit` buffers
 * bodies sent without a length, which would hold up to the whole limit in memory).
 *
 * @param c The request context.
 * @param maxSize The most bytes.
 * @returns The body stream; it errors with HttpError 413 past the limit.
 * @throws HttpError 413 at once when Content-Length is over the limit.
 */
export function limitedBody(c: Context, maxSize: number): ReadableStream<Uint8Array> {
  const tooLarge = () =>
    new HttpError(413, `Payload too large: this route takes at most ${maxSize} bytes`);
  if (Number(c.req.header("content-length") ?? 0) > maxSize) throw tooLarge();
  let size = 0;
  return (c.req.raw.body ?? new Response("").body!).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > maxSize) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
}

async function batchBody(
  c: Context,
  maxSize: number,
): Promise<{ format: BatchFormat; text: AsyncIterable<string> }> {
  const type = c.req.header("content-type") ?? "";
  if (type.toLowerCase().startsWith("multipart/form-data")) {
    const body = new Response(limitedBody(c, maxSize), { headers: { "content-type": type } });
    const form = await readForm(() => body.formData());
    const file = form.get("file");
    if (!(file instanceof File)) {
      throw new HttpError(400, 'Invalid multipart body: expected a file in field "file"');
    }
    const format = formatOf(file.type) ?? (/\.(nd)?jsonl?$/i.test(file.name) ? "ndjson" : "csv");
    return { format, text: file.stream().pipeThrough(new TextDecoderStream()) };
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

  app.post("/v1/predict", limit(limits.predictBytes), async (c) => {
    const { profile, reasons } = parseWith(PredictQuery, c.req.query(), "query");
    const body = await readJson(c);
    const many = typeof body === "object" && body !== null && "students" in body;
    const records = many
      ? parseWith(studentsBody(limits.predictStudents), body).students
      : [parseWith(Student, body)];
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
          for (const p of predictions) deps.metrics.prediction(predictor.profile, p.band);
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
