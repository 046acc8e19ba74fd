/**
 * Training inside the server: uploaded datasets, the job runner and its worker, the promotion gate
 * a new model must pass, and training the models a fresh registry lacks. The worker
 * (train_worker.ts) is started by URL and is not re-exported.
 *
 * @module
 */
export * from "./ensure_models.ts";
export * from "./gate.ts";
export * from "./jobs.ts";
export * from "./uploads.ts";
