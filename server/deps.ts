/**
 * What the app is built from: every dependency is injected, so tests build
 * the same app around temporary folders, a fixed clock and a memory logger.
 *
 * @module
 */
import type { Dataset, DatasetSpec, Prediction } from "../pipeline/mod.ts";
import type { MicroBatcher } from "./microbatch.ts";
import type { Config } from "./config.ts";
import type { DatasetStore } from "./uploads.ts";
import type { Drain } from "./drain.ts";
import type { JobRunner } from "./jobs.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./prometheus.ts";
import type { ModelStore } from "./model_pool.ts";

/** The dependencies of {@linkcode createApp}. */
export interface AppDeps {
  /** The dataset spec the server validates against. */
  spec: DatasetSpec;
  /** The configuration. */
  config: Config;
  /** The active predictors (their registry is `models.registry`). */
  models: ModelStore;
  /** Uploaded training data. */
  datasets: DatasetStore;
  /** Training jobs. */
  jobs: JobRunner;
  /** Prometheus metrics. */
  metrics: Metrics;
  /** Structured logs. */
  logger: Logger;
  /** The current time in milliseconds since the epoch. */
  clock: () => number;
  /** The micro-batcher; one is made from the config when absent. */
  batcher?: MicroBatcher;
  /** In-flight bookkeeping for graceful shutdown; absent in tests that never stop. */
  drain?: Drain;
  /** The data the figures describe; the server's training CSV when absent. */
  figureData?: () => Promise<Dataset>;
}

/**
 * The hono environment: the request id set by the request-id middleware, and the client's own
 * id when it sent a plain one (logged, never answered).
 */
export type AppEnv = { Variables: { requestId: string; clientRequestId?: string } };

/** One student's answer on `/v1/predict`. */
export interface PredictionOut extends Prediction {
  /** The profile that answered. (`reasons`, from the pipeline's explanations, pass through.) */
  profile: string;
  /**
   * Fields of the request this model does not read: unknown to the spec (a misspelt "age" beside an
   * imputed `Age`), outside the profile, or left out by the model's feature selection (`select`).
   * Listed so a typo does not pass as a missing value, and an unused field as a used one.
   */
  ignored: string[];
  /**
   * Set when the imputed inputs carry most of the model's weight (its permutation importance):
   * the probability then says more about the training average than about this student.
   */
  warning?: string;
}
