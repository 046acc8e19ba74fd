/**
 * Dynamic micro-batching: prediction requests that arrive together wait until
 * the next turn of the event loop (or a configured number of microseconds, or
 * until enough rows are queued) and are scored by one tfjs call per model.
 * Turned off, every request is one call.
 *
 * @module
 */
import type { Prediction, Predictor, Row } from "../pipeline/mod.ts";
import type { MicrobatchConfig } from "./config.ts";

interface Pending {
  rows: Row[];
  reasons: number;
  resolve: (predictions: Prediction[]) => void;
  reject: (error: unknown) => void;
}

/** Gathers concurrent predictions into shared tfjs calls. */
export class MicroBatcher {
  readonly #config: MicrobatchConfig;
  readonly #onBatch: (rows: number) => void;
  #queues = new Map<Predictor, Pending[]>();
  #queued = 0;
  #timer?: ReturnType<typeof setTimeout>;

  /**
   * Makes a batcher.
   *
   * @param config Whether to batch, the longest wait and the flush size.
   * @param onBatch Called with the size of every tfjs call (metrics).
   */
  constructor(config: MicrobatchConfig, onBatch: (rows: number) => void = () => {}) {
    this.#config = config;
    this.#onBatch = onBatch;
  }

  /**
   * Scores rows with a predictor, possibly together with other requests' rows.
   *
   * @param predictor The model (the caller holds a lease on it until this settles).
   * @param rows Validated rows.
   * @param reasons How many top reasons each prediction carries (0 for none).
   * @returns One prediction per row, in order.
   */
  score(predictor: Predictor, rows: Row[], reasons = 0): Promise<Prediction[]> {
    if (!this.#config.enabled || rows.length >= this.#config.maxRows) {
      this.#onBatch(rows.length);
      return Promise.resolve(predictor.predict(rows, { reasons }));
    }
    return new Promise((resolve, reject) => {
      let queue = this.#queues.get(predictor);
      if (!queue) this.#queues.set(predictor, queue = []);
      queue.push({ rows, reasons, resolve, reject });
      this.#queued += rows.length;
      if (this.#queued >= this.#config.maxRows) this.flush();
      else this.#timer ??= setTimeout(() => this.flush(), this.#config.waitUs / 1000);
    });
  }

  /** Scores everything queued now (one tfjs call per model). */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const queues = this.#queues;
    this.#queues = new Map();
    this.#queued = 0;
    for (const [predictor, pending] of queues) {
      const rows = pending.flatMap((p) => p.rows);
      try {
        const predictions = predictor.predict(rows);
        this.#onBatch(rows.length);
        // Explanations cost a gradient pass, so only the rows of requests that asked get them,
        // all in one pass: a pass per request paid its fixed cost per request (through tfjs,
        // half the CPU at 30 concurrent single-student requests).
        const asking = pending.filter((p) => p.reasons > 0);
        const explanations = asking.length > 0
          ? predictor.explain(asking.flatMap((p) => p.rows))
          : [];
        let offset = 0;
        let explained = 0;
        for (const p of pending) {
          const mine = predictions.slice(offset, offset + p.rows.length);
          if (p.reasons > 0) {
            mine.forEach((m, i) => {
              m.reasons = explanations[explained + i].reasons.slice(0, p.reasons);
            });
            explained += p.rows.length;
          }
          p.resolve(mine);
          offset += p.rows.length;
        }
      } catch (error) {
        for (const p of pending) p.reject(error);
      }
    }
  }
}
