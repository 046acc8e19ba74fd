import assert from "node:assert/strict";
import type { Prediction, Predictor, Row } from "../pipeline/mod.ts";
import { MicroBatcher } from "./microbatch.ts";

function fakePredictor(calls: number[], explained: number[] = []): Predictor {
  return {
    predict(rows: Row[]) {
      calls.push(rows.length);
      return rows.map((r) => ({ probability: Number(r.x) } as Prediction));
    },
    explain(rows: Row[]) {
      explained.push(rows.length);
      // Ten reasons per row, named after the row, so each answer shows whose they are.
      return rows.map((r) => ({
        reasons: Array.from({ length: 10 }, (_, k) => ({ feature: `${r.x}.${k}` })),
      }));
    },
  } as unknown as Predictor;
}

Deno.test("MicroBatcher gathers concurrent requests into one call and splits the answers", async () => {
  const calls: number[] = [];
  const sizes: number[] = [];
  const batcher = new MicroBatcher(
    { enabled: true, waitUs: 2000, maxRows: 100 },
    (n) => sizes.push(n),
  );
  const p = fakePredictor(calls);
  const answers = await Promise.all([
    batcher.score(p, [{ x: 1 }]),
    batcher.score(p, [{ x: 2 }, { x: 3 }]),
    batcher.score(p, [{ x: 4 }]),
  ]);
  assert.deepEqual(calls, [4]);
  assert.deepEqual(sizes, [4]);
  assert.deepEqual(answers.map((a) => a.map((x) => x.probability)), [[1], [2, 3], [4]]);
});

Deno.test("MicroBatcher explains the rows of every request that asked in one pass", async () => {
  const calls: number[] = [];
  const explained: number[] = [];
  const batcher = new MicroBatcher({ enabled: true, waitUs: 2000, maxRows: 100 });
  const p = fakePredictor(calls, explained);
  const answers = await Promise.all([
    batcher.score(p, [{ x: 1 }], 5),
    batcher.score(p, [{ x: 2 }, { x: 3 }], 0),
    batcher.score(p, [{ x: 4 }, { x: 5 }], 2),
  ]);
  assert.deepEqual(calls, [5]);
  assert.deepEqual(explained, [3]);
  const names = answers.map((a) => a.map((x) => x.reasons?.map((r) => r.feature)));
  assert.deepEqual(names, [
    [["1.0", "1.1", "1.2", "1.3", "1.4"]],
    [undefined, undefined],
    [["4.0", "4.1"], ["5.0", "5.1"]],
  ]);
});

Deno.test("MicroBatcher flushes at maxRows and scores one call per request when off", async () => {
  const calls: number[] = [];
  const p = fakePredictor(calls);
  const full = new MicroBatcher({ enabled: true, waitUs: 1e6, maxRows: 2 });
  await Promise.all([full.score(p, [{ x: 1 }]), full.score(p, [{ x: 2 }])]);
  assert.deepEqual(calls, [2]);
  const off = new MicroBatcher({ enabled: false, waitUs: 500, maxRows: 256 });
  await Promise.all([off.score(p, [{ x: 1 }]), off.score(p, [{ x: 2 }])]);
  assert.deepEqual(calls, [2, 1, 1]);
});

Deno.test("MicroBatcher rejects every request of a failed call", async () => {
  const failing = {
    predict: () => {
      throw new Error("boom");
    },
  } as unknown as Predictor;
  const batcher = new MicroBatcher({ enabled: true, waitUs: 100, maxRows: 100 });
  const results = await Promise.allSettled([
    batcher.score(failing, [{}]),
    batcher.score(failing, [{}]),
  ]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
});
