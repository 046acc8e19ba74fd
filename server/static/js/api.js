// @ts-check
/**
 * The page's client of the prediction API (described at `/openapi.json`).
 * Every call answers parsed JSON or throws an {@linkcode ApiError} carrying
 * the server's message and field issues. The admin token lives in
 * `sessionStorage` only: it is gone when the tab closes.
 *
 * The types are the server's own (JSDoc imports, checked by `deno check`;
 * the browser never loads them).
 *
 * @module
 */

/**
 * @typedef {import("../../../pipeline/mod.ts").DatasetSpec} DatasetSpec
 * @typedef {import("../../../pipeline/mod.ts").ColumnSpec} ColumnSpec
 * @typedef {import("../../../pipeline/mod.ts").Profile} Profile
 * @typedef {import("../../../pipeline/mod.ts").ModelMetadata} ModelMetadata
 * @typedef {import("../../../pipeline/mod.ts").ModelSummary} ModelSummary
 * @typedef {import("../../../pipeline/mod.ts").CurvePoint} CurvePoint
 * @typedef {import("../../../pipeline/mod.ts").Metrics} Metrics
 * @typedef {import("../../config/mod.ts").PredictionOut} PredictionOut
 * @typedef {import("../../http/mod.ts").ErrorBody} ErrorBody
 * @typedef {import("../../http/mod.ts").FieldIssue} FieldIssue
 * @typedef {import("../../training/mod.ts").Job} Job
 * @typedef {import("../../training/mod.ts").DatasetInfo} DatasetInfo
 * @typedef {import("../../../pipeline/mod.ts").DriftReport} DriftReport
 */

/**
 * A profile as `/v1/spec` describes it.
 * @typedef {Profile & { leaks: string[]; active_model: string | null }} ProfileInfo
 */

/**
 * The answer of `GET /v1/spec`.
 * @typedef {import("../../../pipeline/mod.ts").SpecTexts} SpecTexts
 * @typedef {{ spec: DatasetSpec; texts: SpecTexts; default_profile: string; profiles: Record<string, ProfileInfo> }} SpecAnswer
 */

/**
 * The answer of `GET /v1/models/{id}/evaluation`.
 * @typedef {{
 *   model: string;
 *   profile: string;
 *   threshold: number;
 *   metrics: { test: Metrics; validation: Metrics };
 *   confusion_matrix: { labels: string[]; matrix: number[][] };
 *   roc: CurvePoint[];
 * }} EvaluationAnswer
 */

/**
 * The answer of `GET /v1/visualize/{feature}`.
 * @typedef {{ feature: string; interpretation: string; figure: { data: object[]; layout: Record<string, unknown> } }} FigureAnswer
 */

const TOKEN_KEY = "dropout.adminToken";

/** An error answer of the API: its status, message and field issues. */
export class ApiError extends Error {
  /**
   * @param {number} status The HTTP status.
   * @param {ErrorBody} body The error body.
   */
  constructor(status, body) {
    super(body.error || `Request failed with status ${status}`);
    this.name = "ApiError";
    /** The HTTP status. */
    this.status = status;
    /** Field-level problems, when the server named fields. @type {FieldIssue[]} */
    this.issues = body.issues ?? [];
  }
}

/**
 * The admin token of this tab.
 *
 * @returns {string} The token, or "" when none was given.
 */
export function adminToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? "";
}

/**
 * Keeps (or with "" forgets) the admin token for this tab.
 *
 * @param {string} token The token.
 */
export function setAdminToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * Throws an ApiError for a failed response.
 *
 * @param {Response} res The response.
 * @returns {Promise<Response>} The same response when it succeeded.
 */
export async function checked(res) {
  if (res.ok) return res;
  /** @type {ErrorBody} */
  let body;
  try {
    body = await res.json();
  } catch {
    body = { error: `Request failed with status ${res.status}` };
  }
  if (res.status === 401) {
    body = { ...body, error: "The admin token was refused: type the server's ADMIN_TOKEN" };
  }
  throw new ApiError(res.status, body);
}

/**
 * Calls the API and reads JSON.
 *
 * @template T
 * @param {string} path The path and query.
 * @param {{ method?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string>; admin?: boolean; signal?: AbortSignal }} [options]
 * @returns {Promise<T>} The parsed answer.
 */
