/**
 * The content of a model folder's `metadata.json`: the spec, data hash, seed, settings, metrics
 * and versions saved with every model, and how it is built from a training result.
 *
 * @module
 */
import { tf } from "../models/backend.ts";
import type { Dataset } from "../data/dataset.ts";
import type { DatasetSpec } from "../data/spec.ts";
import type { CohortForward, Evaluation, TrainedModel } from "../train/train_profile.ts";
import type { ModelChoice } from "../train/choose.ts";
import type { Bands } from "../evaluate/thresholds.ts";
import { type Metrics } from "../evaluate/metrics.ts";
import { policyText } from "../evaluate/thresholds.ts";
import { type EpochLog, MlpClassifier, type ModelParams } from "../models/mlp.ts";
import type { Calibration } from "../models/calibration.ts";
import type { FairnessReport } from "../evaluate/fairness.ts";
import type { Interval } from "../evaluate/intervals.ts";
import type { Importance } from "../evaluate/importance.ts";
import { IG_STEPS } from "../explain/integrated_gradients.ts";
import type { FeatureGain } from "../features/preprocessor.ts";
import { type TrainingDistributions, trainingDistributions } from "../drift/distributions.ts";

/** The content of `metadata.json`. */
export interface ModelMetadata {
  /** The folder name: profile, UTC time and a content hash. */
  id: string;
  profile: string;
  /** ISO time of creation. */
  created: string;
  seed: number;
  data: { source: string; sha256: string; rows: number; positives: number; prevalence: number };
  /** The dataset spec the model was trained with. */
  spec: DatasetSpec;
  /** The input columns, in order. */
  features: string[];
  /**
   * With the `select` setting: the features the model reads (in the profile's order) and every
   * feature's Gini gain on the training rows, highest first. The others are accepted but unused.
   */
  selection?: { read: string[]; ranking: FeatureGain[] };
  /**
   * Each input's distribution over every row of the training file (bins and counts), for drift
   * reports; absent in models saved before drift reports existed.
   */
  distributions?: TrainingDistributions;
  /** Leak columns among the features (non-empty only for the compatibility `seed` profile). */
  leaks: string[];
  hyperparameters: ModelParams;
  /**
   * How the model was chosen when the profile had no tuned settings: every candidate's inner
   * figures, the choice and the reason. Absent when the profile's settings were used.
   */
  choice?: ModelChoice;
  /** Trained on every cohort but the latest and tested on it, when the spec names a cohort. */
  cohort_forward?: CohortForward;
  /** Platt scaling fitted on validation, or none. */
  calibration: Calibration;
  threshold: number;
  /** The policy that chose the threshold on validation, as written (`f1`, `min-precision:0.7`, …); absent in older models. */
  threshold_policy?: string;
  bands: Bands;
  metrics: { validation: Metrics; test: Metrics };
  /** 95 % bootstrap intervals of the main test metrics. */
  intervals: Record<string, Interval>;
  evaluation: Evaluation;
  /** Decision rates by group on the test split, with equalized-odds and demographic-parity gaps. */
  fairness: FairnessReport[];
  /** Permutation importance (drop in test ROC-AUC) per feature. */
  importance: Importance[];
  /** How per-student reasons are computed, and the baseline student they are measured against. */
  explanation:
    | { method: "integrated-gradients"; steps: number; baseline: number[] }
    | { method: "tree-shap" | "linear"; baseline: number[] };
  /**
   * The split's row counts; `refitted` tells whether the model learned from the validation rows
   * too, once they had served it (absent in models saved before tables above 10,000 rows skipped
   * the refit).
   */
  split: { seed: number; train: number; validation: number; test: number; refitted?: boolean };
  training: {
    seconds: number;
    epochs_run: number;
    best_epoch: number;
    history: EpochLog[];
    members: { seed: number; best_epoch: number; epochs_run: number }[];
  };
  versions: { deno: string; tfjs: string; backend: string; pipeline: string };
}

/** The pipeline's artifact format version, bumped when the folder layout changes. */
export const ARTIFACT_VERSION = "1";

/**
 * Builds the metadata of a trained model.
 *
 * @param trained The training result.
 * @param context The data it was trained on, the spec and the id it will get.
 * @returns The metadata.
 */
export function buildMetadata(
  trained: TrainedModel,
  context: { data: Dataset; spec: DatasetSpec; id: string; created: Date },
): ModelMetadata {
  const { data, spec } = context;
  const positives = data.labels.reduce((a, b) => a + b, 0);
  return {
    id: context.id,
    profile: trained.profile,
    created: context.created.toISOString(),
    seed: trained.seed,
    data: {
      source: data.source.split("/").pop() ?? data.source,
      sha256: data.sha256,
      rows: data.rows,
      positives,
      prevalence: positives / data.rows,
    },
    spec,
    features: trained.preprocessor.params.features.map((c) => c.name),
    selection: trained.preprocessor.state.ranking && {
      read: trained.preprocessor.state.features.map((f) => f.name),
      ranking: trained.preprocessor.state.ranking,
    },
    distributions: trainingDistributions(data, trained.preprocessor.params.features),
    leaks: trained.leaks,
    hyperparameters: trained.params,
    ...(trained.choice ? { choice: trained.choice } : {}),
    ...(trained.cohortForward ? { cohort_forward: trained.cohortForward } : {}),
    calibration: trained.calibration,
    threshold: trained.threshold,
    threshold_policy: policyText(trained.policy),
    bands: trained.bands,
    metrics: trained.metrics,
    intervals: trained.intervals,
    evaluation: trained.evaluation,
    fairness: trained.fairness,
    importance: trained.importance,
    explanation: trained.params.family === "mlp"
      ? { method: "integrated-gradients", steps: IG_STEPS, baseline: trained.baseline }
      : {
        method: trained.params.family === "logistic" ? "linear" : "tree-shap",
        baseline: trained.baseline,
      },
    split: {
      seed: trained.seed,
      train: trained.split.train.length,
      validation: trained.split.validation.length,
      test: trained.split.test.length,
      refitted: trained.refitted,
    },
    training: trained.classifier instanceof MlpClassifier
      ? {
        seconds: trained.trainingSeconds,
        epochs_run: trained.classifier.history.length,
        best_epoch: trained.classifier.bestEpoch,
        history: trained.classifier.history,
        members: trained.classifier.members,
      }
      // Trees have no epochs: only the time is kept.
      : {
        seconds: trained.trainingSeconds,
        epochs_run: 0,
        best_epoch: 0,
        history: [],
        members: [],
      },
    versions: {
      deno: Deno.version.deno,
      tfjs: tf.version_core,
      backend: tf.getBackend(),
      pipeline: ARTIFACT_VERSION,
    },
  };
}
