/**
 * Cohorts: importing a term's students with their advisers, scoring them with the profile's
 * active model, rescoring with history, and deleting a cohort with its students' data.
 *
 * An import checks the whole file first (ids, advisers, every input the model reads) and then
 * writes it in one transaction: a refused file or a crash stores nothing.
 *
 * @module
 */
import { type Kysely, sql, type Transaction } from "kysely";
import {
  type Prediction,
  type Predictor,
  type Row,
  SchemaError,
  type SchemaIssue,
} from "../../pipeline/mod.ts";
import { appendAudit } from "./audit.ts";
import { ForbiddenError, NotFoundError } from "./users.ts";
import type { CaseloadDatabase } from "./schema.ts";
import type { Store } from "./store.ts";
import type { User } from "./users.ts";

/** How many top reasons are kept per student and scoring. */
export const REASONS_KEPT = 3;
/** Rows per INSERT statement (well under PostgreSQL's 65,535 parameters). */
const CHUNK = 500;
/** The column naming each student's adviser. */
export const ADVISER_COLUMN = "adviser";

/** A cohort as listed. */
export interface Cohort {
  id: number;
  name: string;
  profile: string;
  created_at: string;
  created_by: string;
  students: number;
}

/** What an import or rescore did. */
export interface ScoringSummary {
  cohort: number;
  scoring: number;
  model: string;
  students: number;
  flagged: number;
  at: string;
}

/** Options of an import. */
export interface ImportOptions {
  /** The cohort's name (the term). */
  name: string;
  /** The id column: this, else the spec's first id column present, else `student_id`. */
  idColumn?: string;
}

/**
 * The id column of a file: the one asked for, the spec's id column if the file has it, or `student_id`.
 *
 * @param header The file's columns.
 * @param predictor The model (its spec's `ids`).
 * @param asked The column named by `?id=`.
 * @returns The column name.
 * @throws SchemaError when the file has no such column.
 */
export function idColumnOf(header: string[], predictor: Predictor, asked?: string): string {
  const candidates = asked ? [asked] : [...(predictor.spec.ids ?? []), "student_id"];
  const found = candidates.find((c) => header.includes(c));
  if (!found) {
    throw new SchemaError(`Missing the student id column: expected ${candidates.join(" or ")}`, [
      { row: 0, column: candidates[0], expected: "a column of student ids" },
    ]);
  }
  return found;
}

function requireAdmin(user: User, what: string): void {
  if (user.role !== "admin") throw new ForbiddenError(`Only an admin may ${what}`);
}

/**
 * Checks ids (present, unique) and advisers (advisers known to the store) of a file.
 *
 * @returns The ids, in row order.
 */
async function checkPeople(
  store: Store,
  records: Record<string, unknown>[],
  idColumn: string,
): Promise<string[]> {
  const issues: SchemaIssue[] = [];
  const seen = new Map<string, number>();
  const ids = records.map((record, i) => {
    const row = i + 1;
    const id = String(record[idColumn] ?? "").trim();
    if (id === "") issues.push({ row, column: idColumn, value: id, expected: "a student id" });
    else if (id.length > 128) {
      issues.push({
        row,
        column: idColumn,
        value: id,
        expected: "an id of at most 128 characters",
      });
    } else if (seen.has(id)) {
      issues.push({
        row,
        column: idColumn,
        value: id,
        expected: `an id not used before (row ${seen.get(id)} has it)`,
      });
    } else seen.set(id, row);
    return id;
  });
  const advisers = new Set<string>();
  for (const r of records) advisers.add(String(r[ADVISER_COLUMN] ?? "").trim());
  const known = new Set(
    advisers.size === 0 ? [] : (await store.db.selectFrom("users").select("name")
      .where("role", "=", "adviser").where("name", "in", [...advisers]).execute()).map((u) =>
        u.name
      ),
  );
  records.forEach((record, i) => {
    const adviser = String(record[ADVISER_COLUMN] ?? "").trim();
    if (!known.has(adviser)) {
      issues.push({
        row: i + 1,
        column: ADVISER_COLUMN,
        value: adviser,
        expected: "the name of a user with the adviser role",
      });
    }
  });
  if (issues.length > 0) {
    const columns = [...new Set(issues.map((i) => i.column))].join(", ");
    throw new SchemaError(`Cannot import the cohort: ${columns}`, issues);
  }
  return ids;
}

