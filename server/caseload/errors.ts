/**
 * The caseload's typed errors. Bad files are the pipeline's `SchemaError` (naming row and
 * column, answered 422); these add the two answers that are about who is asking.
 *
 * @module
 */
import { PipelineError } from "../../pipeline/mod.ts";

/** A cohort or student that does not exist, or that the caller may not see (the same answer). */
export class NotFoundError extends PipelineError {
  /** The HTTP status to answer with. */
  readonly status = 404;
  /** @param message What was not found, naming it. */
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

/** The caller's role may not do this. */
export class ForbiddenError extends PipelineError {
  /** The HTTP status to answer with. */
  readonly status = 403;
  /** @param message What the role may not do. */
  constructor(message: string) {
    super(message);
    this.name = "ForbiddenError";
  }
}
