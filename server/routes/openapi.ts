/**
 * The OpenAPI 3.1 document of every route, served at `/openapi.json` and shown
 * by Swagger UI at `/docs`. The student schema is generated from the dataset
 * spec, the request envelopes from the zod schemas the routes check with.
 *
 * @module
 */
import { z } from "zod";
import { type ColumnSpec, type DatasetSpec, DEFAULT_KEEP } from "../../pipeline/mod.ts";
import { TrainBody } from "./schemas.ts";
import { caseloadPaths } from "./caseload_openapi.ts";

type Json = Record<string, unknown>;

/**
 * The JSON Schema of one column's values, as the pipeline accepts them.
 *
 * @param col The column.
 * @returns A JSON Schema (null always allowed: a missing value is imputed).
 */
export function columnSchema(col: ColumnSpec): Json {
  const base: Json = col.description ? { description: col.description } : {};
  switch (col.type) {
    case "category":
      return { ...base, enum: [...col.values!, null] };
    case "ordinal":
      return { ...base, enum: [...col.values!, null] };
    case "boolean":
      return {
        ...base,
        enum: [...col.true_values!, ...col.false_values!, true, false, 0, 1, null],
      };
    case "integer":
    case "number":
      return {
        ...base,
        type: [col.type, "string", "null"],
        ...(col.min !== undefined ? { minimum: col.min } : {}),
        ...(col.max !== undefined ? { maximum: col.max } : {}),
      };
  }
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, description = "OK") => ({
  description,
  content: { "application/json": { schema } },
});
const error = (description: string) => json(ref("Error"), description);
const admin = { security: [{ bearer: [] }] };
const adminErrors = {
  "401": error("Missing or wrong admin token"),
  "403": error("Admin disabled (no ADMIN_TOKEN)"),
};
const profileParam = {
  name: "profile",
  in: "query",
  required: false,
  schema: { type: "string" },
  description: "The feature profile; the spec's default when absent",
};
const reasonsParam = {
  name: "reasons",
  in: "query",
  required: false,
  schema: { type: "integer", minimum: 0, maximum: 100, default: 5 },
  description:
    "How many top reasons each prediction carries (exact TreeSHAP or linear shares for trees and logistic models, Integrated Gradients for a network; they add up to the probability minus the baseline's); 0 for none",
};
const batchReasonsParam = {
  ...reasonsParam,
  schema: { type: "integer", minimum: 0, maximum: 100, default: 3 },
  description:
    "How many top reasons each row carries: NDJSON rows carry `reasons` and `baseline`; CSV gets `baseline` and `reason_1` … `reason_N` columns, each a sentence such as `Grade_2 = 8 raises risk +12.3 pts`; an input that was not given is never a reason; 0 for none",
};
const driftParams = [
  profileParam,
  {
    name: "model",
    in: "query",
    required: false,
    schema: { type: "string" },
    description: "A model id instead of the profile's active model",
  },
  {
    name: "threshold",
    in: "query",
    required: false,
    schema: { type: "number", exclusiveMinimum: 0, default: 0.2 },
    description: "The PSI from which an input counts as drifted",
  },
];
const driftErrors = {
  "404": error("Unknown model or dataset"),
  "409": error("The model predates drift statistics (retrain it)"),
};
const pathParam = (name: string) => ({
  name,
  in: "path",
  required: true,
  schema: { type: "string" },
});
const form = (schema: Json) => ({
  required: true,
  content: {
    "application/json": { schema },
    "application/x-www-form-urlencoded": { schema },
    "multipart/form-data": { schema },
  },
});
const upload = {
  required: true,
  content: {
    "text/csv": { schema: { type: "string" } },
    "multipart/form-data": {
      schema: { type: "object", properties: { file: { type: "string", format: "binary" } } },
    },
  },
};

/**
 * Builds the OpenAPI document.
 *
 * @param spec The dataset spec (the student schema and profile names come from it).
 * @returns The document.
 */
