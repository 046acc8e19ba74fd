/**
 * Datasets, training jobs and models. Uploading, training, activating and
 * reading datasets or jobs need the admin token (checked before any body is
 * read); listing models and their evaluations is open.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import {
  InputError,
  type ModelMetadata,
  parsePolicy,
  profileOf,
  resolveDataPath,
  shownValue,
} from "../../pipeline/mod.ts";
import { adminOnly } from "../http/mod.ts";
import type { AppDeps, AppEnv } from "../config/mod.ts";
import { HttpError, parseWith } from "../http/mod.ts";
import { PruneQuery, TrainBody } from "./schemas.ts";
import { multipartField } from "../http/mod.ts";
import { limit, readJson, requireJsonType } from "../http/mod.ts";

/** The content types a CSV upload may carry (browsers label a CSV file variously). */
const CSV_TYPES = [
  "text/csv",
  "application/csv",
  "text/plain",
  "application/octet-stream",
  "application/vnd.ms-excel",
];

/**
 * Reads an uploaded CSV: a multipart field `file` (read as a stream: only the file's bytes are
 * kept, once), or the raw body. The dataset is validated whole, so its bytes are held.
 *
 * @param c The request context.
 * @returns The bytes and a file name.
 * @throws HttpError 400 when a multipart body is malformed or has no file, 415 for a type that is
 *   not a CSV's.
 */
export async function readUpload(c: Context): Promise<{ bytes: Uint8Array; name: string }> {
  const header = c.req.header("content-type") ?? "";
  const type = header.toLowerCase();
  const essence = type.split(";")[0].trim();
  if (essence && essence !== "multipart/form-data" && !CSV_TYPES.includes(essence)) {
    throw new HttpError(
      415,
      `Unsupported content type "${shownValue(header)}": expected text/csv or multipart/form-data`,
    );
  }
  if (type.startsWith("multipart/form-data")) {
    const part = await multipartField(c.req.raw.body ?? new Response("").body!, header, "file");
    if (!part) {
      throw new HttpError(400, 'Invalid multipart body: expected a CSV file in field "file"');
    }
    return { bytes: await readAll(part.body), name: part.filename || "upload.csv" };
  }
  return {
    bytes: new Uint8Array(await c.req.arrayBuffer()),
    name: c.req.query("name") ?? "upload.csv",
  };
}

/** A stream's bytes in one array; the stream's own error (an HttpError) is thrown as it is. */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/**
 * Reads a model's metadata, answering 404 for an unknown id.
 *
 * @param deps The app's dependencies.
 * @param id The model id.
 * @returns The metadata.
 */
export async function modelMetadata(deps: AppDeps, id: string): Promise<ModelMetadata> {
  try {
    return await deps.models.registry.metadata(id);
  } catch (error) {
    if (error instanceof InputError) throw new HttpError(404, error.message);
    throw error;
  }
}

/**
 * The data path and id of a training request: a stored dataset, or the server's CSV.
 *
 * @param deps The app's dependencies.
 * @param dataset A dataset id, or undefined for the server's training CSV.
 * @returns The path and the id to report.
 */
export async function trainingData(
  deps: AppDeps,
  dataset: string | undefined,
): Promise<{ dataPath: string; dataset: string }> {
  if (dataset) {
    await deps.datasets.get(dataset);
    return { dataPath: deps.datasets.path(dataset), dataset };
  }
  return { dataPath: resolveDataPath(deps.config.dataPath), dataset: "default" };
}

/**
 * Builds the dataset, job and model routes.
 *
 * @param deps The app's dependencies.
 * @returns The routes.
 */
export function adminRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const admin = adminOnly(deps.config.adminToken);
  const registry = deps.models.registry;

  app.post("/v1/datasets", admin, limit(deps.config.limits.uploadBytes), async (c) => {
    const { bytes, name } = await readUpload(c);
    const { info, created } = await deps.datasets.add(bytes, name);
    return c.json({ dataset: info, created }, created ? 201 : 200);
  });
  app.get("/v1/datasets", admin, async (c) => c.json({ datasets: await deps.datasets.list() }));

  app.post("/v1/models/train", admin, limit(deps.config.limits.smallBytes), async (c) => {
    requireJsonType(c);
    const body = parseWith(TrainBody, await readJson(c));
    const { name } = profileOf(deps.spec, body.profile);
    const job = await deps.jobs.start({
      profile: name,
      seed: body.seed ?? 42,
      force: body.force,
      epochs: body.epochs,
      policy: body.policy === undefined ? undefined : parsePolicy(body.policy),
      ...(await trainingData(deps, body.dataset)),
    });
    return c.json({ job, links: { self: `/v1/jobs/${job.id}` } }, 202, {
      Location: `/v1/jobs/${job.id}`,
    });
  });
  app.get("/v1/jobs/:id", admin, async (c) => {
    const job = await deps.jobs.get(c.req.param("id"));
    if (!job) throw new HttpError(404, `Unknown job "${c.req.param("id")}"`);
    return c.json(job);
  });

  app.post("/v1/models/prune", admin, limit(deps.config.limits.smallBytes), async (c) => {
    const query = parseWith(PruneQuery, c.req.query(), "query");
    const dryRun = query.dry_run === "1" || query.dry_run === "true";
    const result = await registry.prune({ keep: query.keep, dryRun });
    deps.logger.log("info", dryRun ? "Models to prune listed" : "Models pruned", {
      request_id: c.get("requestId"),
      keep: query.keep,
      removed: result.removed,
    });
    return c.json({ keep: query.keep, dry_run: dryRun, ...result });
  });
  app.get(
    "/v1/models",
    async (c) => c.json({ models: await registry.list(), active: await registry.active() }),
  );
  app.get("/v1/models/:id", async (c) => {
    const { evaluation: _, ...rest } = await modelMetadata(deps, c.req.param("id"));
    return c.json({ ...rest, links: { evaluation: `/v1/models/${rest.id}/evaluation` } });
  });
  app.get("/v1/models/:id/evaluation", async (c) => {
    const m = await modelMetadata(deps, c.req.param("id"));
    const t = m.metrics.test.confusion;
    return c.json({
      model: m.id,
      profile: m.profile,
      threshold: m.threshold,
      bands: m.bands,
      metrics: { test: m.metrics.test, validation: m.metrics.validation },
      confusion_matrix: { labels: ["False", "True"], matrix: [[t.tn, t.fp], [t.fn, t.tp]] },
      roc: m.evaluation.roc,
      pr: m.evaluation.pr,
      calibration: m.evaluation.calibration,
    });
  });
  app.post("/v1/models/:id/activate", admin, limit(deps.config.limits.smallBytes), async (c) => {
    const m = await modelMetadata(deps, c.req.param("id"));
    const previous = (await registry.active())[m.profile] ?? null;
    await deps.models.activate(m.id);
    deps.logger.log("info", "Model activated by request", {
      request_id: c.get("requestId"),
      profile: m.profile,
      model: m.id,
      previous,
    });
    return c.json({ profile: m.profile, active: m.id, previous });
  });
  return app;
}
