/**
 * Repeated stratified k-fold cross-validation with the whole pipeline inside
 * each fold: the preprocessor and network are fitted on the fold's training
 * part only, early stopping and the threshold use a stratified holdout of that
 * part, and the test fold is seen once, for scoring.
 *
 * Each metric is that of a run's pooled out-of-fold predictions, averaged over runs, with a 95 %
 * interval from a stratified bootstrap over students of those predictions (see `oof.ts`): the
 * uncertainty of the estimate, which the spread over runs (kept as `over_runs`) is not.
 *
 * @module
 */
import type { Dataset } from "../data/dataset.ts";
import { cohortSplit, type CohortSplitOptions, withoutInput } from "../data/cohort.ts";
import { type DatasetSpec, profileOf, type PublishedFigures } from "../data/spec.ts";
import { type ModelParams, modelParams } from "../models/mlp.ts";
import { repeatedStratifiedKFold, stratifiedHoldout } from "../data/split.ts";
import { summarize, type Summary } from "../evaluate/metrics.ts";
import { type ThresholdPolicy } from "../evaluate/thresholds.ts";
import { bootstrapOof, type CvMetric } from "../evaluate/oof.ts";
import { fitOnRows, scoreRows } from "./fit.ts";
import { deriveSeed } from "../core/random.ts";
import { DEFAULT_SENSITIVE, fairnessReport } from "../evaluate/fairness.ts";

/**
 * Cross-validation reports PCC, the share of correct decisions. On calibrated probabilities, flagging
 * a student when p >= 0.5 maximises the expected share of correct decisions, and it fits nothing to
 * the small holdout of each fold, so this is the default decision rule of `cv` and `tune`.
 */
export const DEFAULT_CV_POLICY: ThresholdPolicy = { kind: "fixed", threshold: 0.5 };

/** Options of {@linkcode crossValidate}. */
export interface CvOptions {
  profile?: string;
  folds?: number;
  runs?: number;
  seed?: number;
  /** Settings over the profile's `model` entry (as `--params` does). */
  model?: Partial<ModelParams>;
  /**
   * Settings used exactly as given, ignoring the profile's `model` entry: tuning scores each
   * candidate as it is written, whatever the profile holds at the time.
   */
  params?: ModelParams;
  /** How each fold's threshold is chosen on its holdout (default {@linkcode DEFAULT_CV_POLICY}). */
  policy?: ThresholdPolicy;
  /** Calibrate each fold's probabilities on its holdout (default true). */
  calibrate?: boolean;
  /** Share of each fold's training part held out for early stopping and the threshold. */
  holdout?: number;
  /** Columns whose groups the fairness audit compares (default: Gender, Address, School when present). */
  sensitive?: string[];
  /** Called after each fold. */
  onFold?: (done: number, total: number) => void;
  /** Bootstrap resamples of the out-of-fold predictions (default 1,000; 0 skips the intervals). */
  resamples?: number;
  /** Return the out-of-fold predictions and the fold assignment (default false). */
  predictions?: boolean;
  /**
   * Cohort-forward instead of k-fold: train once on the rows whose column is not among the tested
   * values and test on those that are (`folds` and `runs` do not apply). The column is never an
   * input.
   */
  cohort?: CohortSplitOptions;
  /**
   * Chooses each fold's settings on that fold's training rows (nested): how a profile without
   * tuned settings is scored (see `crossValidateProfile`). Overrides `params` and `model`.
   */
  choose?: (spec: DatasetSpec, rows: number[], seed: number) => Promise<ModelParams>;
  /**
   * Runs a run's folds elsewhere (in workers), each as {@linkcode runFold} would, the results in
   * the jobs' order, calling `onDone` as each finishes. Absent: one after another, here.
   */
  runFolds?: (
    spec: DatasetSpec,
    jobs: FoldJob[],
    onDone: () => void,
  ) => Promise<FoldResult[]>;
}

/**
 * The out-of-fold predictions of every run, indexed `[run][row]` over the data's rows, so another
 * model can be scored on exactly the same folds.
 */
