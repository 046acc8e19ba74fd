/**
 * The caseload: an adviser's students ranked by risk or by change, and one student's record
 * (history, reasons, actions). An adviser sees only the students assigned to them; asking for
 * anyone else's gets the same NotFoundError as a student who does not exist.
 *
 * @module
 */
import type { Reason } from "../../pipeline/mod.ts";
import { appendAudit } from "./audit.ts";
import { getCohort } from "./cohorts.ts";
import { NotFoundError } from "./users.ts";
import type { ActionKind } from "./schema.ts";
import type { Store } from "./store.ts";
import type { User } from "./users.ts";

/** One row of the caseload. */
export interface CaseloadRow {
  student_id: string;
  adviser: string;
  probability: number;
  band: string;
  reasons: Reason[];
  /** Probability now minus at the scoring before (0 after the first). */
  change: number;
  previous: number | null;
  /** A flag waits for an action. */
  open: boolean;
  /** Some action was recorded. */
  acted: boolean;
  model: string;
  scored_at: string;
}

/** Filters and order of the caseload. */
export interface CaseloadQuery {
  cohort: number;
  /** Only this band. */
  band?: string;
  /** `risk` (highest first, the default) or `change` (largest rise first). */
  sort?: "risk" | "change";
  /** Only students whose flag waits for an action. */
  open?: boolean;
  /** At most this many rows (default 500, at most 5,000). */
  limit?: number;
}

/** The most rows one caseload request returns. */
export const MAX_CASELOAD = 5000;

/**
 * The caller's caseload in a cohort: an adviser's own students, everyone's for admins and viewers.
 *
 * @param store The store.
 * @param user The caller.
 * @param query Cohort, filters and order.
 * @returns The rows, ranked.
 * @throws NotFoundError for an unknown cohort.
 */
export async function caseload(
  store: Store,
  user: User,
  query: CaseloadQuery,
): Promise<CaseloadRow[]> {
  await getCohort(store, query.cohort);
  const limit = Math.min(Math.max(1, query.limit ?? 500), MAX_CASELOAD);
  const key = query.sort === "change" ? "change" : "probability";
  let q = store.db.selectFrom("students")
    .select([
      "student_id",
      "adviser",
      "probability",
      "band",
      "reasons",
      "change",
      "previous",
      "flag_open",
      "acted",
      "model",
      "scored_at",
    ])
    .where("cohort_id", "=", query.cohort);
  if (user.role === "adviser") q = q.where("adviser", "=", user.name);
  if (query.band) q = q.where("band", "=", query.band);
  if (query.open) q = q.where("flag_open", "=", 1);
  const rows = await q.orderBy(key, "desc").orderBy("student_id").limit(limit).execute();
  await appendAudit(store.db, store.now(), {
    actor: user.name,
    action: "caseload.list",
    cohort_id: query.cohort,
    detail: `${rows.length} students` + (query.band ? `, band ${query.band}` : "") +
      (query.open ? ", open flags" : ""),
  });
  return rows.map(({ flag_open, acted, reasons, ...r }) => ({
    ...r,
    reasons: JSON.parse(reasons),
    open: flag_open === 1,
    acted: acted === 1,
  }));
}

/** One scoring of a student. */
export interface HistoryPoint {
  scoring: number;
  at: string;
  model: string;
  probability: number;
  band: string;
  at_risk: boolean;
  reasons: Reason[];
}

/** One recorded action. */
export interface ActionRecord {
  id: number;
  kind: ActionKind;
  note: string;
  author: string;
  at: string;
}

/** A student's record. */
export interface StudentRecord extends CaseloadRow {
  cohort: number;
  /** The inputs as imported. */
  inputs: Record<string, unknown>;
  /** 1 dropped out, 0 did not, null unknown yet. */
  outcome: number | null;
  history: HistoryPoint[];
  actions: ActionRecord[];
}

/**
 * Finds a student the caller may see, or throws NotFoundError (the same for a student who
 * does not exist and one assigned to another adviser).
 *
 * @param store The store.
 * @param user The caller.
 * @param cohort The cohort id.
 * @param student The student id.
 */
export async function visibleStudent(
  store: Store,
  user: User,
  cohort: number,
  student: string,
): Promise<void> {
  let q = store.db.selectFrom("students").select("student_id")
    .where("cohort_id", "=", cohort).where("student_id", "=", student);
  if (user.role === "adviser") q = q.where("adviser", "=", user.name);
  if (!Number.isSafeInteger(cohort) || !(await q.executeTakeFirst())) {
    throw new NotFoundError(`No student ${student} in cohort ${cohort}`);
  }
}

/**
 * A student's record: inputs, every scoring, reasons and actions. Each read is audited.
 *
 * @param store The store.
 * @param user The caller.
 * @param cohort The cohort id.
 * @param student The student id.
 * @returns The record.
 * @throws NotFoundError when the caller may not see the student or there is none.
 */
export async function studentRecord(
  store: Store,
  user: User,
  cohort: number,
  student: string,
): Promise<StudentRecord> {
  await visibleStudent(store, user, cohort, student);
  const s = await store.db.selectFrom("students").selectAll()
    .where("cohort_id", "=", cohort).where("student_id", "=", student).executeTakeFirstOrThrow();
  const history = await store.db.selectFrom("scores")
    .select(["scoring_id", "at", "model", "probability", "band", "at_risk", "reasons"])
    .where("cohort_id", "=", cohort).where("student_id", "=", student)
    .orderBy("scoring_id").execute();
  const actions = await store.db.selectFrom("actions")
    .select(["id", "kind", "note", "author", "at"])
    .where("cohort_id", "=", cohort).where("student_id", "=", student).orderBy("id").execute();
  await appendAudit(store.db, store.now(), {
    actor: user.name,
    action: "student.read",
    cohort_id: cohort,
    student_id: student,
  });
  return {
    cohort,
    student_id: s.student_id,
    adviser: s.adviser,
    probability: s.probability,
    band: s.band,
    reasons: JSON.parse(s.reasons),
    change: s.change,
    previous: s.previous,
    open: s.flag_open === 1,
    acted: s.acted === 1,
    model: s.model,
    scored_at: s.scored_at,
    inputs: JSON.parse(s.record),
    outcome: s.outcome,
    history: history.map((h) => ({
      scoring: h.scoring_id,
      at: h.at,
      model: h.model,
      probability: h.probability,
      band: h.band,
      at_risk: h.at_risk === 1,
      reasons: JSON.parse(h.reasons),
    })),
    actions,
  };
}
