/**
 * Request envelopes, as zod schemas. Zod checks the shape (a student is an
 * object of JSON scalars, `students` an array within the limit, a training
 * request's fields); the pipeline's `Predictor.read` checks each cell against
 * the spec, so a value is judged by one rule whether it arrives by JSON, form
 * or CSV. The OpenAPI document is generated from these same schemas.
 *
 * @module
 */
import { z } from "zod";
import { DEFAULT_KEEP, parsePolicy, POLICY_FORMS } from "../../pipeline/mod.ts";

/** One field of a student: a JSON scalar (the pipeline checks its value). */
export const Cell = z.union([z.string(), z.number(), z.boolean(), z.null()], {
  error: "expected a string, number, boolean or null",
});

/** One student: field name to value. */
export const Student = z.record(z.string(), Cell, { error: "expected an object of fields" });

/**
 * Whether a value passes {@linkcode Student} without running it: a plain object whose values are
 * strings, numbers, booleans or null.
 *
 * @param value A parsed JSON value.
 * @returns True when `Student.parse(value)` would return it unchanged.
 */
export function isStudent(
  value: unknown,
): value is Record<string, string | number | boolean | null> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  for (const v of Object.values(value)) {
    const t = typeof v;
    if (v !== null && t !== "string" && t !== "number" && t !== "boolean") return false;
  }
  return true;
}

/**
 * The many-students body of `POST /v1/predict`: `{"students": [...]}`.
 * (A body without a `students` key is one student, checked by {@linkcode Student}.)
 *
 * @param max The most students in one body.
 * @returns The schema.
 */
export function studentsBody(max: number) {
  return z.strictObject({
    students: z.array(Student, { error: "expected an array of student objects" })
      .min(1, { error: "expected at least 1 student" })
      .max(max, { error: `expected at most ${max} students` }),
  });
}

/** The body of `POST /v1/models/train`. */
export const TrainBody = z.strictObject({
  dataset: z.string().regex(/^[0-9a-f]{64}$/, { error: "expected a dataset id (64 hex digits)" })
    .optional().describe("A stored dataset's id; the server's training CSV when absent"),
  profile: z.string().optional().describe("The profile to train; the spec's default when absent"),
  seed: z.number().int().min(0).optional().describe("The seed of split, weights and shuffling"),
  force: z.boolean().optional().describe("Activate even if the gate rejects the model"),
  epochs: z.number().int().min(1).max(10_000).optional().describe("Override the maximum epochs"),
  policy: z.string().refine((v) => parsePolicy(v) !== undefined, {
    error: `expected ${POLICY_FORMS}`,
  })
    .optional().describe(
      "How the decision threshold (the high band) is chosen on validation: f1 (default), accuracy, " +
        "min-recall:R, min-precision:P (a precision target) or fixed:T",
    ),
});

/** The query of the prediction routes. */
export const ProfileQuery = z.object({
  profile: z.string().min(1).optional(),
});

/** The query of `POST /v1/predict`: the profile, and how many reasons per student (default 5, 0 for none). */
export const PredictQuery = ProfileQuery.extend({
  reasons: z.coerce.number().int().min(0).max(100).default(5),
});

/** The query of `POST /v1/models/prune`. */
export const PruneQuery = z.object({
  keep: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_KEEP),
  dry_run: z.enum(["0", "1", "true", "false"], { error: "expected 0, 1, true or false" })
    .optional(),
});

/** The query of the drift routes: the model (a profile's active one, or an id) and the PSI threshold. */
export const DriftQuery = z.object({
  profile: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  threshold: z.coerce.number().positive().max(1000).optional(),
}).refine((q) => !(q.profile && q.model), {
  message: "give profile or model, not both",
  path: ["model"],
});
