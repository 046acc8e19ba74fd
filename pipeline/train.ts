/**
 * Training one profile end to end: split, fit the preprocessor and the
 * network on the training split, choose the decision threshold and risk bands
 * on the validation split, and report metrics on the untouched test split.
 *
 * @module
 */
import type { Dataset } from "./dataset.ts";
import { takeRows } from "./dataset.ts";
import { type DatasetSpec, leaksOf, profileOf } from "./spec.ts";
import { Preprocessor } from "./preprocess.ts";
import { type EpochLog, MlpClassifier, type ModelParams, modelParams } from "./model.ts";
import { type Split, stratifiedSplit } from "./split.ts";
import {
  calibrationBins,
  chooseThreshold,
  evaluate,
  type Metrics,
  prCurve,
  rocCurve,
  type ThresholdPolicy,
} from "./metrics.ts";
import { column } from "./spec.ts";

/** Risk bands: a probability at or above `high` is high risk (flagged), at or above `medium` is medium. */
export interface Bands {
  medium: number;
  high: number;
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
  /** Recall on validation the medium band must reach (default 0.9). */
  watchRecall?: number;
  /** Validation and test fractions (default 0.15 each). */
  fractions?: { validation?: number; test?: number };
  /** Progress callback, once per epoch. */
  onEpoch?: (log: EpochLog) => void | Promise<void>;
}

/** Everything a training run produced, before it is saved. */
export interface TrainedModel {
  profile: string;
  seed: number;
  preprocessor: Preprocessor;
  classifier: MlpClassifier;
  threshold: number;
  bands: Bands;
  split: Split;
  metrics: { validation: Metrics; test: Metrics };
  evaluation: Evaluation;
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

/** The seed used when none is given. */
export const DEFAULT_SEED = 42;

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
  const fitted = await fitOnRows(data, spec, split.train, split.validation, {
    profile: name,
    seed,
    params,
    onEpoch: options.onEpoch,
  });
  const validation = scoreRows(fitted, data, split.validation);
  const threshold = chooseThreshold(
    validation.labels,
    validation.scores,
    options.policy ?? { kind: "f1" },
  );
  const watch = chooseThreshold(validation.labels, validation.scores, {
    kind: "min-recall",
    recall: options.watchRecall ?? 0.9,
  });
  const bands = { medium: Math.min(watch, threshold), high: threshold };
  const test = scoreRows(fitted, data, split.test);
  return {
    profile: name,
    seed,
    ...fitted,
    threshold,
    bands,
    split,
    metrics: {
      validation: evaluate(validation.labels, validation.scores, threshold),
      test: evaluate(test.labels, test.scores, threshold),
    },
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
    trainingSeconds: (performance.now() - started) / 1000,
    leaks: leaksOf(spec, profile),
  };
}

/**
 * Fits a preprocessor and a network on some rows, stopping early on others.
 * Cross-validation calls this once per fold.
 *
 * @param data The dataset.
 * @param spec The dataset spec.
 * @param fitRows Rows to learn from.
 * @param stopRows Rows for early stopping.
 * @param options Profile, seed, parameters and progress callback.
 * @returns The fitted preprocessor and classifier.
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
    onEpoch?: (log: EpochLog) => void | Promise<void>;
  },
): Promise<{ preprocessor: Preprocessor; classifier: MlpClassifier }> {
  const { profile } = profileOf(spec, options.profile);
  const features = profile.features.map((f) => column(spec, f));
  const fitData = takeRows(data, fitRows);
  const stopData = takeRows(data, stopRows);
  const preprocessor = new Preprocessor({ features }).fit(fitData);
  const train = preprocessor.transform(fitData);
  const stop = preprocessor.transform(stopData);
  const classifier = await new MlpClassifier(options.params).fit(train.x, fitData.labels, {
    seed: options.seed,
    validation: { x: stop.x, y: stopData.labels },
    onEpoch: options.onEpoch,
  });
  return { preprocessor, classifier };
}

/**
 * Scores some rows of a dataset with a fitted pair.
 *
 * @param fitted The preprocessor and classifier.
 * @param data The dataset.
 * @param rows Which rows.
 * @returns Their labels and probabilities.
 */
export function scoreRows(
  fitted: { preprocessor: Preprocessor; classifier: MlpClassifier },
  data: Dataset,
  rows: number[],
): { labels: Uint8Array; scores: Float32Array } {
  const part = takeRows(data, rows);
  const { x } = fitted.preprocessor.transform(part);
  return { labels: part.labels, scores: fitted.classifier.predictProba(x, part.rows) };
}
