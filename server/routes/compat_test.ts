import assert from "node:assert/strict";
import { classificationReport } from "./compat.ts";

Deno.test("classificationReport() matches scikit-learn's figures for a small case", () => {
  // truth 0 0 0 1 1, predicted 0 1 0 1 0: class 0 precision 2/3 recall 2/3; class 1 1/2, 1/2.
  const r = classificationReport([0, 0, 0, 1, 1], [0, 1, 0, 1, 0]);
  assert.deepEqual(r.False, {
    precision: 2 / 3,
    recall: 2 / 3,
    "f1-score": 2 / 3,
    support: 3,
  });
  assert.deepEqual(r.True, { precision: 0.5, recall: 0.5, "f1-score": 0.5, support: 2 });
  assert.equal(r.accuracy, 0.6);
  assert.equal(r["macro avg"].precision, (2 / 3 + 0.5) / 2);
  assert.equal(r["weighted avg"].recall, (3 * (2 / 3) + 2 * 0.5) / 5);
  assert.equal(r["weighted avg"].support, 5);
});
