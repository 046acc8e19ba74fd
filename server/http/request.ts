/**
 * Reading request bodies the same way on every route: a body limit answering 413 in the app's
 * error format, a byte-counting stream for bodies read as they arrive, and JSON and form parsing
 * that answers 400 naming what was malformed.
 *
 * @module
 */
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { shownValue } from "../../pipeline/mod.ts";
import { HttpError } from "./http_errors.ts";

/**
 * A body limit answering 413 in the app's error format.
 *
 * @param maxSize The most bytes.
 * @returns The middleware.
 */
export function limit(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: (c) =>
      c.json({ error: `Payload too large: this route takes at most ${maxSize} bytes` }, 413),
  });
}

// application/json or a structured +json type, with or without parameters.
const JSON_TYPE = /^\s*application\/(?:[\w.!#$&^-]+\+)?json\s*(?:;|$)/i;

/**
 * Refuses a body whose content type is not JSON (415); a body sent without a type is read as JSON.
 * `fetch()` labels a string body `text/plain`, so a client must say `application/json`.
 *
 * @param c The request context.
 * @throws HttpError 415.
 */
export function requireJsonType(c: Context): void {
  const type = c.req.header("content-type");
  if (type && !JSON_TYPE.test(type)) {
    throw new HttpError(
      415,
      `Unsupported content type "${shownValue(type)}": expected application/json`,
    );
  }
}

/**
 * Reads a JSON body, answering 400 when it is not JSON.
 *
 * @param c The request context.
 * @returns The parsed value.
 * @throws HttpError 400.
 */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new HttpError(400, `Malformed JSON body: ${(cause as Error).message}`);
  }
}

/**
 * Parses a multipart or URL-encoded body, answering 400 when it is malformed
 * (a missing boundary, a truncated part): the parsers throw a plain TypeError.
 *
 * @param parse Parses the body, e.g. `() => c.req.formData()`.
 * @returns What `parse` gives.
 * @throws HttpError 400 (an HttpError from the body stream, such as 413, passes through).
 */
export async function readForm<T>(parse: () => Promise<T>): Promise<T> {
  try {
    return await parse();
  } catch (cause) {
    if (cause instanceof HttpError) throw cause;
    throw new HttpError(400, `Malformed form body: ${(cause as Error).message}`);
  }
}

/**
 * The request body with a byte limit that streams (hono's `bodyLimit` buffers
 * bodies sent without a length, which would hold up to the whole limit in memory).
 *
 * @param c The request context.
 * @param maxSize The most bytes.
 * @returns The body stream; it errors with HttpError 413 past the limit.
 * @throws HttpError 413 at once when Content-Length is over the limit.
 */
export function limitedBody(c: Context, maxSize: number): ReadableStream<Uint8Array> {
  const tooLarge = () =>
    new HttpError(413, `Payload too large: this route takes at most ${maxSize} bytes`);
  if (Number(c.req.header("content-length") ?? 0) > maxSize) throw tooLarge();
  let size = 0;
  return (c.req.raw.body ?? new Response("").body!).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > maxSize) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
}
