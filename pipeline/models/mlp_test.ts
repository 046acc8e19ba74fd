import assert from "node:assert/strict";
import {
  blendMembers,
  DEFAULT_MODEL_PARAMS,
  MlpClassifier,
  type ModelParams,
  modelParams,
} from "./mlp.ts";
import {
  ArtifactError,
  ensureBackend,
  InputError,
  mulberry32,
  NotFittedError,
  tensorCount,
} from "../mod.ts";

const WIDTH = 4;

/**
 * A linearly separable fixture: four uniform inputs in [-1, 1], label 1 iff x0 + 0.5·x1 > 0.
 * The other two inputs are noise.
 */
function separable(rows: number, seed: number): { x: Float32Array; y: Uint8Array } {
  const rng = mulberry32(seed);
  const x = new Float32Array(rows * WIDTH);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < WIDTH; j++) x[r * WIDTH + j] = 2 * rng() - 1;
    y[r] = x[r * WIDTH] + 0.5 * x[r * WIDTH + 1] > 0 ? 1 : 0;
  }
  return { x, y };
}

const TRAIN = separable(160, 1);
const VALIDATION = separable(40, 2);
const TEST = separable(200, 3);
const QUICK: Partial<ModelParams> = { hidden: [8], epochs: 5, batchSize: 32 };

async function quickFit(seed: number, params: Partial<ModelParams> = QUICK) {
  return await new MlpClassifier(params).fit(TRAIN.x, TRAIN.y, { seed, validation: VALIDATION });
}

function accuracy(p: Float32Array, y: Uint8Array): number {
  let right = 0;
  for (let i = 0; i < y.length; i++) if ((p[i] >= 0.5 ? 1 : 0) === y[i]) right++;
  return right / y.length;
}

Deno.test("modelParams() completes defaults and rejects bad parameters by name", async (t) => {
  await t.step("no parameters give the defaults", () => {
    assert.deepEqual(modelParams(), DEFAULT_MODEL_PARAMS);
    assert.deepEqual(modelParams({ epochs: 3 }), { ...DEFAULT_MODEL_PARAMS, epochs: 3 });
  });

  await t.step("a parameter given as undefined takes its default", () => {
    assert.deepEqual(modelParams({ epochs: undefined, dropout: 0 }), {
      ...DEFAULT_MODEL_PARAMS,
      dropout: 0,
    });
  });

  await t.step("an empty hidden list (logistic regression) is allowed", () => {
    assert.deepEqual(modelParams({ hidden: [] }).hidden, []);
  });

  const bad: [string, Record<string, unknown>][] = [
    ["hidden", { hidden: [16, 0] }],
    ["hidden", { hidden: [2.5] }],
    ["hidden", { hidden: 16 }],
    ["activation", { activation: "sigmoid" }],
    ["dropout", { dropout: 1 }],
    ["dropout", { dropout: -0.1 }],
    ["dropout", { dropout: NaN }],
    ["dropout", { dropout: "0.1" }],
    ["l2", { l2: -1 }],
    ["l2", { l2: "0.001" }],
    ["l1", { l1: -0.5 }],
    ["cuts", { cuts: 4 }],
    ["ensemble", { ensemble: 0 }],
    ["learningRate", { learningRate: 0 }],
    ["learningRate", { learningRate: Infinity }],
    ["batchSize", { batchSize: 0 }],
    ["batchSize", { batchSize: 1.5 }],
    ["epochs", { epochs: 0 }],
    ["epochs", { epochs: "10" }],
    ["patience", { patience: 0 }],
    ["classWeight", { classWeight: "auto" }],
    ["calibration", { calibration: "platt" }],
    ["epoch", { epoch: 10 }],
    ["learning_rate", { learning_rate: 0.1 }],
  ];
  for (const [name, params] of bad) {
    await t.step(`${Deno.inspect(params)} is an InputError naming "${name}"`, () => {
      assert.throws(() => modelParams(params as Partial<ModelParams>), (error: unknown) => {
        assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
        assert.ok(error.message.startsWith(`Invalid model parameter "${name}"`), error.message);
        return true;
      });
    });
  }

  await t.step("the constructor checks its parameters the same way", () => {
    assert.throws(() => new MlpClassifier({ dropout: 2 }), InputError);
  });
});

