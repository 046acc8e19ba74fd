import assert from "node:assert/strict";
import { ensureBackend, tf } from "../models/backend.ts";
import { integratedGradients } from "./integrated_gradients.ts";
import { MlpClassifier } from "../models/mlp.ts";
import { mulberry32 } from "../core/random.ts";

function fixture(rows: number, width: number, seed: number) {
  const rng = mulberry32(seed);
  const x = Float32Array.from({ length: rows * width }, () => rng() * 4 - 2);
  const y = Uint8Array.from(
    { length: rows },
    (_, r) => (x[r * width] + 0.5 * x[r * width + 1] > 0 ? 1 : 0),
  );
  return { x, y };
}

Deno.test("integratedGradients() contributions add up to f(x) − f(baseline) (completeness)", async () => {
  await ensureBackend();
  const width = 5;
  const { x, y } = fixture(120, width, 3);
  const clf = await new MlpClassifier({ hidden: [8, 4], epochs: 30, dropout: 0 }).fit(x, y, {
    seed: 1,
    validation: { x, y },
  });
  const baseline = new Float32Array(width).fill(0.1);
  // Groups: column 0 alone, columns 1–2 together (like a one-hot pair), 3, 4.
  const groups = [
    { feature: "a", start: 0, end: 1 },
    { feature: "b", start: 1, end: 3 },
    { feature: "c", start: 3, end: 4 },
    { feature: "d", start: 4, end: 5 },
  ];
  const sample = x.slice(0, 10 * width);
  const before = tf.memory().numTensors;
  const explanations = integratedGradients((t) => clf.model.predict(t) as tf.Tensor, sample, {
    baseline,
    groups,
    values: [],
    steps: 128,
  });
  assert.equal(tf.memory().numTensors, before, "no tensors leak");
  const p = clf.predictProba(sample, 10);
  const pBase = clf.predictProba(baseline, 1)[0];
  explanations.forEach((e, r) => {
    const total = e.reasons.reduce((s, reason) => s + reason.contribution, 0);
    assert.ok(Math.abs(e.raw - p[r]) < 1e-6, "raw is the model's output");
    assert.ok(Math.abs(e.baseline - pBase) < 1e-6, "baseline is f(baseline)");
    assert.ok(
      Math.abs(total - (p[r] - pBase)) < 5e-3,
      `row ${r}: contributions sum to ${total}, expected ${p[r] - pBase}`,
    );
    assert.equal(e.reasons.length, 4, "one reason per group");
    for (let i = 1; i < e.reasons.length; i++) {
      assert.ok(Math.abs(e.reasons[i - 1].contribution) >= Math.abs(e.reasons[i].contribution));
    }
  });
  clf.dispose();
});

Deno.test("integratedGradients() gives a feature the model ignores no contribution (dummy axiom)", async () => {
  await ensureBackend();
  // f(x) = σ(2·x0 − x1): x2 is a dummy. A linear logit makes IG exact on the logit scale, and on the
  // probability scale the dummy still gets exactly zero because its gradient is zero everywhere.
  const kernel = tf.tensor2d([[2], [-1], [0]]);
  const model = (t: tf.Tensor2D) => tf.sigmoid(tf.matMul(t, kernel));
  const x = Float32Array.from([1, 0.5, 3, -1, 2, -2]);
  const out = integratedGradients(model, x, {
    baseline: new Float32Array(3),
    groups: ["x0", "x1", "x2"].map((feature, i) => ({ feature, start: i, end: i + 1 })),
    values: [[1, 0.5, 3], [-1, 2, -2]],
  });
  for (const e of out) {
    const dummy = e.reasons.find((r) => r.feature === "x2")!;
    assert.equal(dummy.contribution, 0);
    const x0 = e.reasons.find((r) => r.feature === "x0")!;
    assert.equal(x0.direction, x0.contribution >= 0 ? "raises" : "lowers");
  }
  assert.equal(out[0].reasons.find((r) => r.feature === "x0")!.value, 1);
  assert.equal(out[0].reasons.find((r) => r.feature === "x0")!.direction, "raises");
  assert.equal(out[1].reasons.find((r) => r.feature === "x0")!.direction, "lowers");
  kernel.dispose();
});
