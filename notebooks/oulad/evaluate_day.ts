/**
 * The evaluation of one day's table, as notebook 05 shows it: cohort-forward (the model chosen
 * and fitted on the training cohorts, tested on the others, as `deno task cv --by` does) and
 * random k-fold cross-validation with the model chosen there. The days are independent, so
 * {@linkcode evaluateDays} runs them in workers, one per core: on a two-core machine that halves
 * the notebook's wall time, and the figures do not depend on which worker ran which day (each
 * day's seed is given, not drawn).
 *
 * @module
 */
import {
  type Cell,
  crossValidate,
  crossValidateProfile,
  type CvReport,
  loadDataset,
  loadSpec,
  type ModelParams,
  takeRows,
} from "../../pipeline/mod.ts";

/** One day's table to evaluate. */
export interface DayJob {
  day: number;
  /** The day's CSV and its spec (paths as the caller sees them; workers share its folder). */
  table: string;
  spec: string;
  /** The cohort column and the cohorts tested on in cohort-forward. */
  cohort: { column: string; test: string[] };
  seed: number;
  /** Folds of the random cross-validation. */
  folds: number;
  /** Columns whose test-row values are returned (for decision rates by group). */
  groups?: string[];
  /**
   * Settings used as given instead of the pipeline's choice: notebook 05 passes the model chosen
   * on one day to the others, and tests pass a cheap one.
   */
  params?: Partial<ModelParams>;
}

/** What {@linkcode evaluateDay} finds for one day. */
export interface DayEvaluation {
  day: number;
  /** Students in the day's table, and those of them who eventually withdraw. */
  rows: number;
  positives: number;
  /** Cohort-forward: the model chosen and fitted on the training cohorts, scored on the others. */
  forward: CvReport;
  /** Random k-fold cross-validation with the settings cohort-forward chose. */
  random: CvReport;
  /** The tested cohorts' rows (indices into the day's table), labels and predictions. */
  test: {
    rows: number[];
    labels: number[];
    scores: number[];
    /** The values of each column of `groups` on those rows. */
    groups: Record<string, Cell[]>;
  };
}

/**
 * Evaluates one day's table.
 *
 * @param job The table, its spec, the cohorts, the seed and the folds.
 * @returns Both evaluations and the cohort-forward test predictions.
 */
export async function evaluateDay(job: DayJob): Promise<DayEvaluation> {
  const spec = await loadSpec(job.spec);
  const data = await loadDataset(job.table, spec);
  const forward = await crossValidateProfile(data, spec, {
    cohort: job.cohort,
    seed: job.seed,
    resamples: 0,
    predictions: true,
    ...(job.params ? { model: job.params } : {}),
  });
  const random = await crossValidate(data, spec, {
    params: forward.params,
    folds: job.folds,
    runs: 1,
    seed: job.seed,
    resamples: 0,
  });
  const { fold_of, scores } = forward.predictions!;
  const rows = fold_of[0].flatMap((fold, i) => (fold === 0 ? [i] : []));
  const test = takeRows(data, rows);
  delete forward.predictions;
  return {
    day: job.day,
    rows: data.rows,
    positives: data.labels.reduce((a, b) => a + b, 0),
    forward,
    random,
    test: {
      rows,
      labels: Array.from(test.labels),
      scores: rows.map((i) => scores[0][i]),
      groups: Object.fromEntries((job.groups ?? []).map((c) => [c, test.cells[c]])),
    },
  };
}

/** What a worker answers. */
type Answer = { ok: true; result: DayEvaluation } | { ok: false; message: string };

/**
 * Evaluates several days' tables, each in a worker of its own, at most `workers` at a time.
 *
 * @param jobs The days.
 * @param options `workers`: how many run at once (default: the cores, at most the jobs).
 * @returns One evaluation per job, in the jobs' order.
 * @throws Error naming the day whose evaluation failed.
 */
export async function evaluateDays(
  jobs: DayJob[],
  options: { workers?: number } = {},
): Promise<DayEvaluation[]> {
  const width = Math.max(
    1,
    Math.min(jobs.length, options.workers ?? navigator.hardwareConcurrency),
  );
  const results = new Array<DayEvaluation>(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await inWorker(jobs[i]);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
}

function inWorker(job: DayJob): Promise<DayEvaluation> {
  const worker = new Worker(new URL("./evaluate_day_worker.ts", import.meta.url), {
    type: "module",
  });
  return new Promise<DayEvaluation>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<Answer>) => {
      worker.terminate();
      if (event.data.ok) resolve(event.data.result);
      else reject(new Error(`Day ${job.day}: ${event.data.message}`));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(`Day ${job.day}: ${event.message}`));
    };
    worker.postMessage(job);
  });
}