export async function call(path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: "application/json", ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  if (options.admin) headers.authorization = `Bearer ${adminToken()}`;
  const res = await checked(
    await fetch(path, {
      method: options.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      body,
      signal: options.signal,
    }),
  );
  return await res.json();
}

/** @param {string} s */
const enc = (s) => encodeURIComponent(s);

/** The API's calls, one function per route the page uses. */
export const api = {
  /** @returns {Promise<SpecAnswer>} */
  spec: () => call("/v1/spec"),
  /**
   * @param {string} profile
   * @param {Record<string, string | number>} student
   * @returns {Promise<PredictionOut>}
   */
  predict: (profile, student) =>
    call(`/v1/predict?profile=${enc(profile)}&reasons=5`, { json: student }),
  /**
   * Starts scoring a CSV; the answer streams back as CSV.
   *
   * @param {string} profile
   * @param {Blob} file
   * @param {AbortSignal} signal
   * @returns {Promise<Response>}
   */
  batch: async (profile, file, signal) =>
    checked(
      await fetch(`/v1/predict/batch?profile=${enc(profile)}`, {
        method: "POST",
        headers: { "content-type": "text/csv", accept: "text/csv" },
        body: file,
        signal,
      }),
    ),
  /**
   * Compares a CSV with the training data of the profile's active model.
   *
   * @param {string} profile
   * @param {Blob} file
   * @returns {Promise<DriftReport & { skipped: number }>}
   */
  drift: (profile, file) =>
    call(`/v1/drift?profile=${enc(profile)}`, {
      body: file,
      headers: { "content-type": "text/csv" },
    }),
  /**
   * Compares an uploaded dataset with the training data of the profile's active model.
   *
   * @param {string} dataset
   * @param {string} profile
   * @returns {Promise<DriftReport & { dataset: string }>}
   */
  datasetDrift: (dataset, profile) =>
    call(`/v1/datasets/${enc(dataset)}/drift?profile=${enc(profile)}`, { admin: true }),
  /**
   * @param {string} feature
   * @returns {Promise<FigureAnswer>}
   */
  visualize: (feature) => call(`/v1/visualize/${enc(feature)}`),
  /** @returns {Promise<{ models: ModelSummary[]; active: Record<string, string> }>} */
  models: () => call("/v1/models"),
  /**
   * @param {string} id
   * @returns {Promise<Omit<ModelMetadata, "evaluation">>}
   */
  model: (id) => call(`/v1/models/${enc(id)}`),
  /**
   * @param {string} id
   * @returns {Promise<EvaluationAnswer>}
   */
  evaluation: (id) => call(`/v1/models/${enc(id)}/evaluation`),
  /**
   * @param {string} id
   * @returns {Promise<{ profile: string; active: string; previous: string | null }>}
   */
  activate: (id) => call(`/v1/models/${enc(id)}/activate`, { json: {}, admin: true }),
  /**
   * @param {File} file
   * @returns {Promise<{ dataset: DatasetInfo; created: boolean }>}
   */
  upload: (file) => {
    const form = new FormData();
    form.append("file", file, file.name);
    return call("/v1/datasets", { body: form, admin: true });
  },
  /**
   * @param {{ profile: string; dataset?: string; seed?: number; epochs?: number; force?: boolean }} request
   * @returns {Promise<{ job: Job }>}
   */
  train: (request) => call("/v1/models/train", { json: request, admin: true }),
  /**
   * @param {string} id
   * @returns {Promise<Job>}
   */
  job: (id) => call(`/v1/jobs/${enc(id)}`, { admin: true }),
  /**
   * Asks the server whether a token opens the admin routes, with a read-only admin request.
   *
   * @param {string} token The token to try (not kept).
   * @returns {Promise<"accepted" | "refused" | "disabled">} The server's verdict.
   */
  checkToken: async (token) => {
    const res = await fetch("/v1/datasets", {
      headers: { accept: "application/json", authorization: `Bearer ${token}` },
    });
    await res.body?.cancel();
    if (res.ok) return "accepted";
    if (res.status === 401) return "refused";
    if (res.status === 403) return "disabled";
    throw new Error(`Cannot check the token: the server answered ${res.status}`);
  },
};
