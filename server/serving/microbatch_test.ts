import assert from "node:assert/strict";
import type { Prediction, Predictor, Row } from "../../pipeline/mod.ts";
import { MicroBatcher } from "./microbatch.ts";

function fakePredictor(calls: number[], explained: number[] = []): Predictor {
  return {
    predict(rows: Row[], options: { reasons?: number | number[] } = {}) {
      calls.push(rows.length);
      const asked = options.reasons ?? 0;
      const top = (i: number) => typeof asked === "number" ? asked : asked[i];
      const asking = rows.filter((_, i) => top(i) > 0).length;
      if (asking > 0) explained.push(asking);
      return rows.map((r, i) => ({
        probability: Number(r.x),
        // Reasons named after the row, so each answer shows whose they are.
        ...(top(i) > 0
          ? { reasons: Array.from({ length: top(i) }, (_, k) => ({ feature: `${r.x}.${k}` })) }
          : {}),
      } as Prediction));
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

Deno.test("MicroBatcher with no wait gathers the requests of one turn of the event loop", async () => {
  const calls: number[] = [];
  const batcher = new MicroBatcher({ enabled: true, waitUs: 0, maxRows: 100 });
  const p = fakePredictor(calls);
  for (let i = 0; i < 20; i++) {
    await Promise.all([batcher.score(p, [{ x: 1 }]), batcher.score(p, [{ x: 2 }])]);
  }
  assert.deepEqual(calls, Array(20).fill(2));
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

Deno.test("MicroBatcher never scores more than maxRows rows in one call", async () => {
  const calls: number[] = [];
  const p = fakePredictor(calls);
  const batcher = new MicroBatcher({ enabled: true, waitUs: 1e6, maxRows: 4 });
  const row = (x: number) => ({ x });
  const answers = await Promise.all([
    batcher.score(p, [row(1), row(2), row(3)]),
    batcher.score(p, [row(4), row(5), row(6)]),
    batcher.score(p, [row(7)]),
    batcher.score(p, [row(8), row(9), row(10), row(11)]),
  ]);
  // 3 queued, 3 more would make 6: the 3 go; 3 + 1 reach 4 and go; 4 rows go on their own.
  assert.deepEqual(calls, [3, 4, 4]);
  assert.ok(calls.every((n) => n <= 4));
  assert.deepEqual(answers.map((a) => a.map((x) => x.probability)), [
    [1, 2, 3],
    [4, 5, 6],
    [7],
    [8, 9, 10, 11],
  ]);
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
