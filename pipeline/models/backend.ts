/**
 * Selecting the tfjs backend. The pipeline runs on the WebAssembly backend,
 * which is several times faster than the pure-JS cpu backend on this workload.
 *
 * tfjs is imported deferred (`import defer`): it is evaluated on first use, so
 * a process that serves only the logistic and tree families never builds it
 * (about 20 MB of JS heap and 30 MB of resident memory), and its wasm backend
 * is loaded by {@linkcode ensureBackend}.
 *
 * @module
 */
import defer * as tf from "@tensorflow/tfjs";

let ready: Promise<void> | undefined;

/**
 * Makes the wasm backend the active tfjs backend (once per process).
 *
 * @returns When the backend is ready.
 */
export function ensureBackend(): Promise<void> {
  ready ??= (async () => {
    await import("@tensorflow/tfjs-backend-wasm");
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
