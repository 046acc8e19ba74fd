import assert from "node:assert/strict";
import {
  calibrationFigure,
  confusionFigure,
  prFigure,
  rocFigure,
  thresholdFigure,
} from "../mod.ts";
import { view } from "../testdata/model_view_fixture.ts";

// deno-lint-ignore no-explicit-any
type Trace = any;

Deno.test("rocFigure() and prFigure() draw each model's curve with its area", () => {
  const roc = rocFigure([view("a")]).data as Trace[];
  // Scores 0.9 0.8 0.7 0.4 … with labels 1 1 0 1: AUC = (3·5 − 1) / 15 = 14 / 15.
  assert.equal(roc[0].name, "a (AUC 0.933)");
  assert.deepEqual(roc[0].x.slice(0, 4), [0, 0, 0, 0.2]);
  assert.equal(roc.at(-1).name, "chance");
  const pr = prFigure([view("a")]).data as Trace[];
  assert.deepEqual(pr[0].y.slice(0, 4), [1, 1, 2 / 3, 3 / 4]);
  assert.equal(pr[1].name, "chance (prevalence 37.5 %)");
});

Deno.test("confusionFigure() lays out [[tn, fp], [fn, tp]] with row percentages", () => {
  const heatmap = confusionFigure(view("a")).data[0] as Trace;
  // At 0.4: tp 3, fp 1 (0.7), tn 4, fn 0.
  assert.deepEqual(heatmap.z, [[4, 1], [0, 3]]);
  assert.equal(heatmap.text[0][1], "1<br>20 % of row");
  assert.deepEqual(heatmap.y, ["actually not withdrew", "actually withdrew"]);
});

Deno.test("calibrationFigure() plots predicted against observed per bin", () => {
  const trace = calibrationFigure([view("a")]).data[0] as Trace;
  // Bin [0, 0.5): 0.4 0.3 0.2 0.2 0.1, one positive; bin [0.5, 1]: 0.9 0.8 0.7, two.
  assert.deepEqual(trace.y, [0.2, 2 / 3]);
  assert.ok(Math.abs(trace.x[0] - 0.24) < 1e-9);
});

Deno.test("thresholdFigure() draws precision, recall and F1 and marks both bands", () => {
  const figure = thresholdFigure(view("a"));
  const [precision, recall, f1] = figure.data as Trace[];
  assert.deepEqual(precision.x, recall.x);
  const at = precision.x.indexOf(0.4);
  assert.deepEqual([precision.y[at], recall.y[at], f1.y[at]], [0.75, 1, 2 * 0.75 / 1.75]);
  const shapes = (figure.layout as Trace).shapes;
  assert.deepEqual(shapes.map((s: Trace) => s.x0), [0.4, 0.3]);
});
