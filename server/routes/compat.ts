/**
 * The original system's API, unchanged for its web page and load test:
 * `/predict` and `/api/predict` (JSON or form, the `seed` profile),
 * `/upload_train_data`, `/retrain`, `/evaluate` (and `/visualize/{feature}`, in
 * `visualize.ts`). The answers keep the old shapes (extra fields added); the
 * mutating routes need the admin token. As the original (FastAPI) did, the
 * prediction routes require every field of the profile and answer 422 with
 * FastAPI's `detail` list, and every error answer carries `detail` and the
 * `message` the original page shows, beside this server's `error`.
 *
 * @module
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { column, type ColumnSpec, SchemaError, shownName } from "../../pipeline/mod.ts";
import { adminOnly } from "../http/mod.ts";
import type { MicroBatcher } from "../serving/mod.ts";
import type { AppDeps, AppEnv } from "../config/mod.ts";
import { HttpError, parseWith } from "../http/mod.ts";
import { Student } from "./schemas.ts";
import { readUpload, trainingData } from "./admin.ts";
import { leaseModel, predictRecords } from "../serving/mod.ts";
import { limit, readForm, readJson } from "../http/mod.ts";

/** The profile the original clients are answered with. */
export const COMPAT_PROFILE = "seed";

/** One class's line of scikit-learn's classification report. */
export interface ClassScores {
  /** Right among those predicted as this class. */
  precision: number;
  /** Found among those of this class. */
  recall: number;
  /** Harmonic mean of precision and recall. */
  "f1-score": number;
  /** Rows of this class (all rows for the averages). */
  support: number;
}

/** scikit-learn's classification report, as a dict, for boolean labels. */
export interface ClassificationReport {
  /** The negative class (stays). */
  False: ClassScores;
  /** The positive class (drops out). */
  True: ClassScores;
  /** Share of rows predicted right. */
  accuracy: number;
  /** Unweighted mean of the two classes. */
  "macro avg": ClassScores;
  /** Mean weighted by support. */
  "weighted avg": ClassScores;
}

/**
 * scikit-learn's `classification_report(..., output_dict=True)` for labels False/True.
 *
 * @param truth True labels (0/1).
 * @param predicted Predicted labels (0/1).
 * @returns The report with "False", "True", "accuracy", "macro avg" and "weighted avg".
 */
export function classificationReport(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
): ClassificationReport {
  const n = truth.length;
  const scores = [0, 1].map((label) => {
    let tp = 0, predictedCount = 0, support = 0;
    for (let i = 0; i < n; i++) {
      if (predicted[i] === label) predictedCount++;
      if (truth[i] === label) support++;
      if (predicted[i] === label && truth[i] === label) tp++;
    }
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, "f1-score": f1, support };
  });
  let correct = 0;
  for (let i = 0; i < n; i++) if (truth[i] === predicted[i]) correct++;
  const avg = (weight: (s: ClassScores) => number) => {
    const total = scores.reduce((a, s) => a + weight(s), 0);
    const mean = (key: "precision" | "recall" | "f1-score") =>
      total ? scores.reduce((a, s) => a + s[key] * weight(s), 0) / total : 0;
    return {
      precision: mean("precision"),
      recall: mean("recall"),
      "f1-score": mean("f1-score"),
      support: n,
    };
  };
  return {
    False: scores[0],
    True: scores[1],
    accuracy: n ? correct / n : 0,
    "macro avg": avg(() => 1),
    "weighted avg": avg((s) => s.support),
  };
}

/** One entry of FastAPI's (pydantic's) 422 `detail` list. */
export interface FastApiIssue {
  /** `missing`, `int_parsing` or `value_error`. */
  type: string;
  /** Where: `["body", field]`. */
  loc: ["body", string];
  /** The message, in pydantic's words for a missing field or an unparsable integer. */
  msg: string;
  /** The value sent (null when missing). */
  input: unknown;
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && !v.trim());

/**
 * FastAPI's 422 detail for a record of the original's fields: each missing field (absent, null or
 * blank, as FastAPI reads an empty form field), then each invalid one.
 *
 * @param columns The required fields, in the profile's order.
 * @param record The record sent.
 * @param invalid The pipeline's SchemaError for the record's values, when there is one.
 * @returns The detail list, empty when the record is whole and valid.
 */
export function fastApiDetail(
  columns: ColumnSpec[],
  record: Record<string, unknown>,
  invalid?: SchemaError,
): FastApiIssue[] {
  const detail: FastApiIssue[] = [];
  for (const col of columns) {
    if (!blank(record[col.name])) continue;
    detail.push({ type: "missing", loc: ["body", col.name], msg: "Field required", input: null });
  }
  for (const issue of invalid?.issues ?? []) {
    if (issue.column === undefined || blank(record[issue.column])) continue;
    const kind = columns.find((c) => c.name === issue.column)?.type;
    const numeric = kind === "integer" || kind === "ordinal" || kind === "number";
    const unparsable = numeric && !Number.isFinite(Number(issue.value));
    detail.push({
      type: unparsable ? "int_parsing" : "value_error",
      loc: ["body", shownName(issue.column)],
      msg: unparsable
        ? "Input should be a valid integer, unable to parse string as an integer"
        : `Value error, expected ${issue.expected}`,
      input: issue.value ?? null,
    });
  }
  return detail;
}

