/**
 * The HTTP transport: the TCP front that holds clients to time limits (guard) and streamed bodies
 * to their routes' pace (body_credit), typed HTTP errors and the one error handler, bounded
 * request bodies (request, multipart, csv_stream) and paced loops over them (pace), the admin
 * token check, headers every answer carries, and the in-flight bookkeeping of a graceful stop. It
 * knows nothing of models.
 *
 * @module
 */
export * from "./auth.ts";
export * from "./body_credit.ts";
export * from "./body_stream.ts";
export * from "./csv_stream.ts";
export * from "./drain.ts";
export * from "./fd_limit.ts";
export * from "./guard.ts";
export * from "./headers.ts";
export * from "./http_errors.ts";
export * from "./multipart.ts";
export * from "./pace.ts";
export * from "./request.ts";
