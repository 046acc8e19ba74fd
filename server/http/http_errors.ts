/**
 * HTTP errors and the app's one error handler: typed pipeline errors and
 * schema failures become 4xx JSON naming the fields at fault; anything else is
 * logged with the request id and answered 500 without internals.
 *
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import {
  ArtifactError,
  formatIssue,
  InputError,
  PipelineError,
  SchemaError,
  shownName,
  shownValue,
} from "../../pipeline/mod.ts";
import type { Logger } from "../ops/mod.ts";

/** One field-level problem in an error answer. */
export interface FieldIssue {
  /** 1-based row or student index, when several were sent. */
  row?: number;
  /** The field (column) at fault; a dotted path for envelope fields. */
  field?: string;
  /** The offending value. */
  value?: unknown;
  /** What was expected instead. */
  expected: string;
  /** The issue as one sentence. */
  message: string;
}

/** The body of every error answer. */
export interface ErrorBody {
  /** A capitalised message, the detail after a colon. */
  error: string;
  /** Field-level problems, when there are any. */
  issues?: FieldIssue[];
  /** How many problems were found in all (issues may be capped). */
  total?: number;
  /** The request id, to quote when reporting a 500. */
  request_id?: string;
  /** FastAPI's `detail` (a message, or the 422 list of fields), on the original system's routes. */
  detail?: unknown;
  /** The message the original system's page shows, on its routes. */
  message?: string;
}

/** An error with an HTTP status, thrown by route handlers. */
export class HttpError extends Error {
  /** The status to answer with. */
  readonly status: number;
  /** Extra fields of the answer. */
  readonly extra: Partial<ErrorBody>;

  /**
   * Makes an error answered with the given status.
   *
   * @param status The HTTP status.
   * @param message A capitalised message without a final period.
   * @param extra Extra fields of the answer (issues, …).
   */
  constructor(status: number, message: string, extra: Partial<ErrorBody> = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.extra = extra;
  }
}

/**
 * Field issues of a zod error (the envelope of a request).
 *
 * @param error The zod error.
 * @returns One issue per zod issue, with a dotted field path.
 */
export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join(".") || undefined;
    const expected = issue.message.replace(/^Invalid input: /, "");
    return { field, expected, message: field ? `Field "${field}": ${expected}` : expected };
  });
}

/**
 * Checks a value against a zod schema, throwing a 400 naming each field.
 *
 * @param schema The schema.
 * @param value The parsed body or query.
 * @param what What is being read, for the message (e.g. "request body").
 * @returns The typed value.
 * @throws HttpError 400.
 */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what = "request body"): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = zodIssues(result.error);
  const fields = [...new Set(issues.map((i) => i.field).filter(Boolean))];
  throw new HttpError(400, `Invalid ${what}${fields.length ? `: ${fields.join(", ")}` : ""}`, {
    issues,
  });
}

/**
 * The field issues of a pipeline SchemaError.
 *
 * @param error The error.
 * @returns Issues naming row, field, value and expectation.
 */
export function schemaIssues(error: SchemaError): FieldIssue[] {
  return error.issues.map((i) => ({
    ...(i.row !== undefined ? { row: i.row } : {}),
    ...(i.column !== undefined ? { field: shownName(i.column) } : {}),
    ...(i.value !== undefined ? { value: shownValue(i.value) } : {}),
    expected: i.expected,
    message: formatIssue(i),
  }));
}

/**
 * Builds the app's error handler.
 *
 * @param logger Where unexpected errors are logged.
 * @returns A handler for `app.onError`.
 */
export function errorHandler(logger: Logger): (error: Error, c: Context) => Response {
  return (error, c) => {
    const requestId = c.get("requestId") as string | undefined;
    if (error instanceof HttpError) {
      return c.json({ error: error.message, ...error.extra }, error.status as 400);
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      const message = status === 413
        ? "Payload too large: the body exceeds this route's limit"
        : error.message || "Request failed";
      return c.json({ error: message }, status);
    }
    if (error instanceof SchemaError) {
      return c.json(
        { error: error.message, issues: schemaIssues(error), total: error.total },
        422,
      );
    }
    if (error instanceof InputError) return c.json({ error: error.message }, 400);
    if (error instanceof PipelineError && !(error instanceof ArtifactError)) {
      return c.json({ error: error.message }, 400);
    }
    logger.log("error", "Unhandled error", {
      request_id: requestId,
      method: c.req.method,
      path: c.req.path,
      error: error?.name,
      detail: error?.message,
      stack: error?.stack,
    });
    return c.json({ error: "Internal server error", request_id: requestId }, 500);
  };
}
