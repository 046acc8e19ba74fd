/**
 * Training one profile end to end: choose the model when the profile has no tuned settings
 * (`choose.ts`), split, fit the preprocessor and the model on the training split; on the
 * validation split, calibrate the probabilities and choose the decision threshold and risk bands;
 * on the untouched test split, report metrics with bootstrap intervals, curves, fairness by group
 * and permutation importance.
 *
 * @module
 */
import type { Dataset } from "../data/dataset.ts";
import { takeRows } from "../data/dataset.ts";
import { type DatasetSpec, leaksOf, profileOf } from "../data/spec.ts";
import type { Preprocessor } from "../features/preprocessor.ts";
import { type EpochLog, type ModelParams, modelParams } from "../models/mlp.ts";
import type { FittedModel } from "../models/family.ts";
import { type Split, stratifiedHoldout, stratifiedSplit } from "../data/split.ts";
import { calibrationBins, evaluate, type Metrics, prCurve, rocCurve } from "../evaluate/metrics.ts";
import {
  type Bands,
  type Capacity,
  DEFAULT_CAPACITY,
  type ThresholdPolicy,
} from "../evaluate/thresholds.ts";
import type { Calibration } from "../models/calibration.ts";
import { DEFAULT_SENSITIVE, type FairnessReport, fairnessReport } from "../evaluate/fairness.ts";
import { bootstrapIntervals, type Interval } from "../evaluate/intervals.ts";
import { type Importance, permutationImportance } from "../evaluate/importance.ts";
import { DEFAULT_SEED, deriveSeed } from "../core/random.ts";
import { DEFAULT_TRAIN_POLICY, fitOnRows, scoreRows } from "./fit.ts";
import { chooseModel, type ModelChoice, needsChoice } from "./choose.ts";
import { crossValidate } from "./cv.ts";
import { cohortValues } from "../data/cohort.ts";
import { InputError } from "../core/errors.ts";

/**
 * The chosen model trained on every cohort but the latest and tested on the latest: what a school
 * training on last year and predicting this year would see.
 */
export interface CohortForward {
  column: string;
  /** The latest cohort (the last of its values in sorted order), tested on. */
  test: string[];
  train_rows: number;
  test_rows: number;
  /** The rows of the stratified sample measured on, when the table was larger than that. */
  sampled?: number;
  roc_auc: number;
  pr_auc: number;
  brier: number;
  log_loss: number;
}

/** Options of {@linkcode trainProfile}. */
export interface TrainOptions {
  /** The profile to train; the spec's default when absent. */
  profile?: string;
  /** The one seed of split, initialisers, shuffling and dropout. */
  seed?: number;
  /** Hyper-parameters overriding the profile's and the defaults. */
  model?: Partial<ModelParams>;
  /** How the decision threshold is chosen on validation (default: maximise F1). */
  policy?: ThresholdPolicy;
  /**
   * Recall on validation the medium band must reach (default 0.9); when the decision threshold
   * already reaches it, the medium band goes half of the way from that recall to 1.
   */
  watchRecall?: number;
  /**
   * The shares of students the high and medium bands may hold on validation (default: the spec's
   * `capacity`, else {@linkcode DEFAULT_CAPACITY}); `false` leaves the bands unbounded.
   */
  capacity?: Capacity | false;
  /** Validation and test fractions (default 0.15 each). */
  fractions?: { validation?: number; test?: number };
  /** Progress callback, once per epoch. */
  onEpoch?: (log: EpochLog) => void | Promise<void>;
  /**
   * Calibrate (default true): the prior correction of a class-weighted network, then Platt scaling
   * on validation when it lowers held-out log loss (the model parameter `calibration: "none"` skips
   * Platt). False leaves the network's probabilities as they are.
   */
  calibrate?: boolean;
  /** Columns whose groups the fairness audit compares (default: Gender, Address, School when present). */
  sensitive?: string[];
  /** Progress lines of the model choice (a profile without tuned settings). */
  log?: (line: string) => void;
}

