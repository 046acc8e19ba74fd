import assert from "node:assert/strict";
import {
  cvFigure,
  HIGHLIGHT_LABEL,
  type Importance,
  importanceFigure,
  loadSpec,
  metricsFigure,
  profileOf,
  PUBLISHED_TOP_INPUTS,
  trainingCurvesFigure,
} from "../mod.ts";
import { view } from "../testdata/model_view_fixture.ts";

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
    published: { source: "Cortez & Silva 2008", setup: "A", best: 93.0, naive: 89.7 },
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

Deno.test("importanceFigure() draws the top features, largest first, and marks the paper's inputs", async (t) => {
  // Deliberately out of order: the figure sorts by mean drop.
  const importance: Importance[] = [
    { feature: "School", importance: 0.05, sd: 0.01 },
    { feature: "Number_of_Failures", importance: 0.06, sd: 0.02 },
    { feature: "Age", importance: 0.001, sd: 0.002 },
    { feature: "Study_Time", importance: 0.04, sd: 0.005 },
    { feature: "Travel_Time", importance: -0.002, sd: 0.003 },
  ];
  const model = { ...view("early-C"), importance };

  await t.step("top cuts to the N largest, ordered top to bottom", () => {
    const figure = importanceFigure(model, { top: 3 });
    const traces = figure.data as Trace[];
    assert.equal(traces.length, 1);
    assert.equal(traces[0].orientation, "h");
    assert.deepEqual(traces[0].y, ["Number_of_Failures", "School", "Study_Time"]);
    assert.deepEqual(traces[0].x, [0.06, 0.05, 0.04]);
    assert.deepEqual(traces[0].error_x.array, [0.02, 0.01, 0.005]);
    const layout = figure.layout as Trace;
    assert.deepEqual(layout.yaxis.categoryarray, ["Number_of_Failures", "School", "Study_Time"]);
    assert.equal(layout.yaxis.autorange, "reversed");
    assert.match(layout.title.text, /early-C/);
  });

  await t.step("the highlighted inputs get their own colour and legend entry", () => {
    const traces = importanceFigure(model, { highlight: PUBLISHED_TOP_INPUTS["early-C"] })
      .data as Trace[];
    const [others, paper] = traces;
    assert.equal(paper.name, HIGHLIGHT_LABEL);
    assert.equal(HIGHLIGHT_LABEL, "in Cortez & Silva's Table 6");
    assert.deepEqual(paper.y, ["Number_of_Failures", "School", "Travel_Time"]);
    assert.deepEqual(others.y, ["Study_Time", "Age"]);
    assert.notEqual(paper.marker.color, others.marker.color);
    // Each feature is drawn once, and the axis keeps the overall order.
    assert.deepEqual(
      (importanceFigure(model, { highlight: ["School"] }).layout as Trace).yaxis.categoryarray,
      ["Number_of_Failures", "School", "Study_Time", "Age", "Travel_Time"],
    );
  });

  await t.step("the default shows ten features and leaves the input unsorted", () => {
    const many = Array.from({ length: 14 }, (_, i) => ({ feature: `f${i}`, importance: i, sd: 0 }));
    const [bars] = importanceFigure({ ...view("a"), importance: many }).data as Trace[];
    assert.equal(bars.y.length, 10);
    assert.equal(bars.y[0], "f13");
    assert.equal(many[0].feature, "f0");
  });
});

Deno.test("PUBLISHED_TOP_INPUTS names five inputs of each profile, as the spec spells them", async () => {
  const spec = await loadSpec(
    new URL("../../data/specs/student_dropout.json", import.meta.url).pathname,
  );
  assert.deepEqual(Object.keys(PUBLISHED_TOP_INPUTS), ["early-B", "early-C"]);
  for (const [profile, inputs] of Object.entries(PUBLISHED_TOP_INPUTS)) {
    assert.equal(new Set(inputs).size, 5);
    const features = profileOf(spec, profile).profile.features;
    for (const input of inputs) assert.ok(features.includes(input), `${profile} lacks ${input}`);
  }
});
