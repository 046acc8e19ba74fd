/**
 * The audit log: who read, exported, changed or deleted what, and when. It only grows: the
 * API has no route that changes it, and database triggers refuse updates and deletes.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { csvLine } from "../../pipeline/mod.ts";
import type { CaseloadDatabase } from "./schema.ts";
import type { Store } from "./store.ts";

/** One entry. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  /** `student.read`, `caseload.list`, `cohort.import`, `cohort.delete`, `audit.export`, … */
  action: string;
  cohort_id: number | null;
  student_id: string | null;
  detail: string;
}

/** What to append. */
export interface AuditInput {
  actor: string;
  action: string;
  cohort_id?: number | null;
  student_id?: string | null;
  detail?: string;
}

/**
 * Appends one entry (inside the caller's transaction when given one).
 *
 * @param db The store's query layer or a transaction.
 * @param at The time.
 * @param entry Who did what.
 */
export async function appendAudit(
  db: Kysely<CaseloadDatabase>,
  at: Date,
  entry: AuditInput,
): Promise<void> {
  await db.insertInto("audit").values({
    at: at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    cohort_id: entry.cohort_id ?? null,
    student_id: entry.student_id ?? null,
    detail: entry.detail ?? "",
  }).execute();
}

/**
 * Reads the log, oldest first.
 *
 * @param store The store.
 * @param options `after`: entries after this id; `limit`: at most this many (default 1000, at most 10,000).
 * @returns The entries.
 */
export async function listAudit(
  store: Store,
  options: { after?: number; limit?: number } = {},
): Promise<AuditEntry[]> {
  const limit = Math.min(Math.max(1, options.limit ?? 1000), 10_000);
  return await store.db.selectFrom("audit").selectAll()
    .where("id", ">", options.after ?? 0).orderBy("id").limit(limit).execute();
}

/** The CSV header of the log. */
export const AUDIT_COLUMNS = ["id", "at", "actor", "action", "cohort_id", "student_id", "detail"];

/**
 * The entries as CSV (fields that a spreadsheet would run as formulas are neutralised).
 *
 * @param entries The entries.
 * @returns The CSV text, with a header.
 */
export function auditCsv(entries: AuditEntry[]): string {
  return csvLine(AUDIT_COLUMNS) +
    entries.map((e) => csvLine(AUDIT_COLUMNS.map((c) => e[c as keyof AuditEntry] ?? ""))).join("");
}
