/**
 * Training one profile end to end: split, fit the preprocessor and the
 * network on the training split; on the validation split, calibrate the
 * probabilities and choose the decision threshold and risk bands; on the
 * untouched test split, report metrics with bootstrap intervals, curves,
 * fairness by group and permutation importance.
 *
 * @module
 */
import type { Dataset } from "../data/dataset.ts";
import { takeRows } from "../data/dataset.ts";
import { type DatasetSpec, leaksOf, profileOf } from "../data/spec.ts";
import { Preprocessor } from "../features/preprocessor.ts";
import { type EpochLog, type ModelParams, modelParams } from "../models/mlp.ts";
import { fitModel, type FittedModel, refitModel } from "../models/family.ts";
import { type Split, stratifiedSplit } from "../data/split.ts";
import { calibrationBins, evaluate, type Metrics, prCurve, rocCurve } from "../evaluate/metrics.ts";
import {
  type Bands,
  boundBands,
  type Capacity,
  chooseBands,
  chooseDecision,
  DEFAULT_CAPACITY,
  type ThresholdPolicy,
} from "../evaluate/thresholds.ts";
import { column } from "../data/spec.ts";
import { calibrate, type Calibration, chooseCalibration } from "../models/calibration.ts";
import { DEFAULT_SENSITIVE, type FairnessReport, fairnessReport } from "../evaluate/fairness.ts";
import { bootstrapIntervals, type Interval } from "../evaluate/intervals.ts";
import { type Importance, permutationImportance } from "../evaluate/importance.ts";
import { DEFAULT_SEED, deriveSeed } from "../core/random.ts";

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
}

/** Everything a training run produced, before it is saved. */
export interface TrainedModel {
  profile: string;
  seed: number;
  /** The model parameters the fit used (family and settings). */
  params: ModelParams;
  preprocessor: Preprocessor;
  classifier: FittedModel;
  calibration: Calibration;
  threshold: number;
  /** How the threshold was chosen on validation. */
  policy: ThresholdPolicy;
  bands: Bands;
  split: Split;
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

/** How `train` chooses the decision threshold on validation unless told otherwise: maximise F1. */
export const DEFAULT_TRAIN_POLICY: ThresholdPolicy = { kind: "f1" };

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
  const params = modelParams({ ...(profile.model as Partial<ModelParams>), ...options.model });
  const split = stratifiedSplit(data.labels, { seed, ...options.fractions });
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
  return {
    profile: name,
    seed,
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
    importance: permutationImportance(testData, profile.features, {
      score: (part) => scoreRows(fitted, part).scores,
      seed: deriveSeed(seed, 6),
    }),
    baseline: columnMeans(trainMatrix.x, trainMatrix.width),
    trainingSeconds: (performance.now() - started) / 1000,
    leaks: leaksOf(spec, profile),
  };
}

function columnMeans(x: Float32Array, width: number): number[] {
  const means = new Array<number>(width).fill(0);
  const rows = x.length / width;
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) means[j] += x[r * width + j];
  return means.map((m) => m / Math.max(1, rows));
}

/** A fitted pipeline before evaluation: what cross-validation needs from each fold. */
export interface FittedPipeline {
  /** The model parameters the fit used. */
  params: ModelParams;
  preprocessor: Preprocessor;
  classifier: FittedModel;
  calibration: Calibration;
  threshold: number;
  bands: Bands;
  /** The early-stopping rows' labels and calibrated scores. */
  stop: { labels: Uint8Array; scores: Float32Array };
}

/**
 * Fits a preprocessor and a network on some rows, then on other rows stops
 * early, calibrates, and chooses the threshold and bands. Training and every
 * cross-validation fold go through here.
 *
 * @param data The dataset.
 * @param spec The dataset spec.
 * @param fitRows Rows to learn from.
 * @param stopRows Rows for early stopping, calibration and the threshold.
 * @param options Profile, seed, parameters, policies and progress callback.
 * @returns The fitted pipeline.
 */
