import assert from "node:assert/strict";
import { calibrationBins, calibrationCurvesFigure, overTimeFigure } from "../mod.ts";

// deno-lint-ignore no-explicit-any
type Trace = any;

Deno.test("overTimeFigure() draws one line per series, a group's lines in one colour", () => {
  const figure = overTimeFigure([0, 30, 60], [
    { name: "ROC-AUC, random", group: "ROC-AUC", values: [0.6, 0.7, NaN] },
    { name: "ROC-AUC, forward", group: "ROC-AUC", values: [0.5, 0.6, 0.65], dashed: true },
    { name: "Brier", values: [0.2, 0.18, 0.15] },
  ], { title: "By day", x: "Day", y: "Value", unit: true });
  const [a, b, c] = figure.data as Trace[];
  assert.deepEqual(a.x, [0, 30, 60]);
  assert.deepEqual(a.y, [0.6, 0.7, null], "NaN leaves a gap");
  assert.equal(a.line.color, b.line.color);
  assert.notEqual(a.line.color, c.line.color);
  assert.equal(b.line.dash, "dash");
  assert.equal(a.line.dash, "solid");
  assert.deepEqual((figure.layout as Trace).yaxis.range, [0, 1.02]);
});

Deno.test("overTimeFigure() refuses a series with a value missing for a point", () => {
  assert.throws(
    () => overTimeFigure([0, 30], [{ name: "x", values: [1] }], { title: "", x: "", y: "" }),
    /Series "x" has 1 values for 2 points/,
  );
});

Deno.test("calibrationCurvesFigure() plots each curve's bins and the diagonal", () => {
  // Bin [0, 0.5): 0.1 0.3 with one positive; bin [0.5, 1]: 0.6 0.8 0.9 with two.
  const bins = calibrationBins([0, 1, 1, 0, 1], [0.1, 0.3, 0.6, 0.8, 0.9], 2);
  const figure = calibrationCurvesFigure([{ name: "day 30", bins }], "Calibration by day");
  const [curve, diagonal] = figure.data as Trace[];
  assert.equal(curve.name, "day 30");
  assert.deepEqual(curve.y, [0.5, 2 / 3]);
  assert.ok(Math.abs(curve.x[0] - 0.2) < 1e-9);
  assert.deepEqual(curve.customdata, [2, 3]);
  assert.equal(curve.marker.size[1], 30, "the largest bin is 30 px wide");
  assert.ok(Math.abs(curve.marker.size[0] - (6 + 24 * Math.sqrt(2 / 3))) < 1e-9);
  assert.equal(diagonal.name, "perfect calibration");
});
