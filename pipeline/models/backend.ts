/**
 * Selecting the tfjs backend. The pipeline runs on the WebAssembly backend,
 * which is several times faster than the pure-JS cpu backend on this workload.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

let ready: Promise<void> | undefined;

/**
 * Makes the wasm backend the active tfjs backend (once per process).
 *
 * @returns When the backend is ready.
 */
export function ensureBackend(): Promise<void> {
  ready ??= (async () => {
    if (!(await tf.setBackend("wasm"))) {
      throw new Error("Cannot start the tfjs wasm backend");
    }
    await tf.ready();
  })();
  return ready;
}

export { tf };

/**
 * The number of live tfjs tensors (tests check it stays flat across predictions).
 *
 * @returns `tf.memory().numTensors`, or 0 while no network has started the backend (the tree and
 *   logistic families hold no tensors).
 */
export function tensorCount(): number {
  return ready === undefined ? 0 : tf.memory().numTensors;
}
