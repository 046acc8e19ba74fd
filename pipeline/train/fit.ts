/**
 * Fitting a pipeline on some rows: the preprocessor and the model on the fit rows; on the stop
 * rows, early stopping, calibration, the decision threshold and the risk bands. Training and every
 * cross-validation fold go through {@linkcode fitOnRows}.
 *
 * @module
 */
import type { Dataset } from "../data/dataset.ts";
import { takeRows } from "../data/dataset.ts";
import { column, type DatasetSpec, profileOf } from "../data/spec.ts";
import { Preprocessor } from "../features/preprocessor.ts";
import { type EpochLog, type ModelParams } from "../models/mlp.ts";
import { fitModel, type FittedModel, refitModel } from "../models/family.ts";
import {
  type Bands,
  boundBands,
  type Capacity,
  chooseBands,
  chooseDecision,
  type ThresholdPolicy,
} from "../evaluate/thresholds.ts";
import { calibrate, type Calibration, chooseCalibration } from "../models/calibration.ts";

/** How `train` chooses the decision threshold on validation unless told otherwise: maximise F1. */
export const DEFAULT_TRAIN_POLICY: ThresholdPolicy = { kind: "f1" };

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
  /** Whether the model was fitted again on the fit and stop rows together (see {@linkcode REFIT_ROWS}). */
  refitted: boolean;
}

/**
 * Up to this many fit and stop rows together, the model is fitted again on both once the stop rows
 * have chosen the rounds, the calibration and the threshold (the network is never refitted: its
 * calibration belongs to its weights). Above, the stop rows' 15 % are little next to the rest and
 * the refit would double the fit: on OULAD (29,000 rows a fold, the model chosen per fold),
 * 3 × 10-fold figures without it were ROC-AUC 0.6737, PR-AUC 0.4825, Brier 0.19673 and with it
 * 0.6739, 0.4825, 0.19672, at a fifth more time a fold (0.35–0.40 s of 1.7–1.9 s).
 */
export const REFIT_ROWS = 10_000;

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
    /**
     * Refit the model on the fit and stop rows together once the stop rows have served it
     * (default: when they are {@linkcode REFIT_ROWS} or fewer). Without, the model is the one
     * fitted on the fit rows: how the choice of a large table scores its candidates, at half the
     * work.
     */
    refit?: boolean;
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
    encoding: options.params.encoding,
    missing: options.params.missing,
  }).fit(fitData);
  const train = preprocessor.transform(fitData);
  const stopX = preprocessor.transform(stopData);
  const { model: classifier, prior } = await fitModel(options.params, train.x, fitData.labels, {
    seed: options.seed,
    width: preprocessor.width,
    categories: preprocessor.categoryCodes,
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
  const refit = options.refit ?? fitRows.length + stopRows.length <= REFIT_ROWS;
  if (!refit) {
    return {
      params: options.params,
      preprocessor,
      classifier,
      calibration,
      threshold: bands.high,
      bands,
      stop: { labels: stopData.labels, scores },
      refitted: false,
    };
  }
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
    refitted: final !== classifier,
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
