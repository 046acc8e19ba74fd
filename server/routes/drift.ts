/**
 * The drift routes: how far new rows are from the data a model learned from, by the population
 * stability index of each input against the training distributions kept in the model's
 * metadata (the training data is never read again).
 *
 * - `GET /v1/datasets/{id}/drift` (admin, as datasets are): an uploaded dataset against a model.
 * - `POST /v1/drift` (open, as batch scoring is): a CSV or NDJSON body, such as a class list just
 *   scored, against a model. Rows are read as the batch route reads them; a row it could not score
 *   is left out, so the report describes the scored rows.
 *
 * Both take `?profile=P` (its active model, the default profile's when absent) or `?model=ID`,
 * and `threshold` (default 0.2). A model saved before drift statistics answers 409.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import {
  column,
  type DriftCounter,
  driftCounter,
  driftReport,
  DriftUnavailableError,
  type ModelMetadata,
  parseDataset,
  profileOf,
  readRecord,
  SchemaError,
} from "../../pipeline/mod.ts";
import { adminOnly } from "../http/mod.ts";
import { csvRecords, lines } from "../http/mod.ts";
import type { AppDeps, AppEnv } from "../config/mod.ts";
import { HttpError, parseWith } from "../http/mod.ts";
import { type BodyCredit, paced, recordBody } from "../http/mod.ts";
import { DriftQuery } from "./schemas.ts";
import { modelMetadata } from "./admin.ts";

/**
 * The metadata of the model a drift request names.
 *
 * @param deps The app's dependencies.
 * @param query The parsed query.
 * @returns The metadata.
 * @throws HttpError 404 for an unknown model, 503 for a profile without an active model.
 */
async function driftModel(
  deps: AppDeps,
  query: { profile?: string; model?: string },
): Promise<ModelMetadata> {
  if (query.model) return await modelMetadata(deps, query.model);
  const { name } = profileOf(deps.spec, query.profile);
  const active = deps.models.get(name);
  if (!active) {
    throw new HttpError(
      503,
      `No active model for profile "${name}": train one with POST /v1/models/train`,
    );
  }
  return active.metadata;
}

/** The model's training distributions, or 409 when it predates drift statistics. */
function counterOf(metadata: ModelMetadata): DriftCounter {
  try {
    return driftCounter(metadata);
  } catch (error) {
    if (error instanceof DriftUnavailableError) throw new HttpError(409, error.message);
    throw error;
  }
}

/** The body's records as objects, read as they arrive, pacing the loop that reads them. */
async function bodyRecords(
  c: Context,
  maxBytes: number,
  credit?: BodyCredit,
): Promise<AsyncIterable<unknown>> {
  const { format, text } = await recordBody(c, maxBytes, credit);
  return paced(format === "csv" ? csvObjects(text) : ndjsonObjects(text));
}

async function* csvObjects(text: AsyncIterable<string>): AsyncGenerator<unknown> {
  let header: string[] | undefined;
  for await (const fields of csvRecords(text)) {
    if (!header) {
      header = fields.map((h) => h.trim());
      continue;
    }
    // A ragged row is one the batch route could not score: left out here too.
    if (fields.length !== header.length) yield undefined;
    else yield Object.fromEntries(header.map((h, i) => [h, fields[i]]));
  }
}

async function* ndjsonObjects(text: AsyncIterable<string>): AsyncGenerator<unknown> {
  for await (const line of lines(text)) {
    try {
      yield JSON.parse(line);
    } catch {
      yield undefined;
    }
  }
}

/**
 * Builds the drift routes.
 *
 * @param deps The app's dependencies.
 * @returns The routes.
 */
export function driftRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const admin = adminOnly(deps.config.adminToken);

  app.get("/v1/datasets/:id/drift", admin, async (c) => {
    const query = parseWith(DriftQuery, c.req.query(), "query");
    const info = await deps.datasets.get(c.req.param("id"));
    const metadata = await driftModel(deps, query);
    const counter = counterOf(metadata);
    const bytes = await Deno.readFile(deps.datasets.path(info.id));
    const data = await parseDataset(bytes, metadata.spec, {
      source: info.name,
      required: [],
      allowExtra: true,
      requireTarget: false,
    });
    counter.addDataset(data);
    return c.json({
      dataset: info.id,
      ...driftReport(counter, { model: metadata.id, threshold: query.threshold }),
    });
  });

  app.post("/v1/drift", async (c) => {
    const query = parseWith(DriftQuery, c.req.query(), "query");
    const metadata = await driftModel(deps, query);
    const counter = counterOf(metadata);
    const features = metadata.features.map((f) => column(metadata.spec, f));
    let skipped = 0;
    let read = 0;
    for await (
      const record of await bodyRecords(c, deps.config.limits.batchBytes, deps.credit)
    ) {
      if (++read > deps.config.limits.batchRows) {
        throw new HttpError(
          413,
          `Row limit reached: at most ${deps.config.limits.batchRows} rows per request`,
        );
      }
      try {
        counter.add(readRecord(features, record, { allowExtra: true }));
      } catch (error) {
        if (!(error instanceof SchemaError)) throw error;
        skipped++;
      }
    }
    if (counter.rows === 0) {
      throw new HttpError(422, "No row to compare: the body has no row the model could read");
    }
    return c.json({
      ...driftReport(counter, { model: metadata.id, threshold: query.threshold }),
      skipped,
    });
  });
  return app;
}
