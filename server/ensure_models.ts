/**
 * Making sure a registry can serve: train and activate a model for every
 * requested profile that has none. `deno task start` and the server's start-up
 * call this, so a fresh clone goes from nothing to predictions in one command.
 *
 * @module
 */
import {
  type DatasetSpec,
  DEFAULT_SEED,
  loadDataset,
  type Registry,
  resolveDataPath,
  trainProfile,
} from "../pipeline/mod.ts";

/** Options of {@linkcode ensureActiveModels}. */
export interface EnsureOptions {
  /** Profiles that must have an active model. */
  profiles: string[];
  /** The training CSV (else `DROPOUT_DATA`, else the shared default). */
  data?: string;
  /** Seed of any training this triggers. */
  seed?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/**
 * Trains and activates the missing models; leaves existing ones alone.
 *
 * @param registry The model registry.
 * @param spec The dataset spec.
 * @param options The profiles, the data and a logger.
 * @returns The active model id of every requested profile, and which were trained now.
 */
export async function ensureActiveModels(
  registry: Registry,
  spec: DatasetSpec,
  options: EnsureOptions,
): Promise<{ active: Record<string, string>; trained: string[] }> {
  await registry.sweep();
  const active = await registry.active();
  const missing = options.profiles.filter((p) => !active[p]);
  const trained: string[] = [];
  if (missing.length > 0) {
    const data = await loadDataset(resolveDataPath(options.data), spec);
    for (const profile of missing) {
      options.log?.(
        `No active ${profile} model: training one on ${data.rows} rows of ${data.source}`,
      );
      const model = await trainProfile(data, spec, { profile, seed: options.seed ?? DEFAULT_SEED });
      const metadata = await registry.save(model, { data, spec });
      await registry.activate(metadata.id);
      model.classifier.dispose();
      active[profile] = metadata.id;
      trained.push(metadata.id);
      options.log?.(
        `Trained ${metadata.id} in ${metadata.training.seconds.toFixed(1)} s: test ROC-AUC ${
          metadata.metrics.test.roc_auc.toFixed(3)
        }, F1 ${metadata.metrics.test.f1.toFixed(3)}`,
      );
    }
  }
  return { active, trained };
}