/**
 * Adds FastAPI's `detail` and the original page's `message` to every JSON error answer of the
 * routes it guards (errors are rare, so only they pay for the rewrite).
 */
const originalErrors: MiddlewareHandler = async (c, next) => {
  await next();
  const res = c.res;
  if (res.status < 400 || !res.headers.get("content-type")?.includes("application/json")) return;
  const body = await res.json() as { error?: string; detail?: unknown };
  const message = body.error ?? "Request failed";
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  c.res = undefined;
  c.res = new Response(JSON.stringify({ detail: body.detail ?? message, message, ...body }), {
    status: res.status,
    headers,
  });
};

/** Validates a record's values with the active model, scoring nothing. */
function checkValues(deps: AppDeps, record: Record<string, unknown>): void {
  const lease = leaseModel(deps, COMPAT_PROFILE);
  try {
    lease.predictor.read([record]);
  } finally {
    lease.release();
  }
}

async function readFields(c: Context): Promise<unknown> {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  if (
    type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")
  ) {
    const form = await readForm(() => c.req.parseBody());
    for (const [key, value] of Object.entries(form)) {
      if (typeof value !== "string") {
        throw new HttpError(400, `Invalid form field "${key}": expected a value, not a file`);
      }
    }
    return form;
  }
  return await readJson(c);
}

/**
 * Builds the original system's routes.
 *
 * @param deps The app's dependencies.
 * @param batcher The micro-batcher.
 * @returns The routes.
 */
export function compatRoutes(deps: AppDeps, batcher: MicroBatcher): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const admin = adminOnly(deps.config.adminToken);
  const small = limit(deps.config.limits.smallBytes);
  const required = deps.spec.profiles[COMPAT_PROFILE]?.features.map((f) => column(deps.spec, f)) ??
    [];
  for (
    const path of [
      "/predict",
      "/api/predict",
      "/upload_train_data",
      "/retrain",
      "/evaluate",
      "/visualize/*",
    ]
  ) app.use(path, originalErrors);

  for (const path of ["/predict", "/api/predict"]) {
    app.post(path, small, async (c) => {
      const record = parseWith(Student, await readFields(c));
      let invalid: SchemaError | undefined;
      let answer;
      try {
        // A whole record is scored at once; a partial one is only checked, to list every problem.
        if (required.every((col) => !blank(record[col.name]))) {
          [answer] = await predictRecords(deps, batcher, COMPAT_PROFILE, [record]);
        } else {
          checkValues(deps, record);
        }
      } catch (error) {
        if (!(error instanceof SchemaError)) throw error;
        invalid = error;
      }
      const detail = fastApiDetail(required, record, invalid);
      if (detail.length > 0 || !answer) {
        const fields = detail.map((d) => d.loc[1]);
        throw new HttpError(
          422,
          `Invalid student: ${fields.length ? fields.join(", ") : "no fields"}`,
          {
            detail,
            issues: detail.map((d) => ({
              field: d.loc[1],
              ...(d.input !== null ? { value: d.input } : {}),
              expected: d.type === "missing" ? "a value (required)" : d.msg,
              message: `Field "${d.loc[1]}": ${d.msg}`,
            })),
          },
        );
      }
      return c.json({ prediction: answer.at_risk ? 1 : 0, ...answer });
    });
  }

  app.post("/upload_train_data", admin, limit(deps.config.limits.uploadBytes), async (c) => {
    const { bytes, name } = await readUpload(c);
    const { info } = await deps.datasets.add(bytes, name);
    // The original split 80/20 with scikit-learn's train_test_split, which rounds the test part up.
    const test = Math.ceil(info.rows * 0.2);
    return c.json({
      message: "Training data uploaded successfully",
      train_records: info.rows - test,
      test_records: test,
      dataset: info.id,
    });
  });

  app.post("/retrain", admin, small, async (c) => {
    const latest = await deps.datasets.latest();
    // The original always replaced its model, so the gate is forced here.
    const started = await deps.jobs.start({
      profile: COMPAT_PROFILE,
      seed: 42,
      force: true,
      ...(await trainingData(deps, latest?.id)),
    });
    const job = await deps.jobs.wait(started.id);
    if (job.state !== "activated") {
      throw new HttpError(500, `Retraining failed: ${job.error ?? job.state}`, {});
    }
    return c.json({ message: "Model retrained successfully", model: job.model, job: job.id });
  });

  app.post("/evaluate", small, (c) => {
    const predictor = deps.models.get(COMPAT_PROFILE);
    if (!predictor) {
      throw new HttpError(503, `No active model for profile "${COMPAT_PROFILE}": call /retrain`);
    }
    const { labels, probabilities } = predictor.metadata.evaluation.test;
    const predicted = probabilities.map((p) => (p >= predictor.threshold ? 1 : 0));
    const matrix = [[0, 0], [0, 0]];
    labels.forEach((y, i) => matrix[y][predicted[i]]++);
    return c.json({
      classification_report: classificationReport(labels, predicted),
      confusion_matrix: matrix,
      // The original sent scikit-learn's 0/1 arrays; its page compares them with 0 and 1.
      y_pred: predicted,
      y_test: labels,
      model: predictor.id,
    });
  });
  return app;
}
