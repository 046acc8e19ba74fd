/**
 * The OpenAPI paths of the caseload routes, merged into the document by `openapi.ts`.
 *
 * @module
 */
import { ACTION_KINDS } from "../caseload/mod.ts";

type Json = Record<string, unknown>;

const json = (description = "OK", schema: Json = { type: "object" }) => ({
  description,
  content: { "application/json": { schema } },
});
const error = (description: string) => json(description, { $ref: "#/components/schemas/Error" });
const csvBody = (description: string) => ({
  required: true,
  description,
  content: {
    "text/csv": { schema: { type: "string" } },
    "multipart/form-data": {
      schema: { type: "object", properties: { file: { type: "string", format: "binary" } } },
    },
  },
});
const bearer = { security: [{ bearer: [] }], tags: ["caseload"] };
const auth = { "401": error("Missing or unknown bearer token") };
const adminOnly = { ...auth, "403": error("The caller is not an admin") };
const badFile = {
  "413": error("Body too large"),
  "422": error("Every problem with the file, each naming its row and column; nothing is stored"),
};
const path = (name: string, description: string) => ({
  name,
  in: "path",
  required: true,
  schema: { type: "string" },
  description,
});
const query = (name: string, description: string, schema: Json = { type: "string" }) => ({
  name,
  in: "query",
  required: false,
  schema,
  description,
});
const cohort = path("id", "The cohort id");
const student = path("student", "The student id, as imported");
const notFound = { "404": error("No such cohort or student, or not one of the caller's students") };

/**
 * The caseload's paths.
 *
 * @returns OpenAPI path items by path.
 */
export function caseloadPaths(): Json {
  return {
    "/v1/cohorts": {
      get: {
        ...bearer,
        summary: "The cohorts, newest first",
        responses: { "200": json(), ...auth },
      },
      post: {
        ...bearer,
        summary: "Import a cohort and score it with the profile's active model (admin)",
        description:
          "A CSV with the spec's input columns, a student id (the spec's id column, else student_id, " +
          "else the column named by ?id=) and an adviser column naming a user with the adviser " +
          "role. Checked whole, stored in one transaction.",
        parameters: [
          query("profile", "The feature profile; the spec's default when absent"),
          query("name", "The cohort's name (the term)"),
          query("id", "The id column"),
        ],
        requestBody: csvBody("The cohort"),
        responses: {
          "201": json("Imported and scored"),
          ...adminOnly,
          ...badFile,
          "503": error("No active model for the profile"),
        },
      },
    },
    "/v1/cohorts/{id}": {
      delete: {
        ...bearer,
        summary: "Delete a cohort and all its students' data; one audit entry (admin)",
        parameters: [cohort],
        responses: { "200": json(), ...adminOnly, ...notFound },
      },
    },
    "/v1/cohorts/{id}/rescore": {
      post: {
        ...bearer,
        summary: "Score the cohort again with the active model, keeping the history (admin)",
        description: "An optional CSV updates the records of the students it names first.",
        parameters: [cohort, query("id", "The id column of the optional CSV")],
        requestBody: { ...csvBody("Updated records (optional)"), required: false },
        responses: { "200": json(), ...adminOnly, ...notFound, ...badFile },
      },
    },
    "/v1/caseload": {
      get: {
        ...bearer,
        summary: "The caller's students, ranked, with reasons and change (an adviser's own only)",
        parameters: [
          { ...query("cohort", "The cohort id"), required: true },
          query("band", "Only this band", { enum: ["low", "medium", "high"] }),
          query("sort", "risk (default) or change", { enum: ["risk", "change"] }),
          query("open", "1: only students whose flag waits for an action", { enum: ["1", "0"] }),
          query("limit", "At most this many (default 500, at most 5000)", { type: "integer" }),
        ],
        responses: { "200": json(), "400": error("A bad filter"), ...auth, ...notFound },
      },
    },
    "/v1/cohorts/{id}/students/{student}": {
      get: {
        ...bearer,
        summary: "A student's record: inputs, every scoring, reasons, actions (audited)",
        parameters: [cohort, student],
        responses: { "200": json(), ...auth, ...notFound },
      },
    },
    "/v1/cohorts/{id}/students/{student}/actions": {
      post: {
        ...bearer,
        summary: "Record an action; it closes the student's open flag",
        parameters: [cohort, student],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["kind"],
                properties: {
                  kind: { enum: [...ACTION_KINDS] },
                  note: { type: "string", maxLength: 2000 },
                },
              },
            },
          },
        },
        responses: {
          "201": json("Recorded, with author and time"),
          "400": error("A bad kind or note"),
          ...auth,
          "403": error("A viewer may not record actions"),
          ...notFound,
        },
      },
    },
    "/v1/cohorts/{id}/outcomes": {
      post: {
        ...bearer,
        summary: "Record outcomes: a CSV of student ids and outcomes (admin)",
        description:
          "Columns: student_id (or ?id=) and outcome (1/0, true/false, yes/no) or the spec's target column.",
        parameters: [cohort, query("id", "The id column")],
        requestBody: csvBody("The outcomes"),
        responses: { "200": json(), ...adminOnly, ...notFound, ...badFile },
      },
    },
    "/v1/cohorts/{id}/performance": {
      get: {
        ...bearer,
        summary:
          "Realized performance of each scoring (ROC-AUC, PR-AUC, Brier, calibration, recall and precision at the flagged share), and outcomes with and without actions per band: a comparison, not an effect",
        parameters: [cohort],
        responses: { "200": json(), ...auth, ...notFound },
      },
    },
    "/v1/audit": {
      get: {
        ...bearer,
        summary: "The append-only audit log, oldest first (admin); CSV with ?format=csv",
        parameters: [
          query("after", "Entries after this id", { type: "integer" }),
          query("limit", "At most this many (default 1000, at most 10000)", { type: "integer" }),
          query("format", "csv for a CSV export (itself audited)", { enum: ["json", "csv"] }),
        ],
        responses: {
          "200": {
            description: "The entries",
            content: { "application/json": { schema: { type: "object" } }, "text/csv": {} },
          },
          "400": error("A bad after, limit or format"),
          ...adminOnly,
        },
      },
    },
  };
}
