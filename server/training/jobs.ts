/**
 * Asynchronous training jobs. Each job runs in its own Web Worker
 * (`train_worker.ts`), so prediction requests keep flowing; the main thread
 * then applies the gate and, if it passes, activates the model and hot-swaps
 * it in. One job per profile at a time: a lock file in the registry's `.jobs/`
 * folder holds the profile, so the rule also holds across serving workers and
 * replicas on a shared volume, and each job's state is mirrored there so any
 * worker can answer `GET /v1/jobs/{id}`.
 *
 * The process running a job keeps an exclusive advisory lock (`flock`) on its
 * lock file, which the kernel releases when that process dies. A start-up sweep
 * therefore tells a live job of another replica (lock held: left alone) from
 * what a crash left (lock free: removed, job marked failed).
 *
 * @module
 */
import {
  type DatasetSpec,
  type ModelParams,
  modelParams,
  type ThresholdPolicy,
  writeFileAtomic,
} from "../../pipeline/mod.ts";
import { HttpError } from "../http/mod.ts";
import { applyGate, type GateResult } from "./gate.ts";
import type { Logger } from "../ops/mod.ts";
import type { ModelStore } from "../serving/mod.ts";
import type { TrainMessage, TrainRequest } from "./train_worker.ts";

/** Where a job is. */
export type JobState = "running" | "gating" | "activated" | "rejected" | "failed";

/** A training job as reported by `GET /v1/jobs/{id}`. */
export interface Job {
  /** A random UUID. */
  id: string;
  /** The profile trained. */
  profile: string;
  /** The dataset id, or "default" for the server's training CSV. */
  dataset: string;
  /** The seed of split, weights and shuffling. */
  seed: number;
  /** Activate even when the gate rejects the model. */
  force: boolean;
  /** Where the job is. */
  state: JobState;
  /** ISO time the job started. */
  created: string;
  /** ISO time of the last change. */
  updated: string;
  /** Training progress: the last epoch run, the maximum, and its losses. */
  progress: { epoch: number; epochs: number; loss: number | null; val_loss: number | null };
  /** The trained model's id, once saved. */
  model?: string;
  /** The gate's decision, once applied. */
  gate?: GateResult;
  /** Why it failed. */
  error?: string;
  /** What to know about the run, such as data that drifted from the active model's (absent when none). */
  warnings?: string[];
}

/** What a caller asks to train. */
export interface JobRequest {
  /** The profile to train. */
  profile: string;
  /** The CSV to train on. */
  dataPath: string;
  /** The dataset id to report. */
  dataset: string;
  /** The seed. */
  seed: number;
  /** Activate even when the gate rejects the model. */
  force?: boolean;
  /** Override of the maximum epochs. */
  epochs?: number;
  /** How the decision threshold is chosen on validation (the training default when absent). */
  policy?: ThresholdPolicy;
}

const FINAL: JobState[] = ["activated", "rejected", "failed"];

/** Starts, tracks and finishes training jobs. */
export class JobRunner {
  readonly #models: ModelStore;
  readonly #spec: DatasetSpec;
  readonly #dir: string;
  readonly #tolerance: number;
  readonly #clock: () => number;
  readonly #logger: Logger;
  readonly #jobs = new Map<string, Job>();
  readonly #done = new Map<string, PromiseWithResolvers<Job>>();
  readonly #workers = new Map<string, Worker>();
  /** The lock file of each profile training here, held open and locked while its job runs. */
  readonly #locks = new Map<string, Deno.FsFile>();

  /**
   * Makes a runner; nothing starts until {@linkcode JobRunner.start}.
   *
   * @param models The model store (its registry is where models are saved).
   * @param options The spec, gate tolerance, clock and logger.
   */
  constructor(
    models: ModelStore,
    options: { spec: DatasetSpec; tolerance: number; clock: () => number; logger: Logger },
  ) {
    this.#models = models;
    this.#spec = options.spec;
    this.#dir = `${models.registry.dir}/.jobs`;
    this.#tolerance = options.tolerance;
    this.#clock = options.clock;
    this.#logger = options.logger;
  }