/** Everything a training run produced, before it is saved. */
export interface TrainedModel {
  profile: string;
  seed: number;
  /** The model parameters the fit used (family and settings). */
  params: ModelParams;
  /** How the model was chosen, when the profile had no tuned settings (absent when it had). */
  choice?: ModelChoice;
  /** Cohort-forward figures, when the spec names a cohort present in the data with 2+ values. */
  cohortForward?: CohortForward;
  preprocessor: Preprocessor;
  classifier: FittedModel;
  calibration: Calibration;
  threshold: number;
  /** How the threshold was chosen on validation. */
  policy: ThresholdPolicy;
  bands: Bands;
  split: Split;
  /** Whether the model learned from the validation rows too (see `REFIT_ROWS`). */
  refitted: boolean;
  metrics: { validation: Metrics; test: Metrics };
  /** 95 % percentile-bootstrap intervals of the main test metrics. */
  intervals: Record<string, Interval>;
  evaluation: Evaluation;
  fairness: FairnessReport[];
  importance: Importance[];
  /** The encoded training mean: the "average student" explanations are measured against. */
  baseline: number[];
  trainingSeconds: number;
  leaks: string[];
}

/** Curves and test-set predictions kept with a model for its evaluation view. */
export interface Evaluation {
  roc: { threshold: number; x: number; y: number }[];
  pr: { threshold: number; x: number; y: number }[];
  calibration: ReturnType<typeof calibrationBins>;
  test: { rows: number[]; labels: number[]; probabilities: number[] };
}

/**
 * Trains, thresholds and evaluates one profile.
 *
 * @param data The validated dataset (with labels).
 * @param spec The dataset spec.
 * @param options Profile, seed, hyper-parameters and policies.
 * @returns The trained model with its metrics.
 */
export async function trainProfile(
  data: Dataset,
  spec: DatasetSpec,
  options: TrainOptions = {},
): Promise<TrainedModel> {
  const started = performance.now();
  const { name, profile } = profileOf(spec, options.profile);
  const seed = options.seed ?? DEFAULT_SEED;
  const split = stratifiedSplit(data.labels, { seed, ...options.fractions });
  // Chosen on the training and validation rows: the test split stays unseen by the choice too.
  const choosing = needsChoice(spec, name, options.model);
  if (choosing) options.log?.(`Choosing the model (profile ${name} has no tuned settings)`);
  const choice = choosing
    ? await chooseModel(data, spec, {
      profile: name,
      seed,
      rows: [...split.train, ...split.validation].sort((a, b) => a - b),
      log: options.log,
    })
    : undefined;
  const params = choice?.params ??
    modelParams({ ...(profile.model as Partial<ModelParams>), ...options.model });
  const policy = options.policy ?? DEFAULT_TRAIN_POLICY;
  const fitted = await fitOnRows(data, spec, split.train, split.validation, {
    profile: name,
    seed,
    params,
    policy,
    watchRecall: options.watchRecall,
    capacity: options.capacity === false
      ? undefined
      : options.capacity ?? spec.capacity ?? DEFAULT_CAPACITY,
    calibrate: options.calibrate,
    onEpoch: options.onEpoch,
  });
  const { threshold } = fitted;
  const test = scoreRows(fitted, data, split.test);
  const testData = takeRows(data, split.test);
  const decisions = Array.from(test.scores, (p) => (p >= threshold ? 1 : 0));
  const sensitive = (options.sensitive ?? spec.sensitive ?? DEFAULT_SENSITIVE)
    .filter((c) => testData.cells[c]);
  const trainMatrix = fitted.preprocessor.transform(takeRows(data, split.train));
  const cohortForward = await _cohortForward(data, spec, name, params, seed);
  return {
    profile: name,
    seed,
    ...(choice ? { choice } : {}),
    ...(cohortForward ? { cohortForward } : {}),
    ...fitted,
    policy,
    split,
    metrics: {
      validation: evaluate(fitted.stop.labels, fitted.stop.scores, threshold),
      test: evaluate(test.labels, test.scores, threshold),
    },
    intervals: bootstrapIntervals(test.labels, test.scores, {
      threshold,
      seed: deriveSeed(seed, 5),
      resamples: _resamples(test.labels.length),
    }),
    evaluation: {
      roc: rocCurve(test.labels, test.scores),
      pr: prCurve(test.labels, test.scores),
      calibration: calibrationBins(test.labels, test.scores),
      test: {
        rows: split.test,
        labels: Array.from(test.labels),
        probabilities: Array.from(test.scores),
      },
    },
    fairness: sensitive.map((c) => fairnessReport(c, testData.cells[c], test.labels, decisions)),
    importance: permutationImportance(
      _sample(testData, LARGE_ROWS, deriveSeed(seed, 7)),
      profile.features,
      {
        score: (part) => scoreRows(fitted, part).scores,
        seed: deriveSeed(seed, 6),
      },
    ),
    baseline: columnMeans(trainMatrix.x, trainMatrix.width),
    trainingSeconds: (performance.now() - started) / 1000,
    leaks: leaksOf(spec, profile),
  };
}

