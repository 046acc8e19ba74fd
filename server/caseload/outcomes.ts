/**
 * Outcomes at the end of the term: a file of student ids and outcomes, checked whole and
 * stored in one transaction.
 *
 * @module
 */
import { SchemaError, type SchemaIssue } from "../../pipeline/mod.ts";
import { appendAudit } from "./audit.ts";
import { getCohort } from "./cohorts.ts";
import { ForbiddenError } from "./errors.ts";
import type { Store } from "./store.ts";
import type { User } from "./users.ts";

const YES = new Set(["1", "true", "yes", "y"]);
const NO = new Set(["0", "false", "no", "n"]);

/** Options of an outcomes file. */
export interface OutcomeOptions {
  /** The id column (default: the first of `student_id` and `id` present). */
  idColumn?: string;
  /** The outcome column: `outcome`, else this one (the spec's target, e.g. `Dropped_Out`). */
  outcomeColumn?: string;
  /** Extra spellings of the positive outcome (the spec's positive label). */
  positive?: string[];
}

/**
 * Stores the outcomes of a cohort's students.
 *
 * @param store The store.
 * @param user The caller (an admin).
 * @param cohort The cohort id.
 * @param input The file's records and how to read them.
 * @returns How many outcomes were stored and how many were positive.
 * @throws SchemaError naming row and column of an unknown student, a repeated one or a bad
 * value; nothing is stored then. NotFoundError for an unknown cohort.
 */
export async function recordOutcomes(
  store: Store,
  user: User,
  cohort: number,
  input: { records: Record<string, unknown>[] } & OutcomeOptions,
): Promise<{ stored: number; positive: number }> {
  if (user.role !== "admin") throw new ForbiddenError("Only an admin may record outcomes");
  await getCohort(store, cohort);
  const { records } = input;
  if (records.length === 0) throw new SchemaError("The file has no outcomes", []);
  const header = Object.keys(records[0]);
  const idColumn = input.idColumn ?? ["student_id", "id"].find((c) => header.includes(c));
  const outcomeColumn = ["outcome", input.outcomeColumn].find((c) => c && header.includes(c));
  const missing: SchemaIssue[] = [];
  if (!idColumn || !header.includes(idColumn)) {
    missing.push({ row: 0, column: idColumn ?? "student_id", expected: "a column of student ids" });
  }
  if (!outcomeColumn) {
    missing.push({
      row: 0,
      column: "outcome",
      expected: "a column of outcomes (1/0, true/false, yes/no)",
    });
  }
  if (missing.length > 0) throw new SchemaError("Missing columns in the outcomes file", missing);
  const known = new Set(
    (await store.db.selectFrom("students").select("student_id").where("cohort_id", "=", cohort)
      .execute()).map((s) => s.student_id),
  );
  const positive = new Set([...YES, ...(input.positive ?? []).map((p) => p.toLowerCase())]);
  const issues: SchemaIssue[] = [];
  const seen = new Map<string, number>();
  const values: [string, number][] = [];
  records.forEach((r, i) => {
    const row = i + 1;
    const id = String(r[idColumn!] ?? "").trim();
    const raw = String(r[outcomeColumn!] ?? "").trim();
    if (!known.has(id)) {
      issues.push({ row, column: idColumn!, value: id, expected: "a student of the cohort" });
      return;
    }
    if (seen.has(id)) {
      issues.push({
        row,
        column: idColumn!,
        value: id,
        expected: `one row per student (row ${seen.get(id)} has it)`,
      });
      return;
    }
    seen.set(id, row);
    const v = raw.toLowerCase();
    if (positive.has(v)) values.push([id, 1]);
    else if (NO.has(v) || v === "false") values.push([id, 0]);
    else {
      issues.push({
        row,
        column: outcomeColumn!,
        value: raw,
        expected: `1/0, true/false or yes/no${
          input.positive?.length ? ` or ${input.positive.join("/")}` : ""
        }`,
      });
    }
  });
  if (issues.length > 0) {
    throw new SchemaError(
      `Cannot record the outcomes: ${[...new Set(issues.map((i) => i.column))].join(", ")}`,
      issues,
    );
  }
  await store.db.transaction().execute(async (tx) => {
    for (const [id, outcome] of values) {
      await tx.updateTable("students").set({ outcome }).where("cohort_id", "=", cohort)
        .where("student_id", "=", id).execute();
    }
    await appendAudit(tx, store.now(), {
      actor: user.name,
      action: "outcomes.record",
      cohort_id: cohort,
      detail: `${values.length} outcomes`,
    });
  });
  return { stored: values.length, positive: values.filter(([, o]) => o === 1).length };
}
