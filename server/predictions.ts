/**
 * Predicting for records on any route: leasing a profile's active model, validating the records
 * and scoring them through the micro-batcher. The modern and the original system's routes share it.
 *
 * @module
 */
import { profileOf } from "../pipeline/mod.ts";
import type { MicroBatcher } from "./microbatch.ts";
import type { AppDeps, PredictionOut } from "./deps.ts";
import { HttpError } from "./http_errors.ts";
import type { Lease } from "./model_pool.ts";

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

const _readSets = new WeakMap<object, Set<string>>();

/** The features a model reads, as a set made once per model. */
function _readSet(predictor: { usedFeatures: string[] }): Set<string> {
  let set = _readSets.get(predictor);
  if (!set) _readSets.set(predictor, set = new Set(predictor.usedFeatures));
  return set;
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
    const read = _readSet(predictor);
    return predictions.map((p, i) => ({
      ...p,
      profile: predictor.profile,
      ignored: Object.keys(Object(records[i])).filter((k) => !read.has(k)),
    }));
  } finally {
    lease.release();
  }
}
