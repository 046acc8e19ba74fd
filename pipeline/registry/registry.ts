/**
 * The model registry: one folder per model under a models directory, and an
 * `active.json` pointer naming the active model of each profile. A model is
 * written into a hidden temporary folder, fsynced and renamed into place, and
 * the pointer is replaced by rename, so a crash at any step leaves the previous
 * state: a half-written model is never listed and never active.
 *
 * @module
 */
import { ArtifactError, InputError, shownName } from "../core/errors.ts";
import type { Dataset } from "../data/dataset.ts";
import type { DatasetSpec } from "../data/spec.ts";
import type { TrainedModel } from "../train/train_profile.ts";
import { writeModelFiles } from "./artifacts.ts";
import { buildMetadata, type ModelMetadata } from "./metadata.ts";
import { loadPredictor, type Predictor } from "./predictor.ts";
import { isHeld, syncDir, whileHolding, writeFileAtomic } from "../core/atomic.ts";

/** A model as listed by the registry. */
export interface ModelSummary {
  id: string;
  profile: string;
  created: string;
  active: boolean;
  seed: number;
  data_sha256: string;
  leaks: string[];
  test: { roc_auc: number; f1: number; accuracy: number; recall: number; precision: number };
}

/**
 * How many models of each profile {@linkcode Registry.prune} keeps by default, beside the active
 * ones: enough to roll back a few trainings.
 */
export const DEFAULT_KEEP = 5;

/** What {@linkcode Registry.prune} removed and kept. */
export interface PruneResult {
  /** The models removed (or, in a dry run, that would be), newest first. */
  removed: string[];
  /** The models kept, newest first. */
  kept: string[];
}

/** Options of the registry. */
export interface RegistryOptions {
  /** Called between the steps of a write, with the step's name: tests throw here to simulate a crash. */
  onStep?: (step: string) => void;
}

// The shape save() gives, `<profile>-<UTC stamp>-<6 hex>`, in at most 200 characters (a longer
// name fails with ENAMETOOLONG rather than NotFound): the registry's own files (`active.json`,
// `README.md`) and leftovers are never taken for a model, before any file is touched.
const ID = /^(?=.{1,200}$)[A-Za-z0-9][A-Za-z0-9._-]*-\d{8}T\d{6}Z-[0-9a-f]{6}$/;

/** Lists, saves, activates and loads models in a folder. */
export class Registry {
  /** The models folder. */
  readonly dir: string;
  readonly #onStep: (step: string) => void;

  /**
   * @param dir The models folder (created on first save).
   * @param options Fault-injection hook for tests.
   */
  constructor(dir: string, options: RegistryOptions = {}) {
    this.dir = dir.replace(/\/+$/, "") || ".";
    this.#onStep = options.onStep ?? (() => {});
  }

  /**
   * Saves a trained model as a new folder (atomically) and returns its metadata.
   *
   * @param trained The training result.
   * @param context The data it was trained on and the spec.
   * @returns The saved model's metadata.
   */
  async save(
    trained: TrainedModel,
    context: { data: Dataset; spec: DatasetSpec },
  ): Promise<ModelMetadata> {
    await Deno.mkdir(this.dir, { recursive: true });
    const created = new Date();
    const stamp = created.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    const id = `${trained.profile}-${stamp}-${crypto.randomUUID().slice(0, 6)}`;
    const metadata = buildMetadata(trained, { ...context, id, created });
    const tmp = `${this.dir}/.tmp-${id}`;
    // Held until the folder is renamed: a process sweeping the registry meanwhile leaves it.
    await whileHolding(`${tmp}.lock`, async () => {
      await Deno.mkdir(tmp);
      try {
        this.#onStep("files");
        await writeModelFiles(tmp, trained, metadata);
        await syncDir(tmp);
        this.#onStep("rename");
        await Deno.rename(tmp, `${this.dir}/${id}`);
        await syncDir(this.dir);
      } catch (error) {
        await Deno.remove(tmp, { recursive: true }).catch(() => {});
        throw error;
      }
    });
    return metadata;
  }

