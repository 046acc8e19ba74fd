/**
 * The vocabulary of the bad-input corpus: the shape of a case and the small
 * helpers its tables are written with.
 *
 * @module
 */
import type { ColumnSpec, DatasetSpec } from "../../pipeline/mod.ts";
import { STUDENT } from "../../server/_testing.ts";
import type { CorpusCohort } from "./_corpus_caseload.ts";

/** The status a case expects: a class, or one exact code. */
export type Expect = "2xx" | "4xx" | number;

/** One request of the corpus. */
export interface Case {
  /** The route as `METHOD /template` (the OpenAPI path, or `GET /*` for static files). */
  route: string;
  /** What the case sends, in words. */
  name: string;
  /** The HTTP method. */
  method: string;
  /** Path and query as sent. */
  path: string;
  /** Request headers. */
  headers?: Record<string, string>;
  /** The body; a function makes a fresh stream (sent chunked, without a length). */
  body?: string | Uint8Array | FormData | (() => ReadableStream<Uint8Array>);
  /** Send by hand over TCP: `head` holds the extra header lines (e.g. a false Content-Length). */
  raw?: { head: string[] };
  /** The status expected. */
  expect: Expect;
  /** What the answer's body must match (for 4xx: the field or row at fault). */
  match: RegExp;
}

/** What the corpus needs from the running test. */
export interface CorpusContext {
  /** The dataset spec. */
  spec: DatasetSpec;
  /** The active early-A and seed model ids. */
  ids: string[];
  /** The absolute path of a file outside `server/static/` that must never be served. */
  canary: string;
  /** The cohort the caseload routes' cases run against (imported on the running server). */
  caseload: CorpusCohort;
}

/** One mebibyte. */
export const MB = 1024 * 1024;
/** JSON text of a value. */
export const json = (value: unknown) => JSON.stringify(value);
/** The reference student with some fields changed, as JSON. */
export const student = (over: Record<string, unknown>) => json({ ...STUDENT, ...over });
/** Content-type headers. */
export const JSON_TYPE = { "content-type": "application/json" };
/** The CSV content type. */
export const CSV_TYPE = { "content-type": "text/csv" };
/** NDJSON in and out. */
export const NDJSON = { "content-type": "application/x-ndjson", accept: "application/x-ndjson" };
/** Bytes from text and raw byte values, concatenated. */
export const bytes = (...parts: (string | number[])[]) => {
  const chunks = parts.map((p) => typeof p === "string" ? new TextEncoder().encode(p) : p);
  const out = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};
/** A field named in an answer's issues, or in a formatted row message. */
export const field = (name: string) => new RegExp(`"field":"${name}"|column \\\\"${name}\\\\"`);
/** JSON nested `depth` levels deep around `inner`. */
export const nested = (depth: number, inner = "1") =>
  `{"a":`.repeat(depth) + inner + "}".repeat(depth);

/** A chunked body of `size` bytes of `fill`, in 64 KiB chunks. */
export function stream(size: number, fill = 0x20): () => ReadableStream<Uint8Array> {
  return () => {
    let left = size;
    return new ReadableStream({
      pull(controller) {
        const n = Math.min(left, 64 * 1024);
        if (n === 0) return controller.close();
        controller.enqueue(new Uint8Array(n).fill(fill));
        left -= n;
      },
    });
  };
}

/** A value outside a column's domain, as JSON would carry it. */
export function outOfDomain(col: ColumnSpec): string | number {
  switch (col.type) {
    case "category":
      return "ZZ_unknown";
    case "ordinal":
      return Math.max(...(col.values as number[])) + 1;
    case "integer":
    case "number":
      return (col.max ?? 0) + 1;
    case "boolean":
      return "maybe";
  }
}

/** A multipart form; Blob values become files. */
export function form(entries: Record<string, string | Blob>, fileName = "data.csv"): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries)) {
    if (v instanceof Blob) f.append(k, v, fileName);
    else f.append(k, v);
  }
  return f;
}