  /** Whether the profile's model family trains in epochs (the network does; trees do not). */
  #trainsInEpochs(profile: string): boolean {
    const model = Object.hasOwn(this.#spec.profiles, profile)
      ? this.#spec.profiles[profile].model
      : undefined;
    return modelParams((model ?? {}) as Partial<ModelParams>).family === "mlp";
  }

  /**
   * Starts a training job.
   *
   * @param request The profile, data, seed and options.
   * @returns The job, running.
   * @throws HttpError 409 when the profile already has a running job.
   */
  async start(request: JobRequest): Promise<Job> {
    await Deno.mkdir(this.#dir, { recursive: true });
    const id = crypto.randomUUID();
    const lock = this.#lockPath(request.profile);
    try {
      const file = await Deno.open(lock, { write: true, createNew: true });
      await file.lock(true);
      await file.write(new TextEncoder().encode(id));
      this.#locks.set(request.profile, file);
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      const holder = await Deno.readTextFile(lock).catch(() => "?");
      throw new HttpError(
        409,
        `Training already running for profile "${request.profile}": job ${holder}`,
      );
    }
    const now = new Date(this.#clock()).toISOString();
    const job: Job = {
      id,
      profile: request.profile,
      dataset: request.dataset,
      seed: request.seed,
      force: request.force ?? false,
      state: "running",
      created: now,
      updated: now,
      // Only a network trains in epochs; the other families report none to count.
      progress: {
        epoch: 0,
        epochs: this.#trainsInEpochs(request.profile) ? request.epochs ?? 0 : 0,
        loss: null,
        val_loss: null,
      },
    };
    this.#jobs.set(id, job);
    this.#done.set(id, Promise.withResolvers());
    await this.#persist(job);
    const worker = new Worker(new URL("./train_worker.ts", import.meta.url), { type: "module" });
    this.#workers.set(id, worker);
    let lastWrite = 0;
    worker.onmessage = (event: MessageEvent<TrainMessage>) => {
      const m = event.data;
      if (m.type === "epoch") {
        job.progress = { epoch: m.epoch, epochs: m.epochs, loss: m.loss, val_loss: m.val_loss };
        if (this.#clock() - lastWrite > 250) {
          lastWrite = this.#clock();
          this.#persist(job).catch(() => {});
        }
      } else if (m.type === "drift") {
        (job.warnings ??= []).push(m.message);
        this.#persist(job).catch(() => {});
      } else if (m.type === "saved") this.#finish(job, () => this.#gate(job, m.id));
      else this.#finish(job, () => this.#fail(job, m.message));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#finish(job, () => this.#fail(job, `Training failed: ${event.message}`));
    };
    const message: TrainRequest = {
      dataPath: request.dataPath,
      spec: this.#spec,
      modelsDir: this.#models.registry.dir,
      profile: request.profile,
      seed: request.seed,
      epochs: request.epochs,
      policy: request.policy,
    };
    worker.postMessage(message);
    this.#logger.log("info", "Training job started", { job: id, profile: request.profile });
    return structuredClone(job);
  }

  /**
   * A job's current state, from this process or from the shared job folder.
   *
   * @param id The job id.
   * @returns The job, or undefined.
   */
  async get(id: string): Promise<Job | undefined> {
    const job = this.#jobs.get(id);
    if (job) return structuredClone(job);
    if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
    try {
      return JSON.parse(await Deno.readTextFile(`${this.#dir}/${id}.json`));
    } catch {
      return undefined;
    }
  }

  /**
   * Waits for a job started by this process to end.
   *
   * @param id The job id.
   * @returns The final job.
   */
  async wait(id: string): Promise<Job> {
    const done = this.#done.get(id);
    if (!done) throw new HttpError(404, `Unknown job "${id}"`);
    return structuredClone(await done.promise);
  }

  /**
   * Clears what a crashed process left: locks no live process holds and half-written job files
   * are removed, and jobs still marked running without a live lock are marked failed. A job that
   * another process (a replica on the same registry) is running is left alone. Call once at
   * start-up, before serving.
   *
   * @returns Whether a live job of another process holds a lock (its model may be being saved).
   */
  async sweep(): Promise<boolean> {
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(this.#dir)) names.push(entry.name);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const live = new Set<string>();
    for (const name of names.filter((n) => n.endsWith(".lock"))) {
      const holder = await this.#liveHolder(`${this.#dir}/${name}`);
      if (holder) live.add(holder);
    }
    for (const name of names) {
      const path = `${this.#dir}/${name}`;
      // A ".tmp" is a job file whose atomic write a crash cut short, unless a live job writes it.
      if (name.endsWith(".tmp") && live.size === 0) {
        await Deno.remove(path).catch(() => {});
      } else if (name.endsWith(".json")) {
        const job = JSON.parse(await Deno.readTextFile(path)) as Job;
        if (!FINAL.includes(job.state) && !live.has(job.id)) {
          await this.#persist({
            ...job,
            state: "failed",
            error: "Interrupted: server restarted",
          });
        }
      }
    }
    return live.size > 0;
  }

  /**
   * The job id in a lock file a live process holds; a lock nobody holds is a crash's leftover
   * and is removed (if the name still points at that file: its owner may just have released it
   * and a new job taken the name).
   */
  async #liveHolder(path: string): Promise<string | undefined> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    try {
      if (!(await file.tryLock(true))) {
        return new TextDecoder().decode(await Deno.readFile(path)).trim() || "?";
      }
      const [opened, named] = [await file.stat(), await Deno.stat(path).catch(() => undefined)];
      if (named && named.ino === opened.ino) await Deno.remove(path).catch(() => {});
      return undefined;
    } finally {
      file.close();
    }
  }

  /** Stops every running job (marked failed) and releases its lock. */
  async close(): Promise<void> {
    const running = [...this.#jobs.values()].filter((j) => !FINAL.includes(j.state));
    await Promise.all(running.map((job) => this.#finish(job, () => this.#fail(job, "Stopped"))));
  }

  async #gate(job: Job, modelId: string): Promise<Pick<Job, "state">> {
    job.model = modelId;
    job.state = "gating";
    await this.#persist(job);
    const registry = this.#models.registry;
    const candidate = await registry.metadata(modelId);
    const activeId = (await registry.active())[job.profile];
    const active = activeId ? await registry.metadata(activeId).catch(() => undefined) : undefined;
    job.gate = applyGate(candidate, active, { tolerance: this.#tolerance, force: job.force });
    if (job.gate.passed) await this.#models.activate(modelId);
    const state = job.gate.passed ? "activated" : "rejected";
    this.#logger.log("info", "Training job finished", {
      job: job.id,
      model: modelId,
      state,
      gate: job.gate.reason,
    });
    return { state };
  }

  #fail(job: Job, message: string): Promise<Pick<Job, "state" | "error">> {
    this.#logger.log("warn", "Training job failed", { job: job.id, detail: message });
    return Promise.resolve({ state: "failed", error: message });
  }

  /**
   * Ends a job: stops its worker, runs the last step, releases the profile's
   * lock and only then shows the final state, so a client that sees a job
   * ended (here or in the job file) can start the next one at once.
   */
  async #finish(job: Job, step: () => Promise<Partial<Job>>): Promise<void> {
    if (FINAL.includes(job.state) || !this.#workers.has(job.id)) return;
    this.#workers.get(job.id)!.terminate();
    this.#workers.delete(job.id);
    let final: Partial<Job>;
    try {
      final = await step();
    } catch (error) {
      final = { state: "failed", error: `Activation failed: ${(error as Error).message}` };
    }
    // Removed while still held, then released: a sweep never takes a lock it sees for a leftover.
    await Deno.remove(this.#lockPath(job.profile)).catch(() => {});
    this.#locks.get(job.profile)?.close();
    this.#locks.delete(job.profile);
    const ended = { ...job, ...final };
    await this.#persist(ended).catch(() => {});
    Object.assign(job, ended);
    this.#done.get(job.id)?.resolve(job);
  }

  async #persist(job: Job): Promise<void> {
    job.updated = new Date(this.#clock()).toISOString();
    await writeFileAtomic(`${this.#dir}/${job.id}.json`, JSON.stringify(job, null, 2));
  }

  #lockPath(profile: string): string {
    return `${this.#dir}/${encodeURIComponent(profile)}.lock`;
  }
}