export interface CvPredictions {
  /** The test fold (0-based) of each row in each run. */
  fold_of: number[][];
  /** The (calibrated) probability from the fold that did not see the row. */
  scores: number[][];
  /** The 0/1 decision at that fold's threshold. */
  decided: number[][];
  /** Each fold's threshold, `[run][fold]`. */
  thresholds: number[][];
  /** Seconds to fit each fold's pipeline (preprocessor, network, calibration), `[run][fold]`. */
  fit_seconds: number[][];
}

/** How a report's rows were split: k-fold, or by cohort. */
export interface CvCohort {
  column: string;
  /** The values tested on. */
  test: string[];
  train_rows: number;
  test_rows: number;
}

/** How the intervals of a {@linkcode CvReport} were made. */
export interface CvInterval {
  method: "stratified bootstrap over students of the out-of-fold predictions";
  /** Each resample draws the same students for every run and averages the runs' metrics. */
  runs: "averaged per resample";
  resamples: number;
  /** 2.5th and 97.5th percentiles of the resampled values. */
  level: 0.95;
  seed: number;
}

/**
 * The fairness of one run's pooled out-of-fold decisions, summarised over runs: every student is
 * decided once per run by a model that never saw them, so the groups are the whole table's, not a
 * test split's few dozen.
 */
export interface CvFairness {
  column: string;
  equalized_odds_difference: Summary;
  demographic_parity_difference: Summary;
}

/**
 * The cross-validation report (also the `--json` line of `deno task cv`). Every metric is a
 * {@linkcode CvMetric}: the mean over runs of the pooled out-of-fold metric, `low`/`high` and
 * `ci95` from the bootstrap over students, and the spread over runs in `over_runs`.
 */
export interface CvReport {
  profile: string;
  folds: number;
  runs: number;
  seed: number;
  /** Percent correct of the decisions at each fold's threshold. */
  pcc: CvMetric;
  balanced_accuracy: CvMetric;
  roc_auc: CvMetric;
  /** Average precision (area under the precision-recall curve). */
  pr_auc: CvMetric;
  f1: CvMetric;
  /** Mean squared error of the probabilities. */
  brier: CvMetric;
  /** Log loss of the pooled out-of-fold (calibrated) probabilities: tuning's default criterion. */
  log_loss: CvMetric;
  /** Recall among the 10 % of students with the highest scores (ties shared, see `recallAtTop`). */
  recall_at_10: CvMetric;
  /** Recall among the top 20 %. */
  recall_at_20: CvMetric;
  /** How the intervals were made. */
  interval: CvInterval;
  /** Equalized-odds and demographic-parity differences per sensitive column, over runs. */
  fairness: CvFairness[];
  /** The threshold policy the folds used. */
  policy: ThresholdPolicy;
  /** The model parameters every fold used (the first fold's, when each fold chose its own). */
  params: ModelParams;
  /**
   * When each fold chose its model on its own training rows: each fold's choice, in fold order (its
   * family, with ` on codes` or ` with missing indicators` when the candidate had them).
   */
  choices?: string[];
  /** Present for a cohort-forward split: the tested cohorts and the rows of each part. */
  cohort?: CvCohort;
  /** The profile's published figures, from the spec. */
  published?: PublishedFigures;
  /** Present when asked for with `predictions: true`. */
  predictions?: CvPredictions;
  seconds: number;
}

/** One fold's work: what {@linkcode runFold} fits and scores (plain data, so a worker can run it). */
export interface FoldJob {
  profile: string;
  /** The fold's training rows (of which a stratified `holdout` share stops, calibrates, decides). */
  train: number[];
  /** Its test rows. */
  test: number[];
  seed: number;
  holdout: number;
  /** The settings, unless the fold chooses its own. */
  params: ModelParams;
  /** Whether the fold chooses its model on its training rows. */
  choose: boolean;
  policy: ThresholdPolicy;
  calibrate?: boolean;
}

