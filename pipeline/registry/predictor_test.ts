import assert from "node:assert/strict";
import {
  loadDataset,
  loadSpec,
  modelCard,
  type ModelParams,
  modelParams,
  Registry,
  resolveDataPath,
  rowAt,
  takeRows,
  tensorCount,
  trainProfile,
} from "../mod.ts";

const spec = await loadSpec("data/specs/student_dropout.json");
const data = await loadDataset(resolveDataPath(), spec);
const dir = await Deno.makeTempDir({ prefix: "predictor_test_" });
const registry = new Registry(dir);
// select: 0 whatever the profile's tuned settings: these tests need a model that reads every field.
const trained = await trainProfile(data, spec, {
  profile: "early-A",
  seed: 3,
  // A network, whatever the profile's tuned family: these tests cover Integrated Gradients.
  model: {
    family: "mlp",
    hidden: [],
    l1: 0.003,
    l2: 0,
    cuts: 1,
    classWeight: "none",
    calibration: "auto",
    epochs: 40,
    select: 0,
  },
});
const saved = await registry.save(trained, { data, spec });
const predictor = await registry.load(saved.id);
const rows = Array.from({ length: 20 }, (_, i) => rowAt(data, i * 31));

Deno.test("Predictor.predict() attaches the top reasons, largest first, only when asked", async (t) => {
  await t.step("no reasons by default", () => {
    assert.equal(predictor.predict(rows.slice(0, 1))[0].reasons, undefined);
  });
  await t.step("five reasons, each with the feature's value and a signed contribution", () => {
    for (const p of predictor.predict(rows, { reasons: 5 })) {
      assert.equal(p.reasons!.length, 5);
      for (let i = 1; i < 5; i++) {
        assert.ok(Math.abs(p.reasons![i - 1].contribution) >= Math.abs(p.reasons![i].contribution));
      }
      for (const r of p.reasons!) {
        assert.ok(predictor.features.some((f) => f.name === r.feature));
        assert.equal(r.direction, r.contribution >= 0 ? "raises" : "lowers");
      }
    }
  });
  await t.step("a reason's value is the student's value, as the data spells it", () => {
    const [p] = predictor.predict([rows[0]], { reasons: 33 });
    for (const r of p.reasons!) {
      const col = predictor.features.find((f) => f.name === r.feature)!;
      const cell = rows[0][r.feature];
      const expected = col.type === "boolean"
        ? (cell === 1 ? col.true_values![0] : col.false_values![0])
        : cell;
      assert.equal(r.value, expected);
    }
    const internet = p.reasons!.find((r) => r.feature === "Internet_Access")!;
    assert.ok(internet.value === "yes" || internet.value === "no");
  });
});

Deno.test("Predictor.predictDataset() gives what predict() gives row by row", () => {
  const part = takeRows(data, Array.from({ length: 120 }, (_, i) => i * 5));
  part.cells.Mother_Job[3] = null;
  part.cells.Age[3] = null;
  part.cells.Grade_2[7] = null;
  // Not a value of the spec: checks the unknown-category report, which validation would prevent.
  part.cells.School[9] = "ZZ";
  const rowsOfPart = Array.from({ length: part.rows }, (_, i) => rowAt(part, i));
  const before = tensorCount();
  const columnwise = predictor.predictDataset(part);
  assert.equal(tensorCount(), before);
  assert.deepEqual(columnwise, predictor.predict(rowsOfPart));
  assert.deepEqual(columnwise[3].imputed, ["Age", "Mother_Job"]);
  assert.deepEqual(columnwise[9].unknown, ["School"]);
});

Deno.test("Predictor.explain() contributions add up to the probability minus the baseline's", () => {
  const probabilities = predictor.predict(rows).map((p) => p.probability);
  const explanations = predictor.explain(rows);
  explanations.forEach((e, i) => {
    assert.equal(e.reasons.length, predictor.features.length, "one reason per input feature");
    const total = e.reasons.reduce((s, r) => s + r.contribution, 0);
    assert.ok(
      Math.abs(total - (probabilities[i] - e.baseline)) < 0.01,
      `row ${i}: sum ${total} against ${probabilities[i] - e.baseline}`,
    );
  });
});

Deno.test("Predictor leaks no tensors over 1,000 predictions with reasons", () => {
  predictor.predict(rows.slice(0, 2), { reasons: 5 });
  const before = tensorCount();
  for (let i = 0; i < 1000; i++) {
    predictor.predict([rows[i % rows.length]], { reasons: i % 2 ? 5 : 0 });
  }
  assert.equal(tensorCount(), before);
});

