/**
 * Operations seen from outside: structured logs and Prometheus metrics. The bottom layer of the
 * server: every other folder may log and count, and nothing here imports the rest of the server.
 *
 * @module
 */
export * from "./log.ts";
export * from "./prometheus.ts";
