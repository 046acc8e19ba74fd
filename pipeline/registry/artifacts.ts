/**
 * The model folder: the model's own files (`model.json` + `weights.bin`, the tfjs layers format,
 * for the MLP; `trees.json` for a tree ensemble),
 * `preprocessor.json`, `metadata.json` and `MODEL_CARD.md`. This file writes a folder's files;
 * the registry decides where and makes it atomic.
 *
 * @module
 */
import type { TrainedModel } from "../train/train_profile.ts";
import { writeFileSynced } from "../core/atomic.ts";
import { modelFiles } from "../models/family.ts";
import type { ModelMetadata } from "./metadata.ts";
import { modelCard } from "./model_card.ts";

/**
 * Writes the four files of a model into an existing folder, each fsynced.
 *
 * @param dir The folder.
 * @param trained The training result.
 * @param metadata Its metadata.
 */
export async function writeModelFiles(
  dir: string,
  trained: TrainedModel,
  metadata: ModelMetadata,
): Promise<void> {
  for (const [name, data] of Object.entries(await modelFiles(trained.classifier))) {
    await writeFileSynced(`${dir}/${name}`, data);
  }
  await writeFileSynced(
    `${dir}/preprocessor.json`,
    JSON.stringify(trained.preprocessor.toJSON(), null, 2),
  );
  await writeFileSynced(`${dir}/metadata.json`, JSON.stringify(metadata, null, 2));
  await writeFileSynced(`${dir}/MODEL_CARD.md`, modelCard(metadata));
}