Deno.test("The saved model carries calibration, fairness, intervals, importance and a model card", async () => {
  assert.ok(["none", "platt"].includes(saved.calibration.method));
  assert.deepEqual(saved.fairness.map((f) => f.column), ["Gender", "Address", "School"]);
  for (const f of saved.fairness) {
    assert.equal(f.groups.reduce((s, g) => s + g.n, 0), saved.split.test);
    assert.ok(f.equalized_odds_difference >= 0 && f.equalized_odds_difference <= 1);
  }
  for (const iv of Object.values(saved.intervals)) {
    assert.ok(iv.low <= iv.value && iv.value <= iv.high);
  }
  assert.equal(saved.importance.length, predictor.features.length);
  assert.equal(saved.explanation.baseline.length, predictor.preprocessor.width);
  const card = await Deno.readTextFile(`${dir}/${saved.id}/MODEL_CARD.md`);
  assert.equal(card, modelCard(saved));
  for (
    const heading of ["## Intended use", "## Data", "## Calibration", "## Fairness", "## Limits"]
  ) {
    assert.ok(card.includes(heading), heading);
  }
  assert.ok(card.includes(saved.data.sha256));
  assert.ok(!card.includes("Leak warning"), "early-A has no leak");
});

Deno.test("modelCard() says whether the model uses the settings tune chose for its profile", () => {
  const card = modelCard(saved);
  assert.ok(card.includes("## Model"));
  assert.match(card, /they were given for this model/, "the test model overrides the epochs");
  const tuned = modelParams(saved.spec.profiles[saved.profile].model as Partial<ModelParams>);
  const chosen = modelCard({ ...saved, hyperparameters: tuned });
  assert.match(chosen, /These are the settings `deno task tune` chose for the profile \(/);
  assert.match(
    chosen,
    /nested estimate: log loss \d\.\d{3}, Brier \d\.\d{3}, ROC-AUC \d\.\d{3}, PR-AUC \d\.\d{3}, percent correct \d+\.\d\d\. Why: /,
  );
});

Deno.test("modelCard() warns about the leak of the seed profile", () => {
  const card = modelCard({ ...saved, profile: "seed", leaks: ["Final_Grade"] });
  assert.ok(card.includes("**Leak warning:**") && card.includes("`Final_Grade`"));
});

globalThis.addEventListener("unload", () => {
  predictor.dispose();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("a model fitted with select reads, explains and reports only its chosen features", async (t) => {
  const narrow = await trainProfile(data, spec, {
    profile: "early-A",
    seed: 3,
    model: { family: "mlp", hidden: [], cuts: 1, select: 1, classWeight: "none", epochs: 40 },
  });
  const id = (await registry.save(narrow, { data, spec })).id;
  narrow.classifier.dispose();
  const loaded = await registry.load(id);
  await t.step("the feature with the best single split is Grade_2, and it alone is read", () => {
    assert.deepEqual(loaded.usedFeatures, ["Grade_2"]);
    assert.deepEqual(loaded.metadata.selection?.read, ["Grade_2"]);
    assert.equal(loaded.metadata.selection?.ranking.length, loaded.features.length);
    assert.equal(loaded.features.length, 32, "the profile's fields are still accepted");
  });
  await t.step("the other fields do not move the probability, and only Grade_2 is a reason", () => {
    const changed = { ...rows[0], Grade_1: 19, Number_of_Failures: 3, School: "MS" };
    const [a, b] = loaded.predict([rows[0], changed], { reasons: 33 });
    assert.equal(a.probability, b.probability);
    assert.deepEqual(a.reasons!.map((r) => [r.feature, r.value]), [["Grade_2", rows[0].Grade_2]]);
  });
  await t.step("the model card names what it reads and what it does not", async () => {
    const card = await Deno.readTextFile(`${dir}/${id}/MODEL_CARD.md`);
    assert.match(
      card,
      /Read by the model \(1 of 32, .*\): Grade_2 \(0\.1\d\d\)\. Not read: School, /,
    );
    assert.match(card, /the 1 best feature\(s\) by a single split; class weights none; one fit;/);
    assert.match(card, /early stopping \(patience 20, at most 40 epochs\) on validation/);
    assert.match(card, /\| Grade_2 \| 0\.\d+ ± 0\.\d+ \|\n\nThe 31 inputs the model does not read/);
    assert.match(card, /reads none of the audited attributes \(Gender, Address, School\)/);
  });
  loaded.dispose();
});
