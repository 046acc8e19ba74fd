/**
 * The end of the term: outcomes, checked whole and stored in one transaction, and realized
 * performance, i.e. how the model in use did on the students it actually scored. Each scoring is
 * judged on the scores as they stood then, with the pipeline's own metric functions, so the
 * figures agree with the pipeline's on the same scores.
 *
 * @module
 */
import {
  averagePrecision,
  brierScore,
  type CalibrationBin,
  calibrationBins,
  confusion,
  rocAuc,
  SchemaError,
  type SchemaIssue,
} from "../../pipeline/mod.ts";
import { appendAudit } from "./audit.ts";
import { getCohort } from "./cohorts.ts";
import { ForbiddenError } from "./users.ts";
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

/** One scoring's realized figures. */
export interface ScoringPerformance {
  scoring: number;
  at: string;
  model: string;
  threshold: number;
  /** Students with a known outcome. */
  n: number;
  positives: number;
  roc_auc: number | null;
  pr_auc: number | null;
  brier: number | null;
  /** Ten equal-width bins of predicted probability (empty ones left out). */
  calibration: CalibrationBin[];
  /** Share of the students flagged (at or above the threshold). */
  flagged_share: number;
  /** Of those who had the outcome, the share flagged. */
  recall_at_flagged: number | null;
  /** Of those flagged, the share who had the outcome. */
  precision_at_flagged: number | null;
}

/** Outcomes of students with and without actions, within one band. */
export interface ActionComparison {
  band: string;
  with_action: { n: number; positive_rate: number | null };
  without_action: { n: number; positive_rate: number | null };
}

/** The performance report. */
export interface PerformanceReport {
  cohort: number;
  students: number;
  with_outcome: number;
  scorings: ScoringPerformance[];
  /** By band at the first scoring, when advisers chose whom to help. */
  actions: ActionComparison[];
  /** Why the comparison is not an effect. */
  note: string;
}

/** Says plainly what the comparison of helped and not-helped students can and cannot show. */
export const COMPARISON_NOTE =
  "A comparison, not an effect: advisers chose which students to help, so the students with an " +
  "action differ from those without in ways the band does not capture. A difference in outcomes " +
  "does not show that the actions caused it.";

const orNull = (x: number) => (Number.isFinite(x) ? x : null);

/**
 * The realized performance of a cohort's scorings, and outcomes with and without actions per band.
 *
 * @param store The store.
 * @param cohort The cohort id.
 * @returns The report (figures are null where a class is absent).
 * @throws NotFoundError for an unknown cohort.
 */
export async function performance(store: Store, cohort: number): Promise<PerformanceReport> {
  const c = await getCohort(store, cohort);
  const students = await store.db.selectFrom("students")
    .select(["student_id", "outcome", "acted"]).where("cohort_id", "=", cohort).execute();
  const outcome = new Map<string, number>();
  for (const s of students) if (s.outcome !== null) outcome.set(s.student_id, s.outcome);
  const scorings = await store.db.selectFrom("scorings").selectAll()
    .where("cohort_id", "=", cohort).orderBy("id").execute();
  const out: ScoringPerformance[] = [];
  let firstBands = new Map<string, string>();
  for (const sc of scorings) {
    const scores = await store.db.selectFrom("scores")
      .select(["student_id", "probability", "band", "at_risk"])
      .where("scoring_id", "=", sc.id).orderBy("student_id").execute();
    if (out.length === 0) firstBands = new Map(scores.map((s) => [s.student_id, s.band]));
    const known = scores.filter((s) => outcome.has(s.student_id));
    const labels = known.map((s) => outcome.get(s.student_id)!);
    const p = known.map((s) => s.probability);
    const positives = labels.filter((l) => l === 1).length;
    const flags = known.map((s) => s.at_risk);
    // The flag as stored at that scoring, not recomputed: labels against 0/1 flags at 0.5.
    const cm = known.length > 0 ? confusion(labels, flags, 0.5) : { tp: 0, fp: 0, tn: 0, fn: 0 };
    const flagged = cm.tp + cm.fp;
    out.push({
      scoring: sc.id,
      at: sc.at,
      model: sc.model,
      threshold: sc.threshold,
      n: known.length,
      positives,
      roc_auc: known.length ? orNull(rocAuc(labels, p)) : null,
      pr_auc: known.length ? orNull(averagePrecision(labels, p)) : null,
      brier: known.length ? orNull(brierScore(labels, p)) : null,
      calibration: known.length ? calibrationBins(labels, p, 10) : [],
      flagged_share: known.length ? flagged / known.length : 0,
      recall_at_flagged: positives ? cm.tp / positives : null,
      precision_at_flagged: flagged ? cm.tp / flagged : null,
    });
  }
  const groups = new Map<string, { acted: number[]; not: number[] }>();
  for (const s of students) {
    if (s.outcome === null) continue;
    const band = firstBands.get(s.student_id) ?? "unknown";
    const g = groups.get(band) ?? { acted: [], not: [] };
    (s.acted === 1 ? g.acted : g.not).push(s.outcome);
    groups.set(band, g);
  }
  const rate = (xs: number[]) => ({
    n: xs.length,
    positive_rate: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null,
  });
  const order = ["high", "medium", "low"];
  const actions = [...groups.entries()]
    .sort(([a], [b]) =>
      (order.indexOf(a) + 99 * +!order.includes(a)) - (order.indexOf(b) + 99 * +!order.includes(b))
    )
    .map(([band, g]) => ({ band, with_action: rate(g.acted), without_action: rate(g.not) }));
  return {
    cohort,
    students: c.students,
    with_outcome: outcome.size,
    scorings: out,
    actions,
    note: COMPARISON_NOTE,
  };
}
