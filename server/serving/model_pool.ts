/**
 * The loaded models: one active {@linkcode Predictor} per profile, swapped
 * atomically when a new model is activated. A request leases the predictor it
 * uses, so a swapped-out model is disposed only after its last request; a new
 * model replaces the old only once it is fully loaded. Every serving worker
 * polls `active.json`, so an activation made anywhere reaches it within the
 * poll interval.
 *
 * @module
 */
import type { Predictor, Registry } from "../../pipeline/mod.ts";
import type { Logger } from "../ops/mod.ts";

/** A predictor held by a request; call `release()` when done. */
export interface Lease {
  /** The predictor to use. */
  predictor: Predictor;
  /** Gives the predictor back. */
  release(): void;
}

interface Slot {
  predictor: Predictor;
  leases: number;
  retired: boolean;
}

/** The active predictors of every profile, with hot swap. */
export class ModelStore {
  /** The registry the models come from. */
  readonly registry: Registry;
  readonly #slots = new Map<string, Slot>();
  readonly #logger?: Logger;
  #refreshing: Promise<string[]> = Promise.resolve([]);
  #stamp = "";

  /**
   * Makes an empty store; {@linkcode ModelStore.refresh} loads the active models.
   *
   * @param registry The model registry.
   * @param options A logger for swaps.
   */
  constructor(registry: Registry, options: { logger?: Logger } = {}) {
    this.registry = registry;
    this.#logger = options.logger;
  }

  /**
   * The active predictor of a profile, without a lease (for metadata reads).
   *
   * @param profile The profile.
   * @returns The predictor, or undefined when the profile has none loaded.
   */
  get(profile: string): Predictor | undefined {
    return this.#slots.get(profile)?.predictor;
  }

  /**
   * Leases the active predictor of a profile for the length of a request.
   *
   * @param profile The profile.
   * @returns The lease, or undefined when the profile has no model loaded.
   */
  acquire(profile: string): Lease | undefined {
    const slot = this.#slots.get(profile);
    if (!slot) return undefined;
    slot.leases++;
    let released = false;
    return {
      predictor: slot.predictor,
      release: () => {
        if (released) return;
        released = true;
        slot.leases--;
        if (slot.retired && slot.leases === 0) slot.predictor.dispose();
      },
    };
  }

  /**
   * The loaded model id of each profile.
   *
   * @returns Profile to model id.
   */
  ids(): Record<string, string> {
    return Object.fromEntries([...this.#slots].map(([p, s]) => [p, s.predictor.id]));
  }

  /**
   * Puts a loaded predictor in place of its profile's current one.
   *
   * @param predictor A fully loaded predictor.
   */
  swap(predictor: Predictor): void {
    const old = this.#slots.get(predictor.profile);
    this.#slots.set(predictor.profile, { predictor, leases: 0, retired: false });
    if (old && old.predictor !== predictor) {
      old.retired = true;
      if (old.leases === 0) old.predictor.dispose();
    }
    this.#logger?.log("info", "Model active", { profile: predictor.profile, model: predictor.id });
  }

  /**
   * Loads every model named in `active.json` that is not loaded yet, then swaps
   * each in. Concurrent calls share one run.
   *
   * @returns The ids loaded now.
   */
  refresh(): Promise<string[]> {
    this.#refreshing = this.#refreshing.catch(() => []).then(() => this.#refresh());
    return this.#refreshing;
  }

  async #refresh(): Promise<string[]> {
    const active = await this.registry.active();
    const loaded: string[] = [];
    for (const [profile, id] of Object.entries(active)) {
      if (this.#slots.get(profile)?.predictor.id === id) continue;
      try {
        this.swap(await this.registry.load(id));
        loaded.push(id);
      } catch (error) {
        this.#logger?.log("error", "Cannot load active model", {
          profile,
          model: id,
          detail: (error as Error).message,
        });
      }
    }
    return loaded;
  }

  /**
   * Makes a model active in the registry (atomic pointer swap) and loads it here.
   *
   * @param id The model id.
   * @returns The profile.
   */
  async activate(id: string): Promise<string> {
    const predictor = await this.registry.load(id);
    try {
      const profile = await this.registry.activate(id);
      this.swap(predictor);
      return profile;
    } catch (error) {
      predictor.dispose();
      throw error;
    }
  }

  /**
   * Polls `active.json` and refreshes when it changes.
   *
   * @param intervalMs The poll interval.
   * @returns A function that stops watching.
   */
  watch(intervalMs: number): () => void {
    const path = `${this.registry.dir}/active.json`;
    let busy = false;
    const timer = setInterval(async () => {
      if (busy) return;
      busy = true;
      try {
        const stamp = await Deno.readTextFile(path).catch(() => "");
        if (stamp !== this.#stamp) {
          this.#stamp = stamp;
          await this.refresh();
        }
      } finally {
        busy = false;
      }
    }, intervalMs);
    Deno.unrefTimer(timer);
    return () => clearInterval(timer);
  }

  /** Disposes every loaded model. */
  close(): void {
    for (const slot of this.#slots.values()) slot.predictor.dispose();
    this.#slots.clear();
  }
}
