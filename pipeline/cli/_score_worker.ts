/**
 * The worker behind `deno task score --workers N`: loads the model once, then scores each chunk
 * it is sent with {@linkcode scoreChunk} and answers with the chunk's CSV lines as UTF-8 bytes
 * (moved, not copied), by sequence number. A failure answers with its message; the task then
 * stops, as it would had the chunk been scored in the main thread.
 *
 * @module
 */
/// <reference lib="deno.worker" />

import { Registry } from "../registry/mod.ts";
import type { Predictor } from "../registry/mod.ts";
import { type ScoreChunk, scoreChunk } from "./_score_chunk.ts";

/** A message to the worker: load a model, or score a chunk with it. */
export type ScoreTask =
  | { kind: "load"; modelsDir: string; id: string }
  | { kind: "chunk"; seq: number; chunk: ScoreChunk; reasons: number; extras: string[] };

/** The worker's answer: the model is loaded, a chunk's lines and counts, or a failure. */
export type ScoreAnswer =
  | { kind: "loaded" }
  | {
    kind: "chunk";
    seq: number;
    bytes: Uint8Array<ArrayBuffer>;
    flagged: number;
    failed: number;
    firstError: string;
  }
  | { kind: "error"; seq: number; message: string };

// Chunks may arrive while the model loads: each one waits for it.
let predictor: Promise<Predictor> | undefined;
const encoder = new TextEncoder();

self.onmessage = async (event: MessageEvent<ScoreTask>) => {
  const task = event.data;
  const seq = task.kind === "chunk" ? task.seq : -1;
  try {
    if (task.kind === "load") {
      predictor = new Registry(task.modelsDir).load(task.id);
      await predictor;
      self.postMessage({ kind: "loaded" } satisfies ScoreAnswer);
      return;
    }
    if (!predictor) throw new Error("the worker was sent a chunk before its model");
    const { text, flagged, failed, firstError } = scoreChunk(
      await predictor,
      task.chunk,
      task.reasons,
      task.extras,
    );
    const bytes = encoder.encode(text) as Uint8Array<ArrayBuffer>;
    self.postMessage(
      { kind: "chunk", seq, bytes, flagged, failed, firstError } satisfies ScoreAnswer,
      [bytes.buffer],
    );
  } catch (error) {
    self.postMessage(
      { kind: "error", seq, message: (error as Error).message } satisfies ScoreAnswer,
    );
  }
};
