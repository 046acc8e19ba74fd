/**
 * One-off costs off the request path: the first PNG of each feature (180–350 ms, the first
 * loading 2.5 MB of WebAssembly) and the plotly bundle's gzip (about 240 ms) ran on the event
 * loop and held every other request meanwhile. They run in a worker (`offload_worker.ts`),
 * started for a task and ended once no task is left: each result is cached by its caller (one
 * PNG per feature, one gzip), so the worker starts a few dozen times in a server's life, and an
 * idle server holds neither it nor the renderer's memory.
 *
 * @module
 */
/** The family an SVG must name for its text to be drawn with the PNG renderer's embedded font. */
export const PNG_FONT_FAMILY = "DejaVu Sans";

/** A task for the worker. */
export type OffloadTask =
  | { id: number; kind: "png"; svg: string }
  | { id: number; kind: "gzip"; bytes: Uint8Array<ArrayBuffer> };

/** The worker's answer: the bytes, or the error's message. */
export type OffloadResult =
  | { id: number; bytes: Uint8Array<ArrayBuffer> }
  | { id: number; error: string };

type Task = { kind: "png"; svg: string } | { kind: "gzip"; bytes: Uint8Array<ArrayBuffer> };

/** A worker for one-off costs, shared by the routes of one app. */
export class Offload {
  #worker: Worker | undefined;
  #next = 0;
  #pending = new Map<number, PromiseWithResolvers<Uint8Array<ArrayBuffer>>>();

  /**
   * Renders an SVG document to PNG bytes in the worker.
   *
   * @param svg The SVG document (its text in the embedded font, `PNG_FONT_FAMILY`).
   * @returns The PNG file's bytes.
   */
  png(svg: string): Promise<Uint8Array<ArrayBuffer>> {
    return this.#run({ kind: "png", svg });
  }

  /**
   * Gzips bytes in the worker.
   *
   * @param bytes The bytes (copied to the worker).
   * @returns The gzip stream's bytes.
   */
  gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
    return this.#run({ kind: "gzip", bytes });
  }

  /** Ends the worker (the next task starts a new one). */
  close(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    for (const p of this.#pending.values()) p.reject(new Error("Offload worker closed"));
    this.#pending.clear();
  }

  #run(task: Task): Promise<Uint8Array<ArrayBuffer>> {
    const worker = this.#worker ??= this.#start();
    const id = this.#next++;
    const pending = Promise.withResolvers<Uint8Array<ArrayBuffer>>();
    this.#pending.set(id, pending);
    worker.postMessage({ id, ...task } as OffloadTask);
    return pending.promise;
  }

  #start(): Worker {
    const worker = new Worker(new URL("./offload_worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<OffloadResult>) => {
      const result = event.data;
      const pending = this.#pending.get(result.id);
      this.#pending.delete(result.id);
      if ("error" in result) pending?.reject(new Error(result.error));
      else pending?.resolve(result.bytes);
      if (this.#pending.size === 0) this.close();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      const error = new Error(`Offload worker failed: ${event.message}`);
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
      this.#worker?.terminate();
      this.#worker = undefined;
    };
    return worker;
  }
}
