/**
 * OULAD for notebook 05 (a second institution, through the term): the "as of day N" tables built
 * from its five files, and the evaluation of each day's table run in workers. Notebook-only:
 * nothing here is about the pipeline, which sees one table per day as it would from any
 * institution.
 *
 * @module
 */
export {
  asOfDay,
  COHORT,
  eventualWithdrawals,
  type OuladTables,
  PASS_MARK,
  PREDICTION_DAYS,
  readOulad,
  TARGET,
} from "./as_of_day.ts";
export { type DayEvaluation, type DayJob, evaluateDay, evaluateDays } from "./evaluate_day.ts";
