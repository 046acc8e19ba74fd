/**
 * `multipart/form-data` read as a stream (RFC 7578 over RFC 2046): the body's
 * bytes are scanned for the boundary as they arrive, each part's headers are
 * read (Content-Disposition `name` and `filename`, Content-Type), and a part's
 * content is handed on as a stream that reads the request only when its reader
 * pulls. Nothing is held but the unread tail of the last chunk (shorter than
 * the boundary) and one part's headers, so a 500 MB upload costs what a 5 KB
 * one does, and a slow reader slows the client down instead of filling memory.
 *
 * Hand-written because no well-kept npm parser does this under Deno: the web
 * stream ones (`@remix-run/multipart-parser`, `@mjackson/multipart-parser`)
 * buffer every part's content whole (`part.bytes`, with a `maxFileSize`
 * default of 2 MiB), and busboy, `@fastify/busboy`, dicer and formidable push
 * Node streams, whose pause/resume would have to be bridged by hand to a pulled
 * web stream to keep back-pressure. `Request.formData()` holds the whole body
 * and a copy of every file.
 *
 * Malformed bodies fail with HttpError 400 whose message starts
 * `Malformed form body:` and says what was wrong and in which part.
 *
 * @module
 */
import { HttpError } from "./http_errors.ts";

/** Bounds of a multipart body. */
export interface MultipartLimits {
  /** The most bytes of one part's header block. */
  headerBytes: number;
  /** The most parts in one body. */
  parts: number;
}

/** Default bounds: 8 KiB of headers per part, 32 parts. */
export const MULTIPART_LIMITS: MultipartLimits = { headerBytes: 8 * 1024, parts: 32 };

/** One part of a multipart body. */
export interface MultipartPart {
  /** The Content-Disposition `name`. */
  name: string;
  /** The Content-Disposition `filename` (or `filename*`), when the part is a file. */
  filename?: string;
  /** The part's Content-Type, when given. */
  contentType?: string;
  /** Its content; it errors with HttpError 400 when the body ends inside it. */
  body: ReadableStream<Uint8Array>;
}

const CR = 13;
const LF = 10;
const DASH = 45;
const CRLFCRLF = new Uint8Array([CR, LF, CR, LF]);

function malformed(detail: string): HttpError {
  return new HttpError(400, `Malformed form body: ${detail}`);
}

/**
 * The boundary of a `multipart/form-data` content type.
 *
 * @param contentType The Content-Type header.
 * @returns The boundary.
 * @throws HttpError 400 when there is none or it is longer than RFC 2046's 70 characters.
 */
export function multipartBoundary(contentType: string): string {
  const match = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2] ?? "";
  if (boundary === "") {
    throw malformed(
      "the Content-Type header has no boundary, expected multipart/form-data; boundary=…",
    );
  }
  if (boundary.length > 70) {
    throw malformed(`the boundary has ${boundary.length} characters, expected at most 70`);
  }
  return boundary;
}

