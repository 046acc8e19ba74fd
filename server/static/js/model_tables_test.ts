import assert from "node:assert/strict";
import { fixed, rocFigure } from "./model_tables.js";

Deno.test("rocFigure() draws the curve, the chance line and the threshold's operating point", () => {
  const test = { roc_auc: 0.875, specificity: 0.75, recall: 0.5 };
  const figure = rocFigure({
    model: "m",
    profile: "early-A",
    threshold: 0.3,
    metrics: { test, validation: test } as never,
    confusion_matrix: { labels: ["False", "True"], matrix: [[3, 1], [1, 1]] },
    roc: [{ threshold: 1, x: 0, y: 0 }, { threshold: 0.3, x: 0.25, y: 0.5 }, {
      threshold: 0,
      x: 1,
      y: 1,
    }],
  });
  const [curve, chance, point] = figure.data as { x: number[]; y: number[]; name: string }[];
  assert.deepEqual([curve.x, curve.y], [[0, 0.25, 1], [0, 0.5, 1]]);
  assert.deepEqual([chance.x, chance.y], [[0, 1], [0, 1]]);
  assert.deepEqual([point.x, point.y, point.name], [[0.25], [0.5], "Threshold 30.0 %"]);
  assert.match(JSON.stringify(figure.layout), /AUC 0\.875/);
  assert.equal(fixed(0.12345), "0.123");
});