Deno.test("blendMembers() reads the members a blend names and rejects the rest by name", async (t) => {
  await t.step("no member means a forest and boosted trees", () => {
    assert.deepEqual(blendMembers({}).map((m) => m.family), ["forest", "gbm"]);
  });
  await t.step("members keep their settings, in a fixed order", () => {
    const members = blendMembers({ forest: { nTrees: 9 }, logistic: { l1: 0.1 } });
    assert.deepEqual(members, [
      { family: "logistic", settings: { l1: 0.1 } },
      { family: "forest", settings: { nTrees: 9 } },
    ]);
  });
  await t.step("one member, an unknown one, or a bad setting is refused", () => {
    assert.throws(() => blendMembers({ forest: {} }), /"trees": a blend needs two or more/);
    assert.throws(() => blendMembers({ forest: {}, knn: {} }), /"trees\.knn"/);
    assert.throws(() => blendMembers({ forest: {}, logistic: 3 }), /"trees\.logistic"/);
    assert.throws(() => blendMembers({ forest: {}, logistic: { l1: -1 } }), /"l1"/);
    assert.throws(
      () => modelParams({ family: "blend", trees: { gbm: { nRounds: 0 } } }),
      InputError,
    );
  });
});

Deno.test("MlpClassifier throws NotFittedError before fit", async () => {
  const clf = new MlpClassifier(QUICK);
  assert.throws(() => clf.predictProba(TEST.x, 200), NotFittedError);
  await assert.rejects(() => clf.toArtifacts(), NotFittedError);
});

Deno.test("MlpClassifier gives one probability in [0, 1] per row", async (t) => {
  const clf = await quickFit(7);

  await t.step("n rows give n probabilities", () => {
    const p = clf.predictProba(TEST.x, 200);
    assert.ok(p instanceof Float32Array);
    assert.equal(p.length, 200);
    assert.ok(p.every((v) => v >= 0 && v <= 1), "a probability outside [0, 1]");
  });

  await t.step("no rows give no probabilities", () => {
    assert.equal(clf.predictProba(new Float32Array(0), 0).length, 0);
  });

  await t.step("the network takes the matrix's width and ends in one unit", () => {
    assert.deepEqual(clf.model.inputs[0].shape, [null, WIDTH]);
    assert.deepEqual(clf.model.outputs[0].shape, [null, 1]);
  });

  clf.dispose();
});

Deno.test("MlpClassifier.fit() learns a separable rule from a short fit", async () => {
  const clf = await quickFit(11, { hidden: [8], epochs: 60, learningRate: 0.05, dropout: 0 });
  const acc = accuracy(clf.predictProba(TEST.x, 200), TEST.y);
  assert.ok(acc >= 0.9, `test accuracy ${acc}, expected at least 0.9 (chance is about 0.5)`);
  clf.dispose();
});

Deno.test("MlpClassifier.fit() keeps the weights of its best validation epoch", async () => {
  const clf = await quickFit(5, { hidden: [8], epochs: 40, patience: 3, learningRate: 0.2 });
  const { history, bestEpoch } = clf;
  assert.ok(history.length >= 1 && history.length <= 40);
  assert.deepEqual(history.map((h) => h.epoch), history.map((_, i) => i + 1));
  const best = Math.min(...history.map((h) => h.val_loss));
  assert.equal(history[bestEpoch - 1].val_loss, best);
  // Recompute the class-weighted validation loss of the kept weights by hand.
  const positives = TRAIN.y.reduce((a, b) => a + b, 0);
  const w1 = TRAIN.y.length / (2 * positives);
  const w0 = TRAIN.y.length / (2 * (TRAIN.y.length - positives));
  const p = clf.predictProba(VALIDATION.x, VALIDATION.y.length);
  let loss = 0;
  VALIDATION.y.forEach((y, i) => {
    const q = Math.min(Math.max(p[i], 1e-7), 1 - 1e-7);
    loss += -(y ? w1 * Math.log(q) : w0 * Math.log(1 - q));
  });
  loss /= VALIDATION.y.length;
  assert.ok(Math.abs(loss - best) < 1e-4, `validation loss ${loss}, best epoch's ${best}`);
  clf.dispose();
});