/** What one fold gives back. */
export interface FoldResult {
  /** The test rows' probabilities, in the job's order. */
  scores: Float32Array;
  threshold: number;
  /** The settings fitted (those chosen, when the fold chose). */
  params: ModelParams;
  /** Seconds to choose (when it chose) and fit. */
  fitSeconds: number;
}

/**
 * Fits one fold and scores its test rows: the model chosen on the fold's training rows when the
 * job says so (by `choose`), else the job's settings.
 *
 * @param data The dataset.
 * @param spec The spec the fold fits (without the cohort column in a cohort split).
 * @param job The fold.
 * @param choose How the fold chooses its settings, when `job.choose`.
 * @returns The test scores, the threshold, the settings and the seconds.
 */
export async function runFold(
  data: Dataset,
  spec: DatasetSpec,
  job: FoldJob,
  choose?: CvOptions["choose"],
): Promise<FoldResult> {
  const { fit, holdout } = stratifiedHoldout(data.labels, job.train, job.holdout, job.seed);
  const started = performance.now();
  const params = job.choose && choose ? await choose(spec, job.train, job.seed) : job.params;
  const fitted = await fitOnRows(data, spec, fit, holdout, {
    profile: job.profile,
    seed: job.seed,
    params,
    policy: job.policy,
    calibrate: job.calibrate,
  });
  const fitSeconds = (performance.now() - started) / 1000;
  const test = scoreRows(fitted, data, job.test);
  fitted.classifier.dispose();
  return { scores: test.scores, threshold: fitted.threshold, params, fitSeconds };
}

/**
 * A chosen model's name in a report: its family, and the encoding or missing-value handling that
 * told it apart from the other candidates of that family.
 *
 * @param p The settings chosen.
 * @returns E.g. `gbm on codes`, `logistic with missing indicators`, `forest`.
 */
export function choiceName(p: ModelParams): string {
  return `${p.family}${p.encoding === "codes" ? " on codes" : ""}${
    p.missing === "indicator" ? " with missing indicators" : ""
  }`;
}

/** Keeps the bootstrap's stream apart from the folds' for the same user seed. */
const BOOTSTRAP_STREAM = 11;

/**
 * Runs repeated stratified k-fold cross-validation of a profile.
 *
 * @param data The dataset (with labels).
 * @param spec The dataset spec.
 * @param options Folds, runs, seed, model settings, resamples and whether to return predictions.
 * @returns Each metric's mean over runs, its bootstrap interval and its spread over runs.
 */
