/**
 * The caseload: cohorts that last a term, in a database that outlives the process.
 *
 * Advisers see the students assigned to them ranked by risk or by change, with the reasons of
 * each score and its history; they record actions that close flags; admins import and rescore
 * cohorts with the profile's active model, record outcomes at the end of the term and read how
 * the model actually did; every read of a student's record goes to an append-only audit log.
 *
 * | file | what it holds |
 * |---|---|
 * | `store.ts` | opening SQLite or PostgreSQL behind Kysely, running the migrations |
 * | `migrations/` | the numbered schema migrations |
 * | `users.ts` | users, roles, token hashes, and the errors about who is asking |
 * | `cohorts.ts` | import, rescore, delete |
 * | `caseload.ts` | the ranked list and a student's record |
 * | `actions.ts` | actions that close flags |
 * | `outcomes.ts` | outcomes at the end of the term, realized performance, with/without actions |
 * | `audit.ts` | the append-only audit log and its CSV |
 *
 * The pipeline knows nothing of this folder; it scores through `pipeline/mod.ts`.
 *
 * @module
 */
export { type ActionResult, addAction, MAX_NOTE } from "./actions.ts";
export {
  appendAudit,
  AUDIT_COLUMNS,
  auditCsv,
  type AuditEntry,
  type AuditInput,
  listAudit,
} from "./audit.ts";
export {
  type ActionRecord,
  caseload,
  type CaseloadQuery,
  type CaseloadRow,
  type HistoryPoint,
  MAX_CASELOAD,
  type StudentRecord,
  studentRecord,
} from "./caseload.ts";
export {
  ADVISER_COLUMN,
  type Cohort,
  deleteCohort,
  getCohort,
  idColumnOf,
  importCohort,
  type ImportOptions,
  listCohorts,
  REASONS_KEPT,
  rescoreCohort,
  type ScoringSummary,
} from "./cohorts.ts";
export { ForbiddenError, NotFoundError } from "./users.ts";
export {
  type ActionComparison,
  COMPARISON_NOTE,
  type OutcomeOptions,
  performance,
  type PerformanceReport,
  recordOutcomes,
  type ScoringPerformance,
} from "./outcomes.ts";
export { ACTION_KINDS, type ActionKind, type Role, ROLES } from "./schema.ts";
export {
  DEFAULT_DB_FILE,
  migrate,
  openStore,
  type Store,
  type StoreKind,
  type StoreOptions,
} from "./store.ts";
export { addUser, ADMIN_NAME, authenticate, hashToken, listUsers, type User } from "./users.ts";