Deno.test("MlpClassifier.fit() is reproducible from its seed", async (t) => {
  const a = await quickFit(21);
  const b = await quickFit(21);
  const c = await quickFit(22);
  const [wa, wb, wc] = await Promise.all(
    [a, b, c].map(async (m) => (await m.toArtifacts()).weights),
  );

  await t.step("the same seed gives identical weights and predictions", () => {
    assert.deepEqual(wa, wb);
    assert.deepEqual(a.predictProba(TEST.x, 200), b.predictProba(TEST.x, 200));
    assert.deepEqual(a.history, b.history);
  });

  await t.step("another seed gives other weights and predictions", () => {
    assert.notDeepEqual(wa, wc);
    assert.notDeepEqual(a.predictProba(TEST.x, 200), c.predictProba(TEST.x, 200));
  });

  for (const m of [a, b, c]) m.dispose();
});

Deno.test("MlpClassifier.toArtifacts() → fromArtifacts() gives identical predictions", async (t) => {
  const clf = await quickFit(3, { ...QUICK, hidden: [8, 4] });
  const artifacts = await clf.toArtifacts();

  await t.step("model.json is the tfjs layers format pointing at weights.bin", () => {
    assert.equal(artifacts.modelJson.format, "layers-model");
    const manifest = artifacts.modelJson.weightsManifest as { paths: string[] }[];
    assert.deepEqual(manifest.map((g) => g.paths), [["weights.bin"]]);
    // (4·8 + 8) + (8·4 + 4) + (4·1 + 1) float32 weights.
    assert.equal(artifacts.weights.byteLength, 4 * (40 + 36 + 5));
  });

  await t.step("a JSON round trip of model.json restores the same network", async () => {
    const restored = await MlpClassifier.fromArtifacts(
      { modelJson: JSON.parse(JSON.stringify(artifacts.modelJson)), weights: artifacts.weights },
      clf.params,
    );
    assert.deepEqual(restored.predictProba(TEST.x, 200), clf.predictProba(TEST.x, 200));
    assert.deepEqual(restored.params, clf.params);
    restored.dispose();
  });

  await t.step("something that is not a layers model is an ArtifactError", async () => {
    await assert.rejects(
      () => MlpClassifier.fromArtifacts({ modelJson: { format: "x" }, weights: new Uint8Array() }),
      ArtifactError,
    );
    await assert.rejects(
      () =>
        MlpClassifier.fromArtifacts({
          modelJson: artifacts.modelJson,
          weights: artifacts.weights.slice(0, 12),
        }),
      ArtifactError,
    );
  });

  clf.dispose();
});

Deno.test("MlpClassifier.fit() rejects a matrix that does not match the labels", async () => {
  const clf = new MlpClassifier(QUICK);
  await assert.rejects(
    () => clf.fit(new Float32Array(7), new Uint8Array(2), { seed: 1, validation: VALIDATION }),
    InputError,
  );
  await assert.rejects(
    () => clf.fit(new Float32Array(0), new Uint8Array(0), { seed: 1, validation: VALIDATION }),
    InputError,
  );
});

Deno.test("MlpClassifier leaks no tensors", async (t) => {
  await ensureBackend();

  await t.step("tensorCount() is unchanged after 1,000 predictProba() calls", async () => {
    const clf = await quickFit(9);
    const before = tensorCount();
    for (let i = 0; i < 1000; i++) clf.predictProba(TEST.x.subarray(0, 3 * WIDTH), 3);
    assert.equal(tensorCount(), before);
    clf.dispose();
  });

  await t.step("a fit and a dispose leave the count where it was", async () => {
    const before = tensorCount();
    const clf = await quickFit(9);
    clf.dispose();
    assert.equal(tensorCount(), before);
  });
});