/** Reads and scores records; SchemaError names row and column of every bad input. */
function score(predictor: Predictor, records: Record<string, unknown>[]): Prediction[] {
  const rows: Row[] = predictor.read(records);
  const empty: SchemaIssue[] = [];
  rows.forEach((row, i) => {
    if (!predictor.givesAnInput(row)) {
      empty.push({ row: i + 1, expected: "at least one input the model reads" });
    }
  });
  if (empty.length > 0) throw new SchemaError("Rows without any input the model reads", empty);
  return predictor.predict(rows, { reasons: REASONS_KEPT });
}

/** The inputs of a record that the model's spec knows, as stored. */
function inputsOf(predictor: Predictor, record: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  for (const f of predictor.features) if (f.name in record) out[f.name] = record[f.name];
  return JSON.stringify(out);
}

async function insertChunks<T extends keyof CaseloadDatabase>(
  tx: Kysely<CaseloadDatabase>,
  table: T,
  values: Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < values.length; i += CHUNK) {
    // deno-lint-ignore no-explicit-any
    await tx.insertInto(table).values(values.slice(i, i + CHUNK) as any).execute();
  }
}

async function newScoring(
  tx: Transaction<CaseloadDatabase>,
  cohort: number,
  predictor: Predictor,
  at: string,
): Promise<number> {
  const row = await tx.insertInto("scorings")
    .values({ cohort_id: cohort, model: predictor.id, threshold: predictor.threshold, at })
    .returning("id").executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Imports a cohort: checks the file, scores every student, and stores students, scores and
 * one audit entry in one transaction.
 *
 * @param store The store.
 * @param user The caller (an admin).
 * @param input The profile's active model and the file's records (keyed by its header).
 * @param options The cohort's name and the id column.
 * @returns What was stored.
 * @throws SchemaError naming row and column of each problem; nothing is stored then.
 */
export async function importCohort(
  store: Store,
  user: User,
  input: { predictor: Predictor; records: Record<string, unknown>[] },
  options: ImportOptions,
): Promise<ScoringSummary> {
  requireAdmin(user, "import a cohort");
  const { predictor, records } = input;
  if (records.length === 0) throw new SchemaError("The file has no students", []);
  const header = Object.keys(records[0]);
  const idColumn = idColumnOf(header, predictor, options.idColumn);
  if (!header.includes(ADVISER_COLUMN)) {
    throw new SchemaError(`Missing the ${ADVISER_COLUMN} column`, [
      { row: 0, column: ADVISER_COLUMN, expected: "a column naming each student's adviser" },
    ]);
  }
  const ids = await checkPeople(store, records, idColumn);
  const predictions = score(predictor, records);
  const at = store.now().toISOString();
  const result = await store.db.transaction().execute(async (tx) => {
    const cohort = (await tx.insertInto("cohorts").values({
      name: options.name,
      profile: predictor.profile,
      created_at: at,
      created_by: user.name,
    }).returning("id").executeTakeFirstOrThrow()).id;
    const scoring = await newScoring(tx, cohort, predictor, at);
    const students = predictions.map((p, i) => ({
      cohort_id: cohort,
      student_id: ids[i],
      adviser: String(records[i][ADVISER_COLUMN]).trim(),
      record: inputsOf(predictor, records[i]),
      probability: p.probability,
      band: p.band,
      reasons: JSON.stringify(p.reasons ?? []),
      model: p.model,
      scored_at: at,
      previous: null,
      change: 0,
      flag_open: p.at_risk ? 1 : 0,
      acted: 0,
      outcome: null,
    }));
    await insertChunks(tx, "students", students);
    await insertChunks(tx, "scores", scoreRows(cohort, scoring, ids, predictions, at));
    await appendAudit(tx, store.now(), {
      actor: user.name,
      action: "cohort.import",
      cohort_id: cohort,
      detail: `${ids.length} students scored with ${predictor.id}`,
    });
    return summary(cohort, scoring, predictor.id, predictions, at);
  });
  await refreshStatistics(store);
  return result;
}

/**
 * After a bulk write, PostgreSQL's planner needs fresh row counts to pick the caseload's indexes
 * (autovacuum would come later); SQLite's planner does without.
 */
async function refreshStatistics(store: Store): Promise<void> {
  if (store.kind === "postgres") await sql`analyze students, scores`.execute(store.db);
}

function scoreRows(
  cohort: number,
  scoring: number,
  ids: string[],
  predictions: Prediction[],
  at: string,
) {
  return predictions.map((p, i) => ({
    cohort_id: cohort,
    student_id: ids[i],
    scoring_id: scoring,
    probability: p.probability,
    band: p.band,
    at_risk: p.at_risk ? 1 : 0,
    reasons: JSON.stringify(p.reasons ?? []),
    model: p.model,
    at,
  }));
}

function summary(
  cohort: number,
  scoring: number,
  model: string,
  predictions: Prediction[],
  at: string,
): ScoringSummary {
  const flagged = predictions.filter((p) => p.at_risk).length;
  return { cohort, scoring, model, students: predictions.length, flagged, at };
}

/**
 * Finds a cohort.
 *
 * @param store The store.
 * @param id The cohort id.
 * @returns The cohort with its student count.
 * @throws NotFoundError when there is none.
 */
export async function getCohort(store: Store, id: number): Promise<Cohort> {
  const row = Number.isSafeInteger(id)
    ? await store.db.selectFrom("cohorts").selectAll().where("id", "=", id).executeTakeFirst()
    : undefined;
  if (!row) throw new NotFoundError(`No cohort ${id}`);
  const { n } = await store.db.selectFrom("students").select((e) => e.fn.countAll().as("n"))
    .where("cohort_id", "=", id).executeTakeFirstOrThrow();
  return { ...row, students: Number(n) };
}

/**
 * Lists the cohorts, newest first.
 *
 * @param store The store.
 * @returns The cohorts with their student counts.
 */
export async function listCohorts(store: Store): Promise<Cohort[]> {
  const rows = await store.db.selectFrom("cohorts")
    .leftJoin("students", "students.cohort_id", "cohorts.id")
    .select(["cohorts.id", "name", "profile", "created_at", "created_by"])
    .select((e) => e.fn.count("students.student_id").as("students"))
    .groupBy(["cohorts.id", "name", "profile", "created_at", "created_by"])
    .orderBy("cohorts.id", "desc").execute();
  return rows.map((r) => ({ ...r, students: Number(r.students) }));
}

/**
 * Scores a cohort again (after a new model, or with an updated file): every student gets a new
 * score kept beside the old ones, and its change since the last scoring. A student newly at
 * risk gets an open flag; a flag already open stays open until an action closes it.
 *
 * @param store The store.
 * @param user The caller (an admin).
 * @param input The model to score with and, optionally, updated records of some students.
 * @returns What was stored.
 * @throws NotFoundError for an unknown cohort; SchemaError naming row and column of an updated
 * record that is bad or names a student not in the cohort.
 */
export async function rescoreCohort(
  store: Store,
  user: User,
  input: {
    cohort: number;
    predictor: Predictor;
    records?: Record<string, unknown>[];
    idColumn?: string;
  },
): Promise<ScoringSummary> {
  requireAdmin(user, "rescore a cohort");
  const { predictor } = input;
  const cohort = await getCohort(store, input.cohort);
  if (cohort.profile !== predictor.profile) {
    throw new SchemaError(
      `Cannot rescore cohort ${cohort.id}: it is a ${cohort.profile} cohort, the model is ${predictor.profile}`,
      [],
    );
  }
  const current = await store.db.selectFrom("students")
    .select(["student_id", "record", "probability", "flag_open"])
    .where("cohort_id", "=", cohort.id).orderBy("student_id").execute();
  const byId = new Map(current.map((s, i) => [s.student_id, i]));
  const records = current.map((s) => JSON.parse(s.record) as Record<string, unknown>);
  const updated = new Set<number>();
  if (input.records && input.records.length > 0) {
    const idColumn = idColumnOf(Object.keys(input.records[0]), predictor, input.idColumn);
    const issues: SchemaIssue[] = [];
    input.records.forEach((r, i) => {
      const id = String(r[idColumn] ?? "").trim();
      const at = byId.get(id);
      if (at === undefined) {
        issues.push({
          row: i + 1,
          column: idColumn,
          value: id,
          expected: "a student of the cohort",
        });
      } else {
        records[at] = { ...records[at], ...r };
        updated.add(at);
      }
    });
    if (issues.length > 0) throw new SchemaError(`Cannot rescore: ${idColumn}`, issues);
    score(predictor, input.records); // names the file's own rows when one is bad
  }
  const predictions = score(predictor, records);
  const at = store.now().toISOString();
  const ids = current.map((s) => s.student_id);
  return await store.db.transaction().execute(async (tx) => {
    const scoring = await newScoring(tx, cohort.id, predictor, at);
    const last = await tx.selectFrom("scores").select(["student_id", "at_risk"])
      .where("cohort_id", "=", cohort.id)
      .where(
        "scoring_id",
        "=",
        (e) =>
          e.selectFrom("scorings").select((f) => f.fn.max("id").as("m"))
            .where("cohort_id", "=", cohort.id).where("id", "<", scoring),
      )
      .execute();
    const wasAtRisk = new Map(last.map((s) => [s.student_id, s.at_risk === 1]));
    for (let i = 0; i < current.length; i++) {
      const p = predictions[i];
      const reopen = p.at_risk && !wasAtRisk.get(ids[i]);
      await tx.updateTable("students").set({
        probability: p.probability,
        band: p.band,
        reasons: JSON.stringify(p.reasons ?? []),
        model: p.model,
        scored_at: at,
        previous: current[i].probability,
        change: p.probability - current[i].probability,
        flag_open: current[i].flag_open === 1 || reopen ? 1 : 0,
        ...(updated.has(i) ? { record: inputsOf(predictor, records[i]) } : {}),
      }).where("cohort_id", "=", cohort.id).where("student_id", "=", ids[i]).execute();
    }
    await insertChunks(tx, "scores", scoreRows(cohort.id, scoring, ids, predictions, at));
    await appendAudit(tx, store.now(), {
      actor: user.name,
      action: "cohort.rescore",
      cohort_id: cohort.id,
      detail: `${ids.length} students scored with ${predictor.id}` +
        (updated.size > 0 ? `, ${updated.size} records updated` : ""),
    });
    return summary(cohort.id, scoring, predictor.id, predictions, at);
  });
}

/**
 * Deletes a cohort and all its students' data (inputs, scores, actions, outcomes), and records
 * who deleted it and when in one audit entry.
 *
 * @param store The store.
 * @param user The caller (an admin).
 * @param id The cohort id.
 * @returns How many students' data were removed.
 * @throws NotFoundError for an unknown cohort.
 */
export async function deleteCohort(store: Store, user: User, id: number): Promise<number> {
  requireAdmin(user, "delete a cohort");
  const cohort = await getCohort(store, id);
  await store.db.transaction().execute(async (tx) => {
    await tx.deleteFrom("actions").where("cohort_id", "=", id).execute();
    await tx.deleteFrom("scores").where("cohort_id", "=", id).execute();
    await tx.deleteFrom("students").where("cohort_id", "=", id).execute();
    await tx.deleteFrom("scorings").where("cohort_id", "=", id).execute();
    await tx.deleteFrom("cohorts").where("id", "=", id).execute();
    await appendAudit(tx, store.now(), {
      actor: user.name,
      action: "cohort.delete",
      cohort_id: id,
      detail: `cohort "${cohort.name}" and its ${cohort.students} students' data deleted`,
    });
  });
  return cohort.students;
}
