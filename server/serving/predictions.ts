/**
 * Predicting for records on any route: leasing a profile's active model, validating the records
 * and scoring them through the micro-batcher. The modern and the original system's routes share it.
 *
 * @module
 */
import {
  closeFieldNames,
  type DatasetSpec,
  imputedWarning,
  type Prediction,
  type Predictor,
  profileOf,
  type Row,
  SchemaError,
  type SchemaIssue,
} from "../../pipeline/mod.ts";
import type { MicroBatcher } from "./microbatch.ts";
import { HttpError } from "../http/mod.ts";
import type { Lease, ModelStore } from "./model_pool.ts";
import type { Metrics } from "../ops/mod.ts";

/** One student's answer on `/v1/predict`. */
export interface PredictionOut extends Prediction {
  /** The profile that answered. (`reasons`, from the pipeline's explanations, pass through.) */
  profile: string;
  /**
   * Fields of the request this model does not read: unknown to the spec (a misspelt "age" beside an
   * imputed `Age`), outside the profile, or left out by the model's feature selection (`select`).
   * Listed so a typo does not pass as a missing value, and an unused field as a used one.
   */
  ignored: string[];
  /**
   * Set when the imputed inputs carry most of the model's weight (its permutation importance):
   * the probability then says more about the training average than about this student.
   */
  warning?: string;
  /**
   * Set when a field of the request is not a column but resembles an input that was not given
   * (`Grade1` for `Grade_1`): that input was imputed, not read from the field.
   */
  field_warning?: string;
}

/** What scoring needs of the app's dependencies (the app's `AppDeps` has all of it). */
export interface ScoringDeps {
  /** The dataset spec the server validates against. */
  spec: DatasetSpec;
  /** The active predictors. */
  models: ModelStore;
  /** Prometheus metrics. */
  metrics: Metrics;
}

/**
 * Leases the active model of a profile, answering 503 when there is none.
 *
 * @param deps The app's dependencies.
 * @param profile The profile name (checked against the spec: 400 when unknown).
 * @returns The lease.
 */
export function leaseModel(deps: ScoringDeps, profile: string | undefined): Lease {
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
 * Refuses rows that give none of the inputs the model reads: scoring them would answer the
 * training-average student with full confidence.
 *
 * @param predictor The model.
 * @param rows The validated rows (a missing field is null).
 * @throws SchemaError naming the inputs, once per such row.
 */
function requireSomeInput(predictor: Predictor, rows: Row[]): void {
  const used = predictor.usedFeatures;
  let issues: SchemaIssue[] | undefined;
  for (let i = 0; i < rows.length; i++) {
    if (predictor.givesAnInput(rows[i])) continue;
    issues ??= [];
    for (const column of used) {
      issues.push({
        ...(rows.length > 1 ? { row: i + 1 } : {}),
        column,
        expected: "a value: the student gives none of the inputs this model reads",
      });
    }
  }
  if (issues) {
    throw new SchemaError(
      `Invalid student${
        rows.length > 1 ? "s" : ""
      }: none of the inputs this model reads was given (${used.join(", ")})`,
      issues,
    );
  }
}

/**
 * Validates and scores records with a profile's active model.
 *
 * @param deps The app's dependencies.
 * @param batcher The micro-batcher.
 * @param profile The profile (the default when absent).
 * @param records Raw student objects.
 * @param reasons How many top reasons to attach to each prediction (0 for none).
 * @returns One prediction per record, with a `warning` when imputed inputs carry most of the
 *   model's weight.
 * @throws SchemaError naming each invalid field, or the model's inputs when a record gives none.
 */
export async function predictRecords(
  deps: ScoringDeps,
  batcher: MicroBatcher,
  profile: string | undefined,
  records: unknown[],
  reasons = 0,
): Promise<PredictionOut[]> {
  const lease = leaseModel(deps, profile);
  try {
    const predictor = lease.predictor;
    const rows = predictor.read(records);
    requireSomeInput(predictor, rows);
    const predictions = await batcher.score(predictor, rows, reasons);
    for (const p of predictions) deps.metrics.prediction(predictor.profile, p.band);
    const read = predictor.usedSet;
    return predictions.map((p, i) => {
      // Each prediction was made for this request alone: it is extended in place rather than
      // copied (a copy per student of a 100-student body), with the same fields in the same order.
      const out = p as PredictionOut;
      out.profile = predictor.profile;
      out.ignored = Object.keys(Object(records[i])).filter((k) => !read.has(k));
      if (p.imputed.length > 0) {
        const warning = imputedWarning(predictor, p.imputed);
        if (warning) out.warning = warning;
        const known = new Set(predictor.spec.columns.map((c) => c.name));
        const close = closeFieldNames(out.ignored.filter((f) => !known.has(f)), p.imputed);
        if (close.length > 0) {
          out.field_warning = close.map((c) =>
            `Unknown field "${c.field}": did you mean "${c.known}"? It was imputed`
          ).join("; ");
        }
      }
      return out;
    });
  } finally {
    lease.release();
  }
}
