import assert from "node:assert/strict";
import { cvFigure, metricsFigure, trainingCurvesFigure } from "./mod.ts";
import { view } from "./testdata/model_view_fixture.ts";

// deno-lint-ignore no-explicit-any
type Trace = any;

Deno.test("trainingCurvesFigure() draws both losses per model and stars the kept epoch", () => {
  const traces = trainingCurvesFigure([view("a"), view("b")]).data as Trace[];
  assert.equal(traces.length, 6);
  assert.deepEqual(traces[0].y, [0.7, 0.5, 0.4]);
  assert.deepEqual(traces[1].y, [0.69, 0.55, 0.6]);
  assert.deepEqual([traces[2].x, traces[2].y], [[2], [0.55]]);
  assert.notEqual(traces[0].line.color, traces[3].line.color);
});

Deno.test("metricsFigure() groups one bar per metric for each model", () => {
  const traces = metricsFigure([view("a"), view("b", 0.7)], { metrics: ["precision", "recall"] })
    .data as Trace[];
  assert.deepEqual(traces.map((t) => t.name), ["a", "b"]);
  assert.deepEqual(traces[0].y, [0.75, 1]);
  assert.deepEqual(traces[1].y, [2 / 3, 2 / 3]);
});

Deno.test("cvFigure() puts the cross-validated PCC beside the published figures", () => {
  // cvFigure reads only these fields of a CvReport.
  const report: Parameters<typeof cvFigure>[0][number] = {
    profile: "early-A",
    folds: 10,
    runs: 2,
    pcc: { mean: 90, ci95: 1.5, sd: 1, n: 2 },
    published: { setup: "A", best: 93.0, naive: 89.7 },
  };
  const [ours, best, naive] = cvFigure([report, {
    ...report,
    profile: "seed",
    published: undefined,
  }])
    .data as Trace[];
  assert.deepEqual(ours.y, [90, 90]);
  assert.deepEqual(ours.error_y.array, [1.5, 1.5]);
  assert.match(ours.name, /2 × 10-fold/);
  assert.deepEqual(best.y, [93.0, null]);
  assert.deepEqual(naive.y, [89.7, null]);
});