export async function crossValidate(
  data: Dataset,
  spec: DatasetSpec,
  options: CvOptions = {},
): Promise<CvReport> {
  const started = performance.now();
  const { name, profile } = profileOf(spec, options.profile);
  const cohort = options.cohort;
  const split = cohort ? cohortSplit(data, cohort) : undefined;
  // The column split by says which cohort a row is in, nothing about the next cohort.
  const foldSpec = cohort ? withoutInput(spec, cohort.column, name) : spec;
  const folds = split ? 1 : options.folds ?? 10;
  const runs = split ? 1 : options.runs ?? 1;
  const seed = options.seed ?? 42;
  const policy = options.policy ?? DEFAULT_CV_POLICY;
  const fixed = options.params ??
    modelParams({ ...(profile.model as Partial<ModelParams>), ...options.model });
  const plan = split
    ? [{ run: 0, fold: 0, ...split }]
    : repeatedStratifiedKFold(data.labels, { folds, runs, seed });
  // The rows scored: every row in k-fold, the tested cohorts' rows in a cohort split.
  const scored = split?.test;
  const chosen: ModelParams[] = [];
  const labels = new Uint8Array(data.rows);
  const sensitive = (options.sensitive ?? spec.sensitive ?? DEFAULT_SENSITIVE)
    .filter((c) => data.cells[c]);
  const gaps = sensitive.map(() => ({ eod: [] as number[], dpd: [] as number[] }));
  const oof: CvPredictions = {
    fold_of: [],
    scores: [],
    decided: [],
    thresholds: [],
    fit_seconds: [],
  };
  for (let run = 0; run < runs; run++) {
    const scores = new Float32Array(data.rows);
    const decided = new Float32Array(data.rows);
    const foldOf = new Array<number>(data.rows).fill(-1);
    const thresholds: number[] = [];
    const fitSeconds: number[] = [];
    const runFolds = plan.filter((f) => f.run === run);
    const jobs: FoldJob[] = runFolds.map((fold) => ({
      profile: name,
      train: fold.train,
      test: fold.test,
      seed: deriveSeed(seed, run, fold.fold),
      holdout: options.holdout ?? 0.15,
      params: fixed,
      choose: options.choose !== undefined,
      policy,
      calibrate: options.calibrate,
    }));
    let done = run * folds;
    const onDone = () => options.onFold?.(++done, runs * folds);
    const results = options.runFolds ? await options.runFolds(foldSpec, jobs, onDone) : [];
    if (!options.runFolds) {
      for (const job of jobs) {
        results.push(await runFold(data, foldSpec, job, options.choose));
        onDone();
      }
    }
    runFolds.forEach((fold, k) => {
      const { scores: test, threshold, params, fitSeconds: seconds } = results[k];
      if (options.choose) chosen.push(params);
      fitSeconds.push(seconds);
      thresholds.push(threshold);
      fold.test.forEach((row, i) => {
        scores[row] = test[i];
        decided[row] = test[i] >= threshold ? 1 : 0;
        labels[row] = data.labels[row];
        foldOf[row] = fold.fold;
      });
    });
    // `decided` already holds each fold's own threshold.
    sensitive.forEach((column, i) => {
      const f = scored
        ? fairnessReport(
          column,
          scored.map((r) => data.cells[column][r]),
          scored.map((r) => labels[r]),
          scored.map((r) => decided[r]),
        )
        : fairnessReport(column, data.cells[column], labels, decided);
      gaps[i].eod.push(f.equalized_odds_difference);
      gaps[i].dpd.push(f.demographic_parity_difference);
    });
    oof.fold_of.push(foldOf);
    oof.scores.push(Array.from(scores));
    oof.decided.push(Array.from(decided));
    oof.thresholds.push(thresholds);
    oof.fit_seconds.push(fitSeconds);
  }
  const resamples = options.resamples ?? 1000;
  const bootSeed = deriveSeed(seed, BOOTSTRAP_STREAM);
  const pick = <T>(values: ArrayLike<T>): T[] =>
    scored ? scored.map((r) => values[r]) : Array.from(values);
  const m = bootstrapOof(
    pick(labels),
    oof.scores.map((scores, r) => ({ scores: pick(scores), decided: pick(oof.decided[r]) })),
    { resamples, seed: bootSeed },
  );
  return {
    profile: name,
    folds,
    runs,
    seed,
    pcc: m.pcc,
    balanced_accuracy: m.balanced_accuracy,
    roc_auc: m.roc_auc,
    pr_auc: m.pr_auc,
    f1: m.f1,
    brier: m.brier,
    log_loss: m.log_loss,
    recall_at_10: m.recall_at_10,
    recall_at_20: m.recall_at_20,
    interval: {
      method: "stratified bootstrap over students of the out-of-fold predictions",
      runs: "averaged per resample",
      resamples,
      level: 0.95,
      seed: bootSeed,
    },
    fairness: sensitive.map((column, i) => ({
      column,
      equalized_odds_difference: summarize(gaps[i].eod),
      demographic_parity_difference: summarize(gaps[i].dpd),
    })),
    policy,
    params: chosen[0] ?? fixed,
    ...(options.choose ? { choices: chosen.map(choiceName) } : {}),
    ...(split && cohort
      ? {
        cohort: {
          column: cohort.column,
          test: cohort.test,
          train_rows: split.train.length,
          test_rows: split.test.length,
        },
      }
      : {}),
    published: profile.published,
    ...(options.predictions ? { predictions: oof } : {}),
    seconds: (performance.now() - started) / 1000,
  };
}
