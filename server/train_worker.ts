/**
 * The training job's Web Worker: loads a stored dataset, trains a profile
 * through the pipeline, saves the model (atomically) and posts its progress.
 * It never activates: the server's main thread applies the gate, so serving
 * is never stalled by training and never sees a half-loaded model.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import {
  type DatasetSpec,
  DEFAULT_MODEL_PARAMS,
  loadDataset,
  PipelineError,
  Registry,
  SchemaError,
  type ThresholdPolicy,
  trainProfile,
} from "../pipeline/mod.ts";

/** What the server asks the worker to do. */
export interface TrainRequest {
  /** The CSV to train on. */
  dataPath: string;
  /** The dataset spec. */
  spec: DatasetSpec;
  /** The registry folder to save into. */
  modelsDir: string;
  /** The profile to train. */
  profile: string;
  /** The seed. */
  seed: number;
  /** Override of the profile's maximum epochs. */
  epochs?: number;
  /** How the decision threshold is chosen on validation. */
  policy?: ThresholdPolicy;
}

/** What the worker reports. */
export type TrainMessage =
  | { type: "epoch"; epoch: number; epochs: number; loss: number; val_loss: number }
  | { type: "saved"; id: string }
  | { type: "failed"; name: string; message: string; issues?: SchemaError["issues"] };

self.onmessage = async (event: MessageEvent<TrainRequest>) => {
  const request = event.data;
  const post = (message: TrainMessage) => self.postMessage(message);
  try {
    const data = await loadDataset(request.dataPath, request.spec, {
      required: request.spec.profiles[request.profile]?.features,
    });
    const epochs = request.epochs ??
      (request.spec.profiles[request.profile]?.model?.epochs as number | undefined) ??
      DEFAULT_MODEL_PARAMS.epochs;
    const trained = await trainProfile(data, request.spec, {
      profile: request.profile,
      seed: request.seed,
      model: request.epochs ? { epochs: request.epochs } : undefined,
      policy: request.policy,
      onEpoch: (log) => post({ type: "epoch", epochs, ...log }),
    });
    const metadata = await new Registry(request.modelsDir).save(trained, {
      data,
      spec: request.spec,
    });
    trained.classifier.dispose();
    post({ type: "saved", id: metadata.id });
  } catch (error) {
    const e = error as Error;
    post({
      type: "failed",
      name: e?.name ?? "Error",
      message: error instanceof PipelineError ? e.message : `Training failed: ${e?.message}`,
      issues: error instanceof SchemaError ? error.issues : undefined,
    });
  }
};
