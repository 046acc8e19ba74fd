import assert from "node:assert/strict";
import {
  loadDataset,
  loadSpec,
  Registry,
  resolveDataPath,
  rowAt,
  scoreRows,
  trainProfile,
} from "../mod.ts";

const spec = await loadSpec("data/specs/student_dropout.json");
const data = await loadDataset(resolveDataPath(), spec);
const rows = Array.from({ length: 25 }, (_, i) => rowAt(data, i * 23));

// Every third row misses its age and school: imputed for one-hot, NaN that boosting routes for codes.
const gaps = rows.map((row, i) => (i % 3 === 0 ? { ...row, Age: null, School: null } : row));

for (
  const [family, trees, encoding] of [
    ["forest", { nTrees: 60 }, "onehot"],
    ["gbm", { nRounds: 60 }, "onehot"],
    ["gbm", { nRounds: 60 }, "codes"],
    ["blend", { forest: { nTrees: 40 }, gbm: { nRounds: 40 } }, "onehot"],
    ["blend", { logistic: { l1: 0.003 }, forest: { nTrees: 40 } }, "onehot"],
    ["logistic", {}, "onehot"],
  ] as const
) {
  const members = family === "blend" ? ` of ${Object.keys(trees).join(" and ")}` : "";
  const codes = encoding === "codes" ? " on category codes" : "";
  Deno.test(`A ${family} model${members}${codes} trains, saves, loads and explains itself additively`, async (t) => {
    const dir = await Deno.makeTempDir({ prefix: `tree_predictor_test_${family}_` });
    try {
      const registry = new Registry(dir);
      const trained = await trainProfile(data, spec, {
        profile: "early-C",
        seed: 5,
        model: { family, trees, select: 0, cuts: 0, calibration: "auto", encoding },
      });
      const saved = await registry.save(trained, { data, spec });
      const predictor = await registry.load(saved.id);

      await t.step("the folder holds the model as JSON and no network", async () => {
        const names = (await Array.fromAsync(Deno.readDir(`${dir}/${saved.id}`))).map((e) =>
          e.name
        );
        assert.ok(names.includes(family === "logistic" ? "linear.json" : "trees.json"));
        assert.ok(!names.includes("weights.bin"));
        assert.equal(saved.hyperparameters.family, family);
        assert.equal(saved.explanation.method, family === "logistic" ? "linear" : "tree-shap");
      });

      await t.step("loaded predictions equal the trained model's", () => {
        const idx = Array.from({ length: 25 }, (_, i) => i * 23);
        const direct = scoreRows(trained, data, idx).scores;
        const loaded = predictor.predict(rows).map((p) => p.probability);
        loaded.forEach((p, i) => assert.ok(Math.abs(p - direct[i]) < 1e-6, `row ${i}`));
      });

      await t.step("each student's reasons add up to the probability minus the baseline", () => {
        const probabilities = predictor.predict(gaps).map((p) => p.probability);
        predictor.explain(gaps).forEach((e, i) => {
          assert.equal(e.reasons.length, predictor.usedFeatures.length);
          const total = e.reasons.reduce((s, r) => s + r.contribution, 0);
          assert.ok(
            Math.abs(total - (probabilities[i] - e.baseline)) < 1e-6,
            `row ${i}: ${total} against ${probabilities[i] - e.baseline}`,
          );
        });
      });

      await t.step("predict() gives each row that asks the top of its full explanation", () => {
        const full = predictor.explain(rows);
        const asked = rows.map((_, i) => [0, 1, 5][i % 3]);
        predictor.predict(rows, { reasons: asked }).forEach((p, i) => {
          if (asked[i] === 0) assert.equal(p.reasons, undefined);
          else assert.deepEqual(p.reasons, full[i].reasons.slice(0, asked[i]));
        });
      });

      await t.step("the reasons read more than one field", () => {
        const read = new Set(
          predictor.explain(rows).flatMap((e) =>
            e.reasons.filter((r) => Math.abs(r.contribution) > 1e-4).map((r) => r.feature)
          ),
        );
        assert.ok(read.size >= 5, `only ${[...read].join(", ")}`);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
