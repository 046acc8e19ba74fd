import assert from "node:assert/strict";
import { fairnessReport } from "./fairness.ts";

Deno.test("fairnessReport() computes group rates and gaps by hand", () => {
  // Group F: labels 1 1 0 0 0, decisions 1 0 1 0 0 → tp 1, fn 1, fp 1, tn 2.
  //   TPR 1/2, FPR 1/3, precision 1/2, positive rate 2/5.
  // Group M: labels 1 0 0, decisions 1 0 0 → tp 1, tn 2. TPR 1, FPR 0, precision 1, positive rate 1/3.
  // EOD = max(|1/2 − 1|, |1/3 − 0|) = 1/2; DPD = 2/5 − 1/3 = 1/15.
  const groups = ["F", "F", "F", "F", "F", "M", "M", "M"];
  const labels = [1, 1, 0, 0, 0, 1, 0, 0];
  const decisions = [1, 0, 1, 0, 0, 1, 0, 0];
  const r = fairnessReport("Gender", groups, labels, decisions);
  assert.equal(r.column, "Gender");
  const [f, m] = r.groups;
  assert.deepEqual(
    [f.group, f.n, f.positives, f.tpr, f.fpr, f.precision, f.positive_rate],
    ["F", 5, 2, 0.5, 1 / 3, 0.5, 0.4],
  );
  assert.deepEqual([m.group, m.tpr, m.fpr, m.precision], ["M", 1, 0, 1]);
  assert.ok(Math.abs(m.positive_rate - 1 / 3) < 1e-12);
  assert.equal(r.equalized_odds_difference, 0.5);
  assert.ok(Math.abs(r.demographic_parity_difference - 1 / 15) < 1e-12);
});

Deno.test("fairnessReport() with one group has no gaps", () => {
  const r = fairnessReport("School", ["GP", "GP"], [1, 0], [1, 1]);
  assert.equal(r.equalized_odds_difference, 0);
  assert.equal(r.demographic_parity_difference, 0);
});
