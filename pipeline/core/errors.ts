/**
 * Typed errors of the pipeline. Every user-facing failure is one of these, so
 * the CLI can map it to exit code 2 and the server to a 4xx answer.
 *
 * @module
 */

/** One problem found while checking data against a dataset spec. */
export interface SchemaIssue {
  /** 1-based data row (the header is row 0); absent for file-level problems. */
  row?: number;
  /** The column at fault, when there is one. */
  column?: string;
  /** The offending value as read. */
  value?: unknown;
  /** What was expected instead, in words. */
  expected: string;
}

/** Base class of every error the pipeline raises on purpose. */
export class PipelineError extends Error {
  /**
   * @param message A capitalised message without a final period.
   * @param options The underlying cause, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PipelineError";
  }
}

/** Data or a record does not match the dataset spec. */
export class SchemaError extends PipelineError {
  /** Every problem found, capped at {@linkcode SchemaError.MAX_ISSUES}. */
  readonly issues: SchemaIssue[];
  /** How many problems were found in all, including those left out of `issues`. */
  readonly total: number;

  /** The most problems kept in one error. */
  static readonly MAX_ISSUES = 50;

  /**
   * @param message The summary line.
   * @param issues The problems found (kept up to the cap).
   * @param options The cause and the true total when more were found than given.
   */
  constructor(
    message: string,
    issues: SchemaIssue[] = [],
    options?: ErrorOptions & { total?: number },
  ) {
    super(message, options);
    this.name = "SchemaError";
    this.issues = issues.slice(0, SchemaError.MAX_ISSUES);
    this.total = options?.total ?? issues.length;
  }
}

/** A stage was used before `fit()`. */
export class NotFittedError extends PipelineError {
  /** @param stage The name of the stage. */
  constructor(stage: string) {
    super(`${stage} is not fitted: call fit() first`);
    this.name = "NotFittedError";
  }
}

/** A model folder or registry file is missing, incomplete or unreadable. */
export class ArtifactError extends PipelineError {
  /**
   * @param message What is wrong, naming the file.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ArtifactError";
  }
}

/** A user-supplied file or option is missing or invalid (not a data-content problem). */
export class InputError extends PipelineError {
  /**
   * @param message What is wrong, naming the file or option.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InputError";
  }
}

/** A trained model was refused activation by a gate (fairness limit, quality gate). */
export class GateError extends PipelineError {
  /**
   * @param message Which gate refused it and why, with the figures.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "GateError";
  }
}

/** The longest text of a bad value an error repeats; longer ones are cut, with their length. */
export const MAX_SHOWN_VALUE = 64;

/** The longest column or model name an error repeats; longer ones are cut, with their length. */
export const MAX_SHOWN_NAME = 128;

/** The most names one error message lists; the rest are counted. */
export const MAX_SHOWN_NAMES = 10;

/**
 * A name as an error may repeat it: cut to {@linkcode MAX_SHOWN_NAME} characters with its
 * length noted, so a 50 MB column name does not come back in the answer or the log.
 *
 * @param name The name as read.
 * @returns The name, or its shortened text.
 */
export function shownName(name: string): string {
  if (name.length <= MAX_SHOWN_NAME) return name;
  return `${name.slice(0, MAX_SHOWN_NAME)}… (${name.length} characters)`;
}

/**
 * Names joined for a message: each cut by {@linkcode shownName}, at most
 * {@linkcode MAX_SHOWN_NAMES} of them, the rest counted.
 *
 * @param names The names.
 * @returns e.g. `Age, Grade_1 and 3 more`.
 * @example
 * ```ts
 * shownNames(["Age", "Grade_1"]); // "Age, Grade_1"
 * ```
 */
export function shownNames(names: readonly string[]): string {
  const shown = names.slice(0, MAX_SHOWN_NAMES).map(shownName).join(", ");
  const more = names.length - MAX_SHOWN_NAMES;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

/**
 * A bad value as an error may repeat it: strings and numbers as they are, anything else as
 * JSON, cut to {@linkcode MAX_SHOWN_VALUE} characters with the full length noted, so a
 * megabyte sent in one field does not come back in the answer or the log.
 *
 * @param value The value as read.
 * @returns The value, or its shortened text.
 */
export function shownValue(value: unknown): unknown {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  if (text.length <= MAX_SHOWN_VALUE) return value;
  return `${text.slice(0, MAX_SHOWN_VALUE)}… (${text.length} characters)`;
}

/** Formats a schema issue as one line: `Row 5, column "Age": "abc", expected …`. */
export function formatIssue(issue: SchemaIssue): string {
  const where = [
    issue.row === 0 ? "header" : issue.row !== undefined ? `row ${issue.row}` : "",
    issue.column !== undefined ? `column "${shownName(issue.column)}"` : "",
  ].filter(Boolean).join(", ");
  const value = issue.value === undefined ? "" : `${JSON.stringify(shownValue(issue.value))}, `;
  const text = `${value}expected ${issue.expected}`;
  return where ? `${where[0].toUpperCase()}${where.slice(1)}: ${text}` : text;
}
