/**
 * Dynamic micro-batching: prediction requests that arrive together wait until
 * the next turn of the event loop (or a configured number of microseconds, or
 * until enough rows are queued) and are scored by one tfjs call per model.
 * Turned off, every request is one call.
 *
 * @module
 */
import { setImmediate } from "node:timers";
import type { Prediction, Predictor, Row } from "../../pipeline/mod.ts";

interface Pending {
  rows: Row[];
  reasons: number;
  resolve: (predictions: Prediction[]) => void;
  reject: (error: unknown) => void;
}

/** Dynamic micro-batching of concurrent prediction requests. */
export interface MicrobatchConfig {
  /** Gather concurrent requests into one tfjs call (false: one call per request). */
  enabled: boolean;
  /**
   * The longest a request waits for others, in microseconds. 0 (the default) flushes at the
   * next turn of the event loop: the requests read in the same turn share a call.
   */
  waitUs: number;
  /**
   * Rows that trigger a flush before the wait is over, and the most one call scores: a request
   * that would carry the queued rows past it sends them first.
   */
  maxRows: number;
}

/** Gathers concurrent predictions into shared tfjs calls. */
export class MicroBatcher {
  readonly #config: MicrobatchConfig;
  readonly #onBatch: (rows: number) => void;
  #queues = new Map<Predictor, Pending[]>();
  #queued = 0;
  #timer?: ReturnType<typeof setTimeout>;
  #immediate = false;

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
    // A request that would carry the queued rows past maxRows sends them first, so no call holds
    // more than maxRows rows (otherwise up to twice as many, less two).
    if (this.#queued > 0 && this.#queued + rows.length > this.#config.maxRows) this.flush();
    return new Promise((resolve, reject) => {
      let queue = this.#queues.get(predictor);
      if (!queue) this.#queues.set(predictor, queue = []);
      queue.push({ rows, reasons, resolve, reject });
      this.#queued += rows.length;
      if (this.#queued >= this.#config.maxRows) this.flush();
      else if (this.#config.waitUs > 0) {
        this.#timer ??= setTimeout(() => this.flush(), this.#config.waitUs / 1000);
      } else if (!this.#immediate) {
        // The next turn of the event loop, after the I/O that arrived with this request: a
        // zero setTimeout is clamped once timers nest, and cost about 2 ms a request here.
        this.#immediate = true;
        setImmediate(() => {
          this.#immediate = false;
          if (this.#queued > 0) this.flush();
        });
      }
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
        // Explanations are made in the same pass, only for the rows of requests that asked.
        const reasons = pending.flatMap((p) => p.rows.map(() => p.reasons));
        const predictions = predictor.predict(rows, { reasons });
        this.#onBatch(rows.length);
        let offset = 0;
        for (const p of pending) {
          p.resolve(predictions.slice(offset, offset + p.rows.length));
          offset += p.rows.length;
        }
      } catch (error) {
        for (const p of pending) p.reject(error);
      }
    }
  }
}
