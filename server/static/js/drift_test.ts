import assert from "node:assert/strict";
import { driftFigure, driftSentence } from "./drift.js";
import type { DriftReport } from "../../../pipeline/mod.ts";

const feature = (name: string, psi: number) => ({
  feature: name,
  kind: "numeric" as const,
  psi,
  p_value: psi >= 0.2 ? 0.001 : 1,
  drifted: psi >= 0.2,
  missing_rate: 0,
  training_missing_rate: 0,
  unseen: [],
  bins: [],
});

const REPORT: DriftReport = {
  model: "m",
  rows: 649,
  training_rows: 649,
  threshold: 0.2,
  alpha: 0.05,
  too_few_rows: false,
  min_rows: 30,
  drifted: ["Number_of_Absences", "Age"],
  features: [feature("Age", 1.5), feature("School", 0), feature("Number_of_Absences", 2.25)],
};

Deno.test("driftSentence() names the drifted inputs with their PSI, or says none drifted", () => {
  assert.equal(
    driftSentence(REPORT),
    "2 of 3 inputs differ from the data the model learned from by more than sampling explains " +
      "(PSI ≥ 0.2): Number of Absences (2.25), Age (1.50).",
  );
  assert.equal(
    driftSentence({ ...REPORT, drifted: [], features: [feature("School", 0.01)] }),
    "No input differs from the training data by more than sampling explains (1 inputs).",
  );
  assert.equal(
    driftSentence({ ...REPORT, rows: 12, too_few_rows: true, drifted: [] }),
    "Too few rows to tell whether these students differ from the training data (12; at least 30 are needed).",
  );
});

Deno.test("driftFigure() draws PSI per input, drifted in red, a PSI of 0 above the log axis' floor", () => {
  const figure = driftFigure(REPORT);
  const [bars] = figure.data as {
    x: number[];
    y: string[];
    text: string[];
    marker: { color: string[] };
  }[];
  assert.deepEqual(bars.y, ["School", "Age", "Number of Absences"]);
  assert.deepEqual(bars.text, ["0.000", "1.500", "2.250"]);
  assert.ok(bars.x[0] > 0, "a zero bar still shows on a log axis");
  assert.deepEqual(bars.marker.color.map((c) => c === "#b3261e"), [false, true, true]);
  const [line] = figure.layout.shapes as { x0: number }[];
  assert.equal(line.x0, 0.2);
});
