import assert from "node:assert/strict";
import { ensureBackend, tf } from "../models/backend.ts";
import { calibrate } from "../models/calibration.ts";
import { integratedGradients } from "./integrated_gradients.ts";
import { denseForward, denseIntegratedGradients, denseStack } from "./dense.ts";
import { MlpClassifier, type ModelParams } from "../models/mlp.ts";
import { mulberry32 } from "../core/random.ts";

const WIDTH = 6;

function fixture(rows: number, seed: number) {
  const rng = mulberry32(seed);
  const x = Float32Array.from({ length: rows * WIDTH }, () => rng() * 4 - 2);
  const y = Uint8Array.from(
    { length: rows },
    (_, r) => (x[r * WIDTH] - 0.7 * x[r * WIDTH + 1] * x[r * WIDTH + 2] > 0 ? 1 : 0),
  );
  return { x, y };
}

const GROUPS = [
  { feature: "a", start: 0, end: 1 },
  { feature: "b", start: 1, end: 3 },
  { feature: "c", start: 3, end: 4 },
  { feature: "d", start: 4, end: 6 },
];

async function trained(params: Partial<ModelParams>): Promise<MlpClassifier> {
  await ensureBackend();
  const { x, y } = fixture(150, 5);
  return await new MlpClassifier({ epochs: 25, dropout: 0, ...params }).fit(x, y, {
    seed: 2,
    validation: { x, y },
  });
}

Deno.test("denseIntegratedGradients() gives tfjs's Integrated Gradients without tfjs", async (t) => {
  const { x } = fixture(12, 9);
  const baseline = Float32Array.from({ length: WIDTH }, (_, i) => 0.1 * i - 0.2);
  const platt = {
    method: "platt" as const,
    a: 0.6,
    b: -0.9,
    validation_log_loss: { before: 0, after: 0 },
  };
  const cases: [string, Partial<ModelParams>, boolean][] = [
    ["relu, one hidden layer (the default shape, unrolled)", { hidden: [9] }, false],
    ["relu, one hidden layer, Platt-calibrated", { hidden: [9] }, true],
    ["relu, two hidden layers", { hidden: [8, 4] }, false],
    ["tanh", { hidden: [7], activation: "tanh" }, false],
    ["no hidden layer (logistic regression)", { hidden: [] }, true],
    ["an ensemble of three, averaged", { hidden: [6], ensemble: 3, epochs: 10 }, true],
    ["elu, Platt-calibrated", { hidden: [5], activation: "elu" }, true],
  ];
  for (const [name, params, calibrated] of cases) {
    await t.step(name, async () => {
      const clf = await trained(params);
      const stack = denseStack(clf.model);
      assert.ok(stack, "a Dense-only network reads as a stack");
      const network = clf.predictProba(x, 12);
      denseForward(stack, x).forEach((p, i) => assert.ok(Math.abs(p - network[i]) < 1e-6));
      const model = (z: tf.Tensor2D): tf.Tensor => {
        const p = clf.model.apply(z) as tf.Tensor;
        if (!calibrated) return p;
        const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
        return tf.sigmoid(tf.add(tf.mul(tf.log(tf.div(q, tf.sub(1, q))), platt.a), platt.b));
      };
      const options = { baseline, groups: GROUPS, values: [], steps: 128 };
      const expected = integratedGradients(model, x, options);
      const map = calibrated
        ? {
          f: (p: number) => calibrate(platt, p),
          df: (p: number) => {
            const q = calibrate(platt, p);
            return (q * (1 - q) * platt.a) / (p * (1 - p));
          },
        }
        : undefined;
      const before = tf.memory().numTensors;
      const got = denseIntegratedGradients(stack, x, { ...options, map });
      assert.equal(tf.memory().numTensors, before, "no tensors at all");
      got.forEach((e, r) => {
        assert.ok(Math.abs(e.raw - expected[r].raw) < 1e-6, `row ${r} raw`);
        assert.ok(Math.abs(e.baseline - expected[r].baseline) < 1e-6, `row ${r} baseline`);
        const want = new Map(expected[r].reasons.map((x) => [x.feature, x.contribution]));
        for (const reason of e.reasons) {
          const diff = Math.abs(reason.contribution - want.get(reason.feature)!);
          assert.ok(
            diff < 1e-5,
            `row ${r} ${reason.feature}: ${reason.contribution} vs ${want.get(reason.feature)}`,
          );
        }
      });
      clf.dispose();
    });
  }
});

Deno.test("denseStack() reads an ensemble as its members and declines other shapes", async () => {
  await ensureBackend();
  const ensemble = await trained({ hidden: [4], ensemble: 2, epochs: 3 });
  assert.deepEqual(
    denseStack(ensemble.model)?.members.map((m) => m.map((l) => [l.inputs, l.units])),
    [[[WIDTH, 4], [4, 1]], [[WIDTH, 4], [4, 1]]],
  );
  // As the server has it: saved in the tfjs layers format and loaded back.
  const loaded = await MlpClassifier.fromArtifacts(await ensemble.toArtifacts(), ensemble.params);
  const stack = denseStack(loaded.model);
  assert.equal(stack?.members.length, 2);
  const { x } = fixture(5, 4);
  const expected = loaded.predictProba(x, 5);
  denseForward(stack!, x).forEach((p, i) => assert.ok(Math.abs(p - expected[i]) < 1e-6));
  loaded.dispose();
  ensemble.dispose();
  const input = tf.input({ shape: [WIDTH] });
  const hidden = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
  const normalised = tf.layers.batchNormalization().apply(hidden) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 1, activation: "sigmoid" }).apply(normalised);
  const other = tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
  assert.equal(denseStack(other), undefined);
  const softmax = tf.sequential({
    layers: [tf.layers.dense({ units: 2, inputShape: [WIDTH], activation: "softmax" })],
  });
  assert.equal(denseStack(softmax), undefined);
  other.dispose();
  softmax.dispose();
});
