/**
 * Making sure a registry can serve: train and activate a model for every
 * requested profile that has none. `deno task start` and the server's
 * `--train-missing` / `--train-only` call this, so a fresh clone or an empty
 * container volume goes from nothing to predictions in one command.
 *
 * @module
 */
import {
  type DatasetSpec,
  DEFAULT_SEED,
  loadDataset,
  loadSpec,
  Registry,
  resolveDataPath,
  trainProfile,
} from "../../pipeline/mod.ts";

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
  // No sweep here: on a registry shared by replicas, another process's model may be half-saved.
  // The server's start-up sweep clears a crash's leftovers when no training job is live.
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

/**
 * Trains the spec's default profile's model and the `seed` model when they have no active model,
 * then prints a line for each active model (what `deno task start` and `--train-missing` print).
 *
 * @param options The registry folder, the spec (path or file URL), the training CSV and where
 *   the lines go.
 * @returns The ids trained now.
 */
export async function trainMissingModels(options: {
  modelsDir: string;
  specPath: string;
  data?: string;
  log: (line: string) => void;
}): Promise<string[]> {
  const specPath = options.specPath.startsWith("file:")
    ? decodeURIComponent(new URL(options.specPath).pathname)
    : options.specPath;
  const spec = await loadSpec(specPath);
  const registry = new Registry(options.modelsDir);
  const profiles = [spec.default_profile ?? Object.keys(spec.profiles)[0]];
  if (spec.profiles.seed) profiles.push("seed");
  const { trained } = await ensureActiveModels(registry, spec, {
    profiles,
    data: options.data,
    log: options.log,
  });
  options.log("Active models:");
  for (const m of (await registry.list()).filter((m) => m.active)) {
    const leak = m.leaks.length > 0
      ? `  (uses leak column ${m.leaks.join(", ")}: compatibility only)`
      : "";
    options.log(
      `  ${m.profile.padEnd(8)} ${m.id}  test ROC-AUC ${m.test.roc_auc.toFixed(3)}  F1 ${
        m.test.f1.toFixed(3)
      }  recall ${m.test.recall.toFixed(3)}${leak}`,
    );
  }
  return trained;
}
