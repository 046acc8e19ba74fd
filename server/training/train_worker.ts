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
  type Dataset,
  datasetDrift,
  type DatasetSpec,
  DEFAULT_MODEL_PARAMS,
  driftSummary,
  loadDataset,
  PipelineError,
  Registry,
  SchemaError,
  type ThresholdPolicy,
  trainProfile,
} from "../../pipeline/mod.ts";

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
  | { type: "drift"; message: string }
  | { type: "failed"; name: string; message: string; issues?: SchemaError["issues"] };

/** Before training: how the data differs from what the profile's active model learned from. */
async function driftWarning(request: TrainRequest, data: Dataset): Promise<string | undefined> {
  const registry = new Registry(request.modelsDir);
  const id = (await registry.active().catch(() => ({})) as Record<string, string>)[request.profile];
  const active = id ? await registry.metadata(id).catch(() => undefined) : undefined;
  // No active model, or one saved before drift statistics: nothing to compare with.
  if (!active?.distributions) return undefined;
  const report = datasetDrift(active, data);
  if (report.drifted.length === 0) return undefined;
  return `The training data differs from the data the active model ${id} learned from: ${
    driftSummary(report)
  }`;
}

self.onmessage = async (event: MessageEvent<TrainRequest>) => {
  const request = event.data;
  const post = (message: TrainMessage) => self.postMessage(message);
  try {
    const data = await loadDataset(request.dataPath, request.spec, {
      required: request.spec.profiles[request.profile]?.features,
    });
    const drift = await driftWarning(request, data);
    if (drift) post({ type: "drift", message: drift });
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
