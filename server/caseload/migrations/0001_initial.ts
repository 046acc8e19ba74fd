/**
 * Migration 1: users, cohorts, scorings, students, scores, actions and the audit log, with the
 * indexes of the list queries, and triggers that refuse any change to the audit log.
 *
 * @module
 */
import { type ColumnDefinitionBuilder, type Kysely, sql } from "kysely";
import type { StoreKind } from "../schema.ts";

/**
 * Creates the first schema.
 *
 * @param db The database (inside the migrator's transaction).
 * @param kind Which store: the two differ only in how ids count up and how a trigger is written.
 */
export async function up(db: Kysely<unknown>, kind: StoreKind): Promise<void> {
  // SQLite counts ids with `integer primary key autoincrement`, PostgreSQL with `serial`.
  const idType = kind === "sqlite" ? "integer" : "serial";
  const id = (c: ColumnDefinitionBuilder) =>
    kind === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey();
  const real = sql`double precision`;

  await db.schema.createTable("users")
    .addColumn("id", idType, id)
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema.createTable("cohorts")
    .addColumn("id", idType, id)
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("profile", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .execute();

  await db.schema.createTable("scorings")
    .addColumn("id", idType, id)
    .addColumn(
      "cohort_id",
      "integer",
      (c) => c.notNull().references("cohorts.id").onDelete("cascade"),
    )
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("threshold", real, (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("scorings_cohort").on("scorings").columns(["cohort_id", "id"])
    .execute();

  await db.schema.createTable("students")
    .addColumn(
      "cohort_id",
      "integer",
      (c) => c.notNull().references("cohorts.id").onDelete("cascade"),
    )
    .addColumn("student_id", "text", (c) => c.notNull())
    .addColumn("adviser", "text", (c) => c.notNull())
    .addColumn("record", "text", (c) => c.notNull())
    .addColumn("probability", real, (c) => c.notNull())
    .addColumn("band", "text", (c) => c.notNull())
    .addColumn("reasons", "text", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("scored_at", "text", (c) => c.notNull())
    .addColumn("previous", real)
    .addColumn("change", real, (c) => c.notNull())
    .addColumn("flag_open", "integer", (c) => c.notNull())
    .addColumn("acted", "integer", (c) => c.notNull())
    .addColumn("outcome", "integer")
    .addPrimaryKeyConstraint("students_pk", ["cohort_id", "student_id"])
    .execute();
  // The caseload: one adviser's students by risk or by change; everyone's for admins and viewers.
  await db.schema.createIndex("students_adviser_risk").on("students")
    .columns(["cohort_id", "adviser", "probability"]).execute();
  await db.schema.createIndex("students_adviser_change").on("students")
    .columns(["cohort_id", "adviser", "change"]).execute();
  await db.schema.createIndex("students_risk").on("students")
    .columns(["cohort_id", "probability"]).execute();
  await db.schema.createIndex("students_change").on("students")
    .columns(["cohort_id", "change"]).execute();

  await db.schema.createTable("scores")
    .addColumn("cohort_id", "integer", (c) => c.notNull())
    .addColumn("student_id", "text", (c) => c.notNull())
    .addColumn(
      "scoring_id",
      "integer",
      (c) => c.notNull().references("scorings.id").onDelete("cascade"),
    )
    .addColumn("probability", real, (c) => c.notNull())
    .addColumn("band", "text", (c) => c.notNull())
    .addColumn("at_risk", "integer", (c) => c.notNull())
    .addColumn("reasons", "text", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("scores_pk", ["cohort_id", "student_id", "scoring_id"])
    .addForeignKeyConstraint(
      "scores_student",
      ["cohort_id", "student_id"],
      "students",
      ["cohort_id", "student_id"],
      (c) => c.onDelete("cascade"),
    )
    .execute();
  // Realized performance reads a cohort's scores one scoring at a time.
  await db.schema.createIndex("scores_scoring").on("scores").columns(["scoring_id"]).execute();

  await db.schema.createTable("actions")
    .addColumn("id", idType, id)
    .addColumn("cohort_id", "integer", (c) => c.notNull())
    .addColumn("student_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("author", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addForeignKeyConstraint(
      "actions_student",
      ["cohort_id", "student_id"],
      "students",
      ["cohort_id", "student_id"],
      (c) => c.onDelete("cascade"),
    )
    .execute();
  await db.schema.createIndex("actions_student").on("actions")
    .columns(["cohort_id", "student_id", "id"]).execute();

  await db.schema.createTable("audit")
    .addColumn("id", idType, id)
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("cohort_id", "integer")
    .addColumn("student_id", "text")
    .addColumn("detail", "text", (c) => c.notNull())
    .execute();
  // The log is append-only in the database itself, not only in the API.
  if (kind === "sqlite") {
    for (const op of ["update", "delete"]) {
      await sql.raw(
        `create trigger audit_no_${op} before ${op} on audit ` +
          `begin select raise(abort, 'The audit log is append-only'); end`,
      ).execute(db);
    }
  } else {
    await sql.raw(
      `create function audit_append_only() returns trigger language plpgsql as $$ ` +
        `begin raise exception 'The audit log is append-only'; end $$`,
    ).execute(db);
    await sql.raw(
      `create trigger audit_append_only before update or delete or truncate on audit ` +
        `for each statement execute function audit_append_only()`,
    ).execute(db);
  }
}
