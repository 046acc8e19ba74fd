/**
 * What the app is built from: every dependency is injected, so tests build
 * the same app around temporary folders, a fixed clock and a memory logger.
 *
 * @module
 */
import type { Dataset, DatasetSpec } from "../../pipeline/mod.ts";
import type { MicroBatcher } from "../serving/mod.ts";
import type { Config } from "./config.ts";
import type { DatasetStore } from "../training/mod.ts";
import type { BodyCredit, Drain } from "../http/mod.ts";
import type { JobRunner } from "../training/mod.ts";
import type { Logger } from "../ops/mod.ts";
import type { Metrics } from "../ops/mod.ts";
import type { ModelStore } from "../serving/mod.ts";
import type { Store } from "../caseload/mod.ts";

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
  /**
   * The TCP front's body credit, shared with the front: streamed bodies are passed on no faster
   * than their routes read them. Absent without the front.
   */
  credit?: BodyCredit;
  /** The caseload's database; the caseload routes are absent without it. */
  caseload?: Store;
  /** The data the figures describe; the server's training CSV when absent. */
  figureData?: () => Promise<Dataset>;
}

export type { AppEnv } from "../http/mod.ts";
export type { PredictionOut } from "../serving/mod.ts";
