import assert from "node:assert/strict";
import type { ModelMetadata } from "../../pipeline/mod.ts";
import { applyGate } from "./gate.ts";

const model = (id: string, roc_auc: number) =>
  ({ id, metrics: { test: { roc_auc } } }) as unknown as ModelMetadata;

Deno.test("applyGate() passes a candidate within the tolerance and rejects a worse one", () => {
  assert.equal(applyGate(model("b", 0.89), model("a", 0.9), { tolerance: 0.02 }).passed, true);
  const worse = applyGate(model("b", 0.85), model("a", 0.9), { tolerance: 0.02 });
  assert.equal(worse.passed, false);
  assert.equal(worse.active_model, "a");
  assert.match(worse.reason, /^Rejected: test ROC-AUC 0\.8500 vs 0\.9000/);
});

Deno.test("applyGate() passes the first model of a profile and forced ones, saying so", () => {
  assert.equal(applyGate(model("b", 0.5), undefined, { tolerance: 0 }).passed, true);
  const forced = applyGate(model("b", 0.5), model("a", 0.9), { tolerance: 0, force: true });
  assert.deepEqual([forced.passed, forced.forced], [true, true]);
});