  /**
   * The active model id of each profile.
   *
   * @returns Profile to model id.
   */
  async active(): Promise<Record<string, string>> {
    try {
      return JSON.parse(await Deno.readTextFile(`${this.dir}/active.json`));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return {};
      throw new ArtifactError(`Cannot read ${this.dir}/active.json: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /**
   * Makes a model the active one of its profile (also the way to roll back).
   *
   * @param id The model id.
   * @returns The model's profile.
   * @throws InputError when there is no such model.
   */
  async activate(id: string): Promise<string> {
    const metadata = await this.metadata(id);
    // The read-modify-write holds an exclusive flock on the folder: two activations at once (of
    // different profiles, from any thread or process) would each write back the map they read,
    // and one would be lost. The kernel releases the lock on close or when the process dies.
    const lock = await Deno.open(this.dir, { read: true });
    try {
      await lock.lock(true);
      // A prune (which holds the same lock) may have removed the model since it was read.
      await this.metadata(id);
      const active = await this.active();
      active[metadata.profile] = id;
      this.#onStep("pointer");
      await writeFileAtomic(`${this.dir}/active.json`, JSON.stringify(active, null, 2));
    } finally {
      lock.close();
    }
    return metadata.profile;
  }

  /**
   * Reads a model's metadata.
   *
   * @param id The model id.
   * @returns Its metadata.
   * @throws InputError when there is no such model.
   */
  async metadata(id: string): Promise<ModelMetadata> {
    if (!ID.test(id)) throw new InputError(`Unknown model "${shownName(id)}"`);
    try {
      return JSON.parse(await Deno.readTextFile(`${this.dir}/${id}/metadata.json`));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
        throw new InputError(`Unknown model "${shownName(id)}"`);
      }
      throw new ArtifactError(`Cannot read model "${id}": ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /**
   * Lists every complete model, newest first.
   *
   * @returns Summaries with the active flag.
   */
  async list(): Promise<ModelSummary[]> {
    const active = new Set(Object.values(await this.active()));
    const out: ModelSummary[] = [];
    let entries: Deno.DirEntry[] = [];
    try {
      entries = await Array.fromAsync(Deno.readDir(this.dir));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }
    for (const entry of entries) {
      if (!entry.isDirectory || entry.name.startsWith(".") || !ID.test(entry.name)) continue;
      let m: ModelMetadata;
      try {
        m = await this.metadata(entry.name);
      } catch {
        continue; // not a model folder
      }
      const t = m.metrics.test;
      out.push({
        id: m.id,
        profile: m.profile,
        created: m.created,
        active: active.has(m.id),
        seed: m.seed,
        data_sha256: m.data.sha256,
        leaks: m.leaks,
        test: {
          roc_auc: t.roc_auc,
          f1: t.f1,
          accuracy: t.accuracy,
          recall: t.recall,
          precision: t.precision,
        },
      });
    }
    return out.sort((a, b) => b.created.localeCompare(a.created) || b.id.localeCompare(a.id));
  }

  /**
   * Loads a model for scoring.
   *
   * @param id The model id.
   * @returns The predictor.
   */
  async load(id: string): Promise<Predictor> {
    // metadata() also turns an unknown or malformed id into an InputError.
    return await loadPredictor(`${this.dir}/${id}`, await this.metadata(id));
  }

  /**
   * Loads the active model of a profile.
   *
   * @param profile The profile.
   * @returns The predictor, or undefined when the profile has no active model.
   */
  async loadActive(profile: string): Promise<Predictor | undefined> {
    const id = (await this.active())[profile];
    return id ? await this.load(id) : undefined;
  }

  /**
   * Removes old models: every model is kept that is active, or among the newest `keep` of its
   * profile; the others are removed. It holds the folder's lock, as activation does, so it never
   * removes a model being activated, and removes in two steps: each folder is first renamed to a
   * hidden temporary name (at once unlisted, never half-listed), then deleted; a crash between
   * the two leaves only temporary folders, which {@linkcode Registry.sweep} removes. A server
   * serving a removed model keeps it in memory until it follows `active.json` to another.
   *
   * @param options `keep`: models kept per profile beside the active ones (at least 1, default
   *   {@linkcode DEFAULT_KEEP}); `dryRun`: only report what would be removed.
   * @returns The models removed and kept.
   * @throws InputError when `keep` is not an integer of at least 1.
   */
  async prune(options: { keep?: number; dryRun?: boolean } = {}): Promise<PruneResult> {
    const keep = options.keep ?? DEFAULT_KEEP;
    if (!Number.isInteger(keep) || keep < 1) {
      throw new InputError(`Invalid keep: ${keep}, expected an integer of at least 1`);
    }
    let lock: Deno.FsFile;
    try {
      lock = await Deno.open(this.dir, { read: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return { removed: [], kept: [] };
      throw error;
    }
    try {
      await lock.lock(true);
      const removed: string[] = [];
      const kept: string[] = [];
      const seen = new Map<string, number>();
      // list() is newest first, so the first `keep` of each profile are its newest.
      for (const model of await this.list()) {
        const rank = seen.get(model.profile) ?? 0;
        seen.set(model.profile, rank + 1);
        (model.active || rank < keep ? kept : removed).push(model.id);
      }
      if (options.dryRun || removed.length === 0) return { removed, kept };
      const doomed: string[] = [];
      for (const id of removed) {
        this.#onStep("prune-rename");
        const tmp = `${this.dir}/.tmp-pruned-${id}`;
        await Deno.rename(`${this.dir}/${id}`, tmp);
        doomed.push(tmp);
      }
      await syncDir(this.dir);
      for (const tmp of doomed) {
        this.#onStep("prune-remove");
        await Deno.remove(tmp, { recursive: true });
      }
      return { removed, kept };
    } finally {
      lock.close();
    }
  }

  /**
   * Removes temporary folders and files left by writes that crashed. A write under way in
   * another process (a replica, or `deno task train`, on the same folder) holds its lock, and
   * what it writes is left alone.
   *
   * @returns The names removed.
   */
  async sweep(): Promise<string[]> {
    const removed: string[] = [];
    let names: string[];
    try {
      names = (await Array.fromAsync(Deno.readDir(this.dir))).map((e) => e.name);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return removed;
      throw error;
    }
    for (const name of names) {
      if (!name.startsWith(".tmp-") && !name.endsWith(".tmp")) continue;
      const path = `${this.dir}/${name}`;
      // A file (a pointer's or a lock) is held itself; a model folder by the lock beside it.
      const file = name.endsWith(".tmp") || name.endsWith(".lock");
      if (await isHeld(file ? path : `${path}.lock`)) continue;
      await Deno.remove(path, { recursive: true }).catch(() => {});
      removed.push(name);
    }
    return removed;
  }
}
