/**
 * A record body read as it arrives, the same way on every route that takes rows (`/v1/predict/batch`,
 * `/v1/drift`): CSV or NDJSON, raw or as the `file` field of a multipart body, under one byte limit
 * and the multipart reader's limits (parts, boundary, part headers). Nothing is read whole: the
 * multipart file is a stream, and a route reads its rows only as fast as it handles them.
 *
 * @module
 */
import type { Context } from "hono";
import type { BodyCredit } from "./body_credit.ts";
import { HttpError } from "./http_errors.ts";
import { multipartField } from "./multipart.ts";
import { limitedBody } from "./request.ts";

/** Formats of a record body. */
export type RecordFormat = "csv" | "ndjson";

/**
 * The record format a media type names.
 *
 * @param type A Content-Type (parameters allowed).
 * @returns `csv`, `ndjson`, or undefined for any other type.
 */
export function recordFormatOf(type: string | undefined): RecordFormat | undefined {
  const t = (type ?? "").split(";")[0].trim().toLowerCase();
  if (t === "text/csv") return "csv";
  if (["application/x-ndjson", "application/ndjson", "application/jsonl"].includes(t)) {
    return "ndjson";
  }
  return undefined;
}

/**
 * Opens a record body as a text stream: `text/csv` or NDJSON, or a multipart body whose `file`
 * field holds one (its format from the part's type, else its name: `.ndjson`/`.jsonl` or CSV).
 *
 * @param c The request context.
 * @param maxSize The most bytes of the whole body.
 * @param credit The front's body credit, when the server runs behind the front: the body is then
 *   passed on no faster than it is read.
 * @returns The format and the text, read lazily.
 * @throws HttpError 415 for another content type, 400 for a multipart body without `file`, 413
 *   at once when Content-Length is over the limit (the stream errors with 413 past it).
 */
export async function recordBody(
  c: Context,
  maxSize: number,
  credit?: BodyCredit,
): Promise<{ format: RecordFormat; text: AsyncIterable<string> }> {
  const type = c.req.header("content-type") ?? "";
  if (type.toLowerCase().startsWith("multipart/form-data")) {
    const part = await multipartField(limitedBody(c, maxSize, credit), type, "file");
    if (!part) throw new HttpError(400, 'Invalid multipart body: expected a file in field "file"');
    const format = recordFormatOf(part.contentType) ??
      (/\.(nd)?jsonl?$/i.test(part.filename ?? "") ? "ndjson" : "csv");
    return { format, text: decoded(part.body) };
  }
  const format = recordFormatOf(type);
  if (!format) {
    throw new HttpError(
      415,
      `Unsupported content type "${type}": expected text/csv, application/x-ndjson or multipart/form-data`,
    );
  }
  return { format, text: decoded(limitedBody(c, maxSize, credit)) };
}

/** UTF-8 text of a byte stream, read as it is pulled. */
async function* decoded(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const chunk of bytes) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}