export async function fitOnRows(
  data: Dataset,
  spec: DatasetSpec,
  fitRows: number[],
  stopRows: number[],
  options: {
    profile: string;
    seed: number;
    params: ModelParams;
    policy?: ThresholdPolicy;
    watchRecall?: number;
    /** Bounds the shares of the bands on the held-out rows; unbounded when absent. */
    capacity?: Capacity;
    calibrate?: boolean;
    onEpoch?: (log: EpochLog) => void | Promise<void>;
  },
): Promise<FittedPipeline> {
  const { profile } = profileOf(spec, options.profile);
  const features = profile.features.map((f) => column(spec, f));
  const fitData = takeRows(data, fitRows);
  const stopData = takeRows(data, stopRows);
  const preprocessor = new Preprocessor({
    features,
    cuts: options.params.cuts,
    select: options.params.select,
  }).fit(fitData);
  const train = preprocessor.transform(fitData);
  const stopX = preprocessor.transform(stopData);
  const { model: classifier, prior } = await fitModel(options.params, train.x, fitData.labels, {
    seed: options.seed,
    width: preprocessor.width,
    validation: { x: stopX.x, y: stopData.labels },
    onEpoch: options.onEpoch,
  });
  const raw = classifier.predictProba(stopX.x, stopData.rows);
  const calibration: Calibration = options.calibrate === false
    ? { method: "none" }
    : options.params.calibration === "none"
    ? prior
    : chooseCalibration(stopData.labels, raw, 5, prior);
  const scores = raw.map((p) => calibrate(calibration, p));
  const threshold = chooseDecision(stopData.labels, scores, {
    policy: options.policy ?? DEFAULT_TRAIN_POLICY,
    capacity: options.capacity,
  });
  let bands = chooseBands(stopData.labels, scores, {
    threshold,
    watchRecall: options.watchRecall ?? 0.9,
    capacity: options.capacity,
  });
  // The held-out rows have chosen what they are for; trees then learn from them too.
  const all = new Float32Array(train.x.length + stopX.x.length);
  all.set(train.x);
  all.set(stopX.x, train.x.length);
  const labels = new Uint8Array(fitData.rows + stopData.rows);
  labels.set(fitData.labels);
  labels.set(stopData.labels, fitData.rows);
  const final = refitModel(options.params, classifier, all, labels, {
    seed: options.seed,
    width: preprocessor.width,
  });
  if (options.capacity) {
    // A refitted model scores the students it learned from above new ones: bound the bands on
    // those scores too, so the flag stays within capacity on them as on the held-out rows.
    const seen = final.predictProba(all, labels.length).map((p) => calibrate(calibration, p));
    bands = boundBands(bands, seen, { capacity: options.capacity });
  }
  return {
    params: options.params,
    preprocessor,
    classifier: final,
    calibration,
    threshold: bands.high,
    bands,
    stop: { labels: stopData.labels, scores },
  };
}

/**
 * Scores rows of a dataset with a fitted pipeline (calibrated when it has a calibration).
 *
 * @param fitted The preprocessor, classifier and optional calibration.
 * @param data The dataset.
 * @param rows Which rows (all when absent).
 * @returns Their labels and probabilities.
 */
export function scoreRows(
  fitted: { preprocessor: Preprocessor; classifier: FittedModel; calibration?: Calibration },
  data: Dataset,
  rows?: number[],
): { labels: Uint8Array; scores: Float32Array } {
  const part = rows ? takeRows(data, rows) : data;
  const { x } = fitted.preprocessor.transform(part);
  const raw = fitted.classifier.predictProba(x, part.rows);
  const calibration = fitted.calibration;
  const scores = calibration && calibration.method !== "none"
    ? raw.map((p) => calibrate(calibration, p))
    : raw;
  return { labels: part.labels, scores };
}