/** Where `needle` starts in `haystack` at or after `from`, or -1. */
function find(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (
    let i = haystack.indexOf(first, from);
    i >= 0 && i <= last;
    i = haystack.indexOf(first, i + 1)
  ) {
    let k = 1;
    while (k < needle.length && haystack[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}

/** The length of the longest end of `data` that is a proper start of `needle`. */
function partialTail(data: Uint8Array, needle: Uint8Array): number {
  const from = Math.max(0, data.length - needle.length + 1);
  for (let i = data.indexOf(needle[0], from); i >= 0; i = data.indexOf(needle[0], i + 1)) {
    let k = 1;
    while (i + k < data.length && data[i + k] === needle[k]) k++;
    if (i + k === data.length) return k;
  }
  return 0;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Reads `key=value` parameters of a header value (quoted strings with `\` escapes). */
function headerParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const raw = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3].trim();
    params.set(m[1].toLowerCase(), raw);
  }
  return params;
}

/** `filename*=UTF-8''name%20here` (RFC 5987), decoded; undefined when it is not that form. */
function extendedValue(value: string | undefined): string | undefined {
  const m = value === undefined ? null : /^utf-8'[^']*'(.*)$/i.exec(value);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
}

/**
 * Reads a multipart body part by part. Parts come one at a time: asking for
 * the next part skips what the caller left unread of the one before.
 *
 * @example Find the part named "file"
 * ```ts
 * const reader = new MultipartReader(request.body!, multipartBoundary(type));
 * for (let part = await reader.next(); part; part = await reader.next()) {
 *   if (part.name === "file") return part.body;
 * }
 * ```
 */
export class MultipartReader {
  readonly #source: ReadableStreamDefaultReader<Uint8Array>;
  readonly #delimiter: Uint8Array;
  readonly #limits: MultipartLimits;
  /** Bytes read from the source and not yet consumed; starts with a virtual CRLF. */
  #buffer: Uint8Array = new Uint8Array([CR, LF]);
  #ended = false;
  #finished = false;
  #parts = 0;
  /** The part whose content is being read, until its closing delimiter is reached. */
  #open?: { name: string; done: boolean };

  /**
   * Starts reading a body.
   *
   * @param body The request body.
   * @param boundary The boundary (see {@linkcode multipartBoundary}).
   * @param limits Bounds on headers and parts.
   */
  constructor(
    body: ReadableStream<Uint8Array>,
    boundary: string,
    limits: MultipartLimits = MULTIPART_LIMITS,
  ) {
    this.#source = body.getReader();
    this.#delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
    this.#limits = limits;
  }

  /** Reads one more chunk into the buffer; false at the end of the body. */
  async #fill(): Promise<boolean> {
    if (this.#ended) return false;
    const { done, value } = await this.#source.read();
    if (done) {
      this.#ended = true;
      return false;
    }
    this.#buffer = concat(this.#buffer, value);
    return true;
  }

  /**
   * The next part, or undefined after the closing boundary.
   *
   * @returns The part.
   * @throws HttpError 400 when the body is malformed.
   */
  async next(): Promise<MultipartPart | undefined> {
    if (this.#finished) return undefined;
    if (this.#open && !this.#open.done) await this.#skipContent();
    if (this.#parts === 0) await this.#skipPreamble();
    // The buffer starts with a delimiter: the end of the body, or the next part's headers.
    const d = this.#delimiter.length;
    while (this.#buffer.length < d + 2 && await this.#fill());
    if (this.#buffer.length < d + 2) throw this.#truncated();
    if (this.#buffer[d] === DASH && this.#buffer[d + 1] === DASH) {
      this.#finished = true;
      await this.#source.cancel().catch(() => {});
      return undefined;
    }
    if (++this.#parts > this.#limits.parts) {
      throw malformed(`more than ${this.#limits.parts} parts`);
    }
    const head = await this.#readHead(d);
    return this.#part(head);
  }

  /** Drops everything before the first delimiter (the preamble). */
  async #skipPreamble(): Promise<void> {
    while (true) {
      const { at, keep } = this.#scan();
      if (at >= 0) {
        this.#buffer = this.#buffer.subarray(at);
        return;
      }
      this.#buffer = this.#buffer.subarray(this.#buffer.length - keep);
      if (!await this.#fill()) {
        throw malformed("the body has no boundary line (--boundary) of its Content-Type");
      }
    }
  }

  /**
   * The first delimiter in the buffer (-1 when none is there yet) and, when none, how many bytes
   * at the buffer's end must wait for the next chunk. `--boundary` followed by anything but `--`,
   * padding or CRLF is content, as RFC 2046 has it.
   */
  #scan(): { at: number; keep: number } {
    const buffer = this.#buffer;
    const d = this.#delimiter.length;
    for (let from = 0;;) {
      const at = find(buffer, this.#delimiter, from);
      if (at < 0) return { at: -1, keep: partialTail(buffer, this.#delimiter) };
      if (at + d + 2 > buffer.length) return { at: -1, keep: buffer.length - at };
      const a = buffer[at + d];
      if ((a === DASH && buffer[at + d + 1] === DASH) || a === CR || a === 32 || a === 9) {
        return { at, keep: 0 };
      }
      from = at + 1;
    }
  }

  /** Reads the header block after the delimiter at the buffer's start; returns its text. */
  async #readHead(d: number): Promise<string> {
    const limit = this.#limits.headerBytes;
    // After the boundary: optional spaces or tabs, then CRLF, then headers up to CRLFCRLF.
    let i = d;
    while (true) {
      while (i < this.#buffer.length && (this.#buffer[i] === 32 || this.#buffer[i] === 9)) i++;
      if (i - d > limit) throw malformed(`the boundary line of part ${this.#parts} is too long`);
      if (i + 2 <= this.#buffer.length || !await this.#fill()) break;
    }
    if (i + 2 > this.#buffer.length) throw this.#truncated();
    if (this.#buffer[i] !== CR || this.#buffer[i + 1] !== LF) {
      throw malformed(`the boundary line of part ${this.#parts} does not end with CRLF`);
    }
    const start = i; // the CRLF ending the boundary line: an empty header block is CRLFCRLF here
    let end: number;
    while ((end = find(this.#buffer, CRLFCRLF, start)) < 0) {
      if (this.#buffer.length - start > limit + 4) {
        throw malformed(`the headers of part ${this.#parts} are longer than ${limit} bytes`);
      }
      if (!await this.#fill()) throw this.#truncated();
    }
    if (end - start > limit + 2) {
      throw malformed(`the headers of part ${this.#parts} are longer than ${limit} bytes`);
    }
    const text = new TextDecoder().decode(this.#buffer.subarray(start + 2, end));
    this.#buffer = this.#buffer.subarray(end + 4);
    return text;
  }

  #part(head: string): MultipartPart {
    const n = this.#parts;
    const headers = new Map<string, string>();
    for (const line of head === "" ? [] : head.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon <= 0) {
        throw malformed(`header line "${line.slice(0, 40)}" of part ${n} has no name and colon`);
      }
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headers.get("content-disposition");
    if (disposition === undefined || !/^form-data\s*(;|$)/i.test(disposition)) {
      throw malformed(`part ${n} has no Content-Disposition: form-data header`);
    }
    const params = headerParams(disposition);
    const name = params.get("name");
    if (name === undefined) throw malformed(`the Content-Disposition of part ${n} has no name`);
    const filename = extendedValue(params.get("filename*")) ?? params.get("filename");
    const open = { name, done: false };
    this.#open = open;
    return {
      name,
      filename,
      contentType: headers.get("content-type"),
      body: new ReadableStream<Uint8Array>({
        pull: async (controller) => {
          if (this.#open !== open || open.done) return controller.close();
          try {
            const chunk = await this.#content();
            if (chunk === undefined) controller.close();
            else controller.enqueue(chunk);
          } catch (error) {
            controller.error(error);
          }
        },
        cancel: () => {
          // The rest of the part is skipped when the next part is asked for.
        },
      }, { highWaterMark: 0 }),
    };
  }

  /**
   * The next piece of the open part's content (a view of the chunk read), or undefined at the
   * delimiter that closes it. Holds back only a tail that may be the start of the delimiter.
   */
  async #content(): Promise<Uint8Array | undefined> {
    const open = this.#open!;
    while (true) {
      const buffer = this.#buffer;
      const { at, keep } = this.#scan();
      if (at === 0) {
        open.done = true;
        return undefined;
      }
      const end = at > 0 ? at : buffer.length - keep;
      if (end > 0) {
        this.#buffer = buffer.subarray(end);
        return buffer.subarray(0, end);
      }
      if (!await this.#fill()) throw this.#truncated();
    }
  }

  async #skipContent(): Promise<void> {
    while (await this.#content() !== undefined);
  }

  #truncated(): HttpError {
    const where = this.#open && !this.#open.done
      ? `inside part ${this.#parts} ("${this.#open.name}")`
      : this.#parts === 0
      ? "before the first part"
      : `after part ${this.#parts}`;
    return malformed(`the body ended ${where}, before its closing boundary`);
  }

  /** Stops reading the body (the rest is not read). */
  async cancel(): Promise<void> {
    this.#finished = true;
    await this.#source.cancel().catch(() => {});
  }
}

/**
 * Finds one field of a multipart body and returns its content as a stream; the parts before it
 * are read and dropped, the ones after it are never read.
 *
 * @param body The request body.
 * @param contentType The request's Content-Type (holding the boundary).
 * @param field The field's name, such as `file`.
 * @param limits Bounds on headers and parts.
 * @returns The part, or undefined when the body has no such field.
 * @throws HttpError 400 when the body is malformed.
 */
export async function multipartField(
  body: ReadableStream<Uint8Array>,
  contentType: string,
  field: string,
  limits: MultipartLimits = MULTIPART_LIMITS,
): Promise<MultipartPart | undefined> {
  const reader = new MultipartReader(body, multipartBoundary(contentType), limits);
  try {
    for (let part = await reader.next(); part; part = await reader.next()) {
      if (part.name === field) return part;
    }
  } catch (error) {
    await reader.cancel();
    throw error;
  }
  return undefined;
}