/** Each column's mean over its present cells (codes encode a missing cell as NaN). */
function columnMeans(x: Float32Array, width: number): number[] {
  const means = new Array<number>(width).fill(0);
  const counts = new Array<number>(width).fill(0);
  const rows = x.length / width;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < width; j++) {
      const v = x[r * width + j];
      if (v === v) (means[j] += v), counts[j]++;
    }
  }
  return means.map((m, j) => m / Math.max(1, counts[j]));
}

/**
 * Above this many test rows, the test figures that refit nothing but repeat a whole pass over the
 * rows (the bootstrap's resamples, permutation importance's shuffles) are bounded: importance is
 * measured on a stratified sample of this many test rows and the bootstrap draws fewer resamples,
 * each of which is as large as the test split, so the intervals stay as narrow as they are.
 */
export const LARGE_ROWS = 20_000;

/** The most rows cohort-forward figures are measured on (a stratified sample above it). */
export const COHORT_FORWARD_ROWS = 50_000;

/** Bootstrap resamples for a test split: 1,000 up to {@linkcode LARGE_ROWS}, then fewer (at least 100). */
function _resamples(rows: number): number {
  return rows <= LARGE_ROWS ? 1000 : Math.max(100, Math.round((1000 * LARGE_ROWS) / rows));
}

/** A stratified seeded sample of at most `size` rows of a dataset (itself when it is no larger). */
function _sample(data: Dataset, size: number, seed: number): Dataset {
  if (data.rows <= size) return data;
  const all = Array.from({ length: data.rows }, (_, i) => i);
  return takeRows(data, stratifiedHoldout(data.labels, all, size / data.rows, seed).holdout);
}

/**
 * Trains the chosen settings on every cohort but the latest and tests on the latest, when the spec
 * names a cohort the data holds with two values or more and both parts hold both classes.
 */
async function _cohortForward(
  data: Dataset,
  spec: DatasetSpec,
  profile: string,
  params: ModelParams,
  seed: number,
): Promise<CohortForward | undefined> {
  const column = spec.cohort;
  if (!column || !(column in data.extra || column in data.cells)) return undefined;
  const rows = data.rows;
  data = _sample(data, COHORT_FORWARD_ROWS, deriveSeed(seed, 8));
  const values = [...new Set(cohortValues(data, column).filter((v) => v !== null))].sort();
  if (values.length < 2) return undefined;
  const test = [values[values.length - 1]];
  try {
    const r = await crossValidate(data, spec, {
      profile,
      params,
      seed,
      cohort: { column, test },
      resamples: 0,
    });
    return {
      column,
      test,
      train_rows: r.cohort!.train_rows,
      test_rows: r.cohort!.test_rows,
      ...(data.rows < rows ? { sampled: data.rows } : {}),
      roc_auc: r.roc_auc.mean,
      pr_auc: r.pr_auc.mean,
      brier: r.brier.mean,
      log_loss: r.log_loss.mean,
    };
  } catch (error) {
    // A part with one class only: no cohort-forward figure, the model itself is unaffected.
    if (error instanceof InputError) return undefined;
    throw error;
  }
}
