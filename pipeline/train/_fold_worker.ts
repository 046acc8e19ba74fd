/**
 * A worker that runs cross-validation folds of a profile whose model each fold chooses (see
 * `foldsInWorkers` in `choose.ts`). It is sent the dataset and spec once, then folds; each answer
 * is what `runFold` gives here, or the error's message.
 *
 * @module
 */
import type { Dataset } from "../data/dataset.ts";
import type { DatasetSpec } from "../data/spec.ts";
import { type FoldJob, runFold } from "./cv.ts";
import { chooseModel } from "./choose.ts";

/** What the worker is sent: the table once, then folds by index. */
export type _FoldMessage =
  | { kind: "data"; data: Dataset }
  | { kind: "fold"; index: number; spec: DatasetSpec; job: FoldJob };

let data: Dataset | undefined;

/** The worker's global scope, as far as it is used here. */
const scope = globalThis as unknown as {
  onmessage: (event: MessageEvent<_FoldMessage>) => void;
  postMessage: (message: unknown) => void;
};

scope.onmessage = async (event: MessageEvent<_FoldMessage>) => {
  const m = event.data;
  if (m.kind === "data") {
    data = m.data;
    return;
  }
  try {
    const table = data!;
    const result = await runFold(
      table,
      m.spec,
      m.job,
      async (spec, rows, seed) =>
        (await chooseModel(table, spec, { profile: m.job.profile, seed, rows })).params,
    );
    scope.postMessage({ index: m.index, result });
  } catch (error) {
    scope.postMessage({ index: m.index, error: (error as Error).stack ?? String(error) });
  }
};
