/**
 * The routes, each registering its handlers on the app: parse, call one function, answer. Beside
 * them the request schemas and the OpenAPI document generated from them.
 *
 * @module
 */
export * from "./admin.ts";
export * from "./bench.ts";
export * from "./caseload.ts";
export * from "./compat.ts";
export * from "./drift.ts";
export * from "./openapi.ts";
export * from "./predict.ts";
export * from "./schemas.ts";
export * from "./system.ts";
export * from "./visualize.ts";
