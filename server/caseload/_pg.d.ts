/**
 * The part of npm `pg` that the store uses, declared here so that the type-check does not fetch
 * `@types/pg`: that package brings a second copy of Node's types into every type-check of the
 * project, where they clash with Deno's own.
 *
 * @module
 */
import type { PostgresPool } from "kysely";

/** `pg`'s default export. */
declare const pg: {
  /** A connection pool; Kysely's PostgreSQL dialect drives it. */
  Pool: new (config: { connectionString: string; max?: number }) => PostgresPool;
};
export default pg;
