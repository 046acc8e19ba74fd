/**
 * Models in memory, serving predictions: the pool of active models and their leases, the
 * micro-batcher, scoring records for any route, and scoring a streamed batch. The PNG renderer
 * (png.ts) is left out of this door on purpose: routes import it lazily, so a server that never
 * draws an image never loads its WebAssembly.
 *
 * @module
 */
export * from "./batch_scoring.ts";
export * from "./microbatch.ts";
export * from "./model_pool.ts";
export * from "./predictions.ts";
