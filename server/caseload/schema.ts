/**
 * The caseload's tables as Kysely sees them. Times are ISO-8601 UTC text on both stores,
 * so they sort and compare the same way; flags are 0/1 integers for the same reason.
 *
 * @module
 */
import type { Generated } from "kysely";

/** Which database a store is. */
export type StoreKind = "sqlite" | "postgres";

/** A role: admins manage cohorts and read the audit log, advisers see their own students, viewers read. */
export type Role = "admin" | "adviser" | "viewer";

/** The roles, in one list. */
export const ROLES: readonly Role[] = ["admin", "adviser", "viewer"];

/** The kinds of action an adviser records on a student. */
export type ActionKind =
  | "contacted"
  | "meeting"
  | "referred"
  | "no_action_needed"
  | "incorrectly_flagged";

/** The action kinds, in one list. */
export const ACTION_KINDS: readonly ActionKind[] = [
  "contacted",
  "meeting",
  "referred",
  "no_action_needed",
  "incorrectly_flagged",
];

/** `users`: one row per person given a token. */
export interface UsersTable {
  id: Generated<number>;
  name: string;
  role: Role;
  /** SHA-256 of the token, hex. The token itself is never stored. */
  token_hash: string;
  created_at: string;
}

/** `cohorts`: one per term and profile. */
export interface CohortsTable {
  id: Generated<number>;
  name: string;
  profile: string;
  created_at: string;
  created_by: string;
}

/** `scorings`: each import or rescore of a cohort. */
export interface ScoringsTable {
  id: Generated<number>;
  cohort_id: number;
  model: string;
  /** The model's decision threshold at that scoring. */
  threshold: number;
  at: string;
}

/** `students`: a cohort's students, with their inputs and their latest score. */
export interface StudentsTable {
  cohort_id: number;
  student_id: string;
  adviser: string;
  /** The input fields as imported (JSON). */
  record: string;
  probability: number;
  band: string;
  /** The top reasons of the latest scoring (JSON). */
  reasons: string;
  model: string;
  scored_at: string;
  /** The probability at the scoring before the latest, or null after the first. */
  previous: number | null;
  /** Latest probability minus previous (0 after the first scoring), kept for sorting by change. */
  change: number;
  /** 1 while a flag raised by a scoring waits for an action. */
  flag_open: number;
  /** 1 when the student had any action. */
  acted: number;
  /** 1 when the positive outcome happened, 0 when not, null before outcomes are known. */
  outcome: number | null;
}

/** `scores`: every scoring of every student (the history). */
export interface ScoresTable {
  cohort_id: number;
  student_id: string;
  scoring_id: number;
  probability: number;
  band: string;
  at_risk: number;
  reasons: string;
  model: string;
  at: string;
}

/** `actions`: what an adviser did about a student. */
export interface ActionsTable {
  id: Generated<number>;
  cohort_id: number;
  student_id: string;
  kind: ActionKind;
  note: string;
  author: string;
  at: string;
}

/** `audit`: who read, exported, changed or deleted what, and when. Append-only. */
export interface AuditTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  cohort_id: number | null;
  student_id: string | null;
  detail: string;
}

/** The whole database. */
export interface CaseloadDatabase {
  users: UsersTable;
  cohorts: CohortsTable;
  scorings: ScoringsTable;
  students: StudentsTable;
  scores: ScoresTable;
  actions: ActionsTable;
  audit: AuditTable;
}