export function openApiDocument(spec: DatasetSpec): Json {
  const features = spec.columns.filter((c) => c.name !== spec.target.column);
  const seed = spec.profiles.seed?.features ?? [];
  const student = {
    type: "object",
    description: "One student; a missing field is imputed and listed in `imputed`",
    properties: Object.fromEntries(features.map((c) => [c.name, columnSchema(c)])),
  };
  const schemas: Json = {
    Student: student,
    SeedStudent: {
      type: "object",
      description: "The original system's 13 fields (the seed profile)",
      properties: Object.fromEntries(
        features.filter((c) => seed.includes(c.name)).map((c) => [c.name, columnSchema(c)]),
      ),
    },
    Prediction: {
      type: "object",
      properties: {
        probability: { type: "number" },
        at_risk: { type: "boolean" },
        band: { enum: ["low", "medium", "high"] },
        threshold: { type: "number" },
        model: { type: "string" },
        profile: { type: "string" },
        imputed: { type: "array", items: { type: "string" } },
        unknown: { type: "array", items: { type: "string" } },
        ignored: {
          type: "array",
          items: { type: "string" },
          description:
            "Fields sent that this model does not read: unknown to the spec (e.g. misspelt), outside the profile, or left out by the model's feature selection",
        },
        warning: {
          type: "string",
          description:
            "Present when the imputed inputs carry most (over half) of the model's permutation importance: the probability then says more about the training average than about the student",
        },
        field_warning: {
          type: "string",
          description:
            'Present when a field sent is not a column but resembles an input that was not given (`Grade1` for `Grade_1`): "Unknown field "Grade1": did you mean "Grade_1"? It was imputed"',
        },
        baseline: {
          type: "number",
          description:
            "With reasons: the probability of the baseline student the contributions are changes from",
        },
        reasons: {
          type: "array",
          description:
            "The features that moved this student's probability most, against the baseline student (`baseline`); all features' contributions add up to the probability minus the baseline; an input that was not given (imputed) is never a reason",
          items: {
            type: "object",
            properties: {
              feature: { type: "string" },
              value: { type: ["string", "number", "null"] },
              contribution: { type: "number", description: "Signed change in probability" },
              direction: { enum: ["raises", "lowers"] },
            },
          },
        },
      },
    },
    Error: {
      type: "object",
      required: ["error"],
      properties: {
        error: { type: "string" },
        issues: {
          type: "array",
          items: {
            type: "object",
            properties: {
              row: { type: "integer" },
              field: { type: "string" },
              value: {},
              expected: { type: "string" },
              message: { type: "string" },
            },
          },
        },
        total: { type: "integer" },
        request_id: { type: "string" },
      },
    },
    TrainRequest: z.toJSONSchema(TrainBody, { target: "draft-2020-12" }),
  };
  const predictErrors = {
    "400": error("Malformed body or unknown profile"),
    "413": error("Body too large"),
    "422": error("Invalid fields, each named, or none of the model's inputs given"),
    "503": error("No active model for the profile"),
  };
  const paths: Json = {
    "/health": { get: { summary: "Process is up", responses: { "200": json({}) } } },
    "/ready": {
      get: {
        summary: "Models are loaded",
        responses: { "200": json({}), "503": error("Not ready") },
      },
    },
    "/metrics": {
      get: {
        summary: "Prometheus metrics",
        responses: { "200": { description: "Text format", content: { "text/plain": {} } } },
      },
    },
    "/v1/spec": {
      get: { summary: "The dataset spec and profiles", responses: { "200": json({}) } },
    },
    "/v1/predict": {
      post: {
        summary: "Score one student, or {students: [...]}",
        parameters: [profileParam, reasonsParam],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                oneOf: [ref("Student"), {
                  type: "object",
                  properties: { students: { type: "array", items: ref("Student") } },
                }],
              },
            },
          },
        },
        responses: {
          "200": json({
            oneOf: [ref("Prediction"), {
              type: "object",
              description: "The answer to {students: [...]}: one prediction per student, in order",
              required: ["predictions"],
              properties: { predictions: { type: "array", items: ref("Prediction") } },
            }],
          }),
          ...predictErrors,
          "415": error("Not JSON by its content type (a body without a type is read as JSON)"),
        },
      },
    },
    "/v1/predict/batch": {
      post: {
        summary: "Score a CSV or NDJSON body (up to 1,000,000 rows), streamed back",
        description:
          "The answer is CSV or NDJSON by Accept. An absent column or field is imputed: `imputed` " +
          "is each row's count of imputed inputs, or their names with `imputed=names`; " +
          "a bad row, or one giving none of the inputs the model reads, gets an error entry",
        parameters: [profileParam, batchReasonsParam, {
          name: "imputed",
          in: "query",
          required: false,
          schema: { type: "string", enum: ["count", "names"], default: "count" },
          description: "Each row's imputed inputs as their count, or their names (space-separated)",
        }],
        requestBody: {
          required: true,
          content: {
            "text/csv": {
              schema: { type: "string" },
              description:
                "Comma-separated; a header without commas but with semicolons or tabs is read with those",
            },
            "application/x-ndjson": { schema: { type: "string" } },
            "multipart/form-data": upload.content["multipart/form-data"],
          },
        },
        responses: {
          "200": {
            description:
              "Stream. CSV columns: row, the file's unknown columns (ids), probability, at_risk, band, imputed (a count, or names with imputed=names), warning, then with reasons baseline and reason_1 … reason_N, and error; text cells a spreadsheet would run as formulas start with '. NDJSON: one Prediction per row with `row` (or `row` and `error`)",
            headers: {
              "X-Model": { schema: { type: "string" }, description: "The model that scored" },
              "X-Field-Warning": {
                schema: { type: "string" },
                description: "Header columns that resemble an input the file lacks (a misspelling)",
              },
            },
            content: {
              "text/csv": { schema: { type: "string" } },
              "application/x-ndjson": { schema: ref("Prediction") },
            },
          },
          ...predictErrors,
          "415": error("Unsupported content type"),
        },
      },
    },
    "/v1/datasets": {
      get: {
        summary: "Stored datasets with rows and prevalence",
        ...admin,
        responses: { "200": json({}), ...adminErrors },
      },
      post: {
        summary: "Upload a training CSV (validated, stored by content hash)",
        ...admin,
        requestBody: upload,
        responses: {
          "201": json({}, "Stored"),
          "200": json({}, "Already stored"),
          ...adminErrors,
          "415": error("Not a CSV's content type (e.g. JSON)"),
          "422": error("Every problem with the file"),
        },
      },
    },
    "/v1/datasets/{id}/drift": {
      get: {
        summary:
          "A stored dataset against a model's training data: PSI, unseen values and missing rates per input",
        ...admin,
        parameters: [pathParam("id"), ...driftParams],
        responses: { "200": json({}), ...adminErrors, ...driftErrors },
      },
    },
    "/v1/drift": {
      post: {
        summary:
          "Rows (CSV, NDJSON or a multipart file, as the batch route reads them) against a model's training data",
        parameters: driftParams,
        requestBody: {
          required: true,
          content: {
            "text/csv": { schema: { type: "string" } },
            "application/x-ndjson": { schema: { type: "string" } },
            "multipart/form-data": upload.content["multipart/form-data"],
          },
        },
        responses: {
          "200": json({}, "The report; `skipped` counts rows that could not be read"),
          ...driftErrors,
          "415": error("Unsupported content type"),
          "422": error("No row the model could read"),
        },
      },
    },
    "/v1/models/train": {
      post: {
        summary: "Start a training job",
        ...admin,
        requestBody: {
          required: true,
          content: { "application/json": { schema: ref("TrainRequest") } },
        },
        responses: {
          "202": json({}, "Job started"),
          ...adminErrors,
          "415": error("Not JSON by its content type"),
          "404": error("Unknown dataset"),
          "409": error("A job is already running for the profile"),
        },
      },
    },
    "/v1/jobs/{id}": {
      get: {
        summary:
          "A job's state, progress and warnings (such as training data that drifted from the active model's)",
        ...admin,
        parameters: [pathParam("id")],
        responses: { "200": json({}), ...adminErrors, "404": error("Unknown job") },
      },
    },
    "/v1/models": { get: { summary: "Every model", responses: { "200": json({}) } } },
    "/v1/models/prune": {
      post: {
        summary:
          `Remove old models, keeping the active ones and the newest keep (default ${DEFAULT_KEEP}) of each profile`,
        ...admin,
        parameters: [
          {
            name: "keep",
            in: "query",
            required: false,
            schema: { type: "integer", minimum: 1, default: DEFAULT_KEEP },
            description: "Models kept per profile beside the active ones",
          },
          {
            name: "dry_run",
            in: "query",
            required: false,
            schema: { type: "string", enum: ["0", "1", "true", "false"] },
            description: "1 or true: only list what would be removed",
          },
        ],
        responses: {
          "200": json({}, "The removed and kept model ids"),
          "400": error("Invalid keep or dry_run"),
          ...adminErrors,
        },
      },
    },
    "/v1/models/{id}": {
      get: {
        summary: "A model's metadata",
        parameters: [pathParam("id")],
        responses: { "200": json({}), "404": error("Unknown model") },
      },
    },
    "/v1/models/{id}/activate": {
      post: {
        summary: "Activate a model (rollback)",
        ...admin,
        parameters: [pathParam("id")],
        responses: { "200": json({}), ...adminErrors, "404": error("Unknown model") },
      },
    },
    "/v1/models/{id}/evaluation": {
      get: {
        summary: "Test metrics, confusion matrix, ROC, PR and calibration",
        parameters: [pathParam("id")],
        responses: { "200": json({}), "404": error("Unknown model") },
      },
    },
    "/v1/visualize/{feature}": {
      get: {
        summary: "A Plotly figure of a feature by dropout status, with an interpretation",
        parameters: [pathParam("feature")],
        responses: { "200": json({}), "404": error("Unknown feature (valid names listed)") },
      },
    },
  };
  const compat = (summary: string) => ({ summary: `Original API: ${summary}`, tags: ["original"] });
  paths["/predict"] = {
    post: {
      ...compat("predict with the seed model"),
      requestBody: form(ref("SeedStudent")),
      responses: {
        "200": json({}),
        "422": error(
          'Every field is required: FastAPI\'s {"detail": [{"type", "loc": ["body", field], "msg", "input"}]}',
        ),
      },
    },
  };
  paths["/api/predict"] = paths["/predict"];
  paths["/upload_train_data"] = {
    post: {
      ...compat("upload a training CSV (field file)"),
      ...admin,
      requestBody: upload,
      responses: { "200": json({}), ...adminErrors },
    },
  };
  paths["/retrain"] = {
    post: {
      ...compat("retrain the seed model and activate it"),
      ...admin,
      responses: { "200": json({}), ...adminErrors },
    },
  };
  paths["/evaluate"] = {
    post: { ...compat("classification report of the seed model"), responses: { "200": json({}) } },
  };
  paths["/visualize/{feature}"] = {
    get: {
      ...compat("feature figure, with image: the figure as a base64 PNG"),
      parameters: [pathParam("feature")],
      responses: { "200": json({}) },
    },
  };
  Object.assign(paths, caseloadPaths());
  return {
    openapi: "3.1.0",
    info: {
      title: "Student dropout early warning",
      version: "1.0.0",
      description: `Scores students with the ${spec.name} models. Profiles: ${
        Object.keys(spec.profiles).join(", ")
      }`,
    },
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    },
  };
}
