import assert from "node:assert/strict";
import { Preprocessor } from "./preprocessor.ts";
import {
  column,
  type Dataset,
  type DatasetSpec,
  InputError,
  modelParams,
  mulberry32,
  parseDataset,
  takeRows,
} from "../mod.ts";

const SPEC: DatasetSpec = {
  name: "tiny",
  target: { column: "left", positive: "yes" },
  leak: [],
  columns: [
    { name: "School", type: "category", values: ["GP", "MS", "XX"] },
    { name: "Age", type: "integer", min: 15, max: 22 },
    { name: "Paid", type: "boolean", true_values: ["yes"], false_values: ["no"] },
    { name: "left", type: "boolean", true_values: ["yes"], false_values: ["no"] },
  ],
  profiles: { all: { features: ["School", "Age", "Paid"] } },
};
const FEATURES = SPEC.profiles.all.features.map((f) => column(SPEC, f));

/** Rows 0–4 train (each feature misses one cell); row 5 holds the unseen category XX. */
const CSV = `School,Age,Paid,left
GP,16,yes,no
MS,17,no,no
MS,,no,yes
,19,yes,no
MS,22,,yes
XX,15,yes,yes
`;
const TRAIN = [0, 1, 2, 3, 4];

async function tiny(): Promise<Dataset> {
  return await parseDataset(new TextEncoder().encode(CSV), SPEC, { source: "tiny.csv" });
}

Deno.test("Preprocessor with codes gives one column per feature: codes, raw numbers, NaN", async (t) => {
  const data = await tiny();
  const pre = new Preprocessor({ features: FEATURES, encoding: "codes" }).fit(
    takeRows(data, TRAIN),
  );

  await t.step("the layout: one column each, School a category of 2 codes", () => {
    assert.equal(pre.width, 3);
    assert.deepEqual(pre.outputNames, ["School", "Age", "Paid"]);
    assert.deepEqual(pre.categoryCodes, [2, 0, 0]);
    assert.deepEqual(pre.groups.map((g) => [g.start, g.end]), [[0, 1], [1, 2], [2, 3]]);
  });

  await t.step("a record: its code, its raw number, NaN where missing, reported", () => {
    const encoded = pre.transformRow({ School: "MS", Age: null, Paid: 0 });
    assert.deepEqual(Array.from(encoded.vector), [1, NaN, 0]);
    assert.deepEqual(encoded.imputed, ["Age"]);
  });

  await t.step("an unseen category takes code k (2), a code no split sends left", () => {
    const { x } = pre.transform(takeRows(data, [5, 3]));
    assert.deepEqual(Array.from(x), [2, 15, 1, NaN, 19, 1]);
    assert.deepEqual(pre.transformRow({ School: "XX", Age: 15, Paid: 1 }).unknown, ["School"]);
  });

  await t.step("saved and restored, it encodes the same", () => {
    const json = JSON.parse(JSON.stringify(pre.toJSON()));
    assert.equal(json.params.encoding, "codes");
    const restored = Preprocessor.fromJSON(json, SPEC.columns);
    assert.deepEqual(restored.transform(data), pre.transform(data));
    assert.deepEqual(restored.categoryCodes, [2, 0, 0]);
  });
});

Deno.test("Preprocessor with a missing indicator adds a 0/1 column to features with missing cells", async (t) => {
  const data = await tiny();
  const pre = new Preprocessor({ features: FEATURES, missing: "indicator" }).fit(
    takeRows(data, TRAIN),
  );

  await t.step("each feature's group ends with its indicator", () => {
    assert.deepEqual(pre.outputNames, [
      "School=GP",
      "School=MS",
      "School missing",
      "Age",
      "Age missing",
      "Paid",
      "Paid missing",
    ]);
    assert.deepEqual(pre.groups.map((g) => [g.start, g.end]), [[0, 3], [3, 5], [5, 7]]);
    assert.deepEqual(pre.categoryCodes, [0, 0, 0, 0, 0, 0, 0]);
  });

  await t.step(
    "a missing category is a category of its own, a missing number imputed and flagged",
    () => {
      const { vector, imputed } = pre.transformRow({ School: null, Age: null, Paid: 1 });
      assert.deepEqual(Array.from(vector.subarray(0, 3)), [0, 0, 1]);
      const ageMedian = pre.transformRow({ School: "GP", Age: 18, Paid: 1 }).vector[3];
      assert.ok(Math.abs(vector[3] - ageMedian) < 1e-6, "Age imputed at its median, 18");
      assert.equal(vector[4], 1);
      assert.equal(vector[6], 0);
      assert.deepEqual(imputed, ["School", "Age"]);
    },
  );

  await t.step("features with no missing training cell get no indicator", () => {
    const full = new Preprocessor({ features: FEATURES, missing: "indicator" }).fit(
      takeRows(data, [0, 1, 5]),
    );
    assert.deepEqual(full.outputNames, ["School=GP", "School=MS", "School=XX", "Age", "Paid"]);
  });

  await t.step("saved and restored, it encodes the same", () => {
    const restored = Preprocessor.fromJSON(JSON.parse(JSON.stringify(pre.toJSON())), SPEC.columns);
    assert.deepEqual(restored.transform(data), pre.transform(data));
  });
});

Deno.test("Preprocessor and model parameters refuse unknown encodings and codes for linear models", () => {
  assert.throws(
    () => new Preprocessor({ features: FEATURES, encoding: "ordinal" as "codes" }),
    (e: unknown) => e instanceof InputError && /"encoding": "ordinal"/.test(e.message),
  );
  assert.throws(
    () => new Preprocessor({ features: FEATURES, missing: "drop" as "impute" }),
    (e: unknown) => e instanceof InputError && /"missing": "drop"/.test(e.message),
  );
  assert.throws(
    () => modelParams({ family: "logistic", encoding: "codes" }),
    (e: unknown) => e instanceof InputError && /"encoding"/.test(e.message),
  );
  assert.equal(modelParams({ family: "gbm", encoding: "codes" }).encoding, "codes");
  assert.equal(modelParams({ family: "logistic", missing: "indicator" }).missing, "indicator");
});

Deno.test("Preprocessor.transform() writes what transformRowInto() writes, row by row, in every setting", async (t) => {
  // A seeded table of 300 rows: every feature misses some cells, and School holds a category
  // (XX) that the training rows never show.
  const rng = mulberry32(7);
  const pick = <T>(values: T[]) => values[Math.floor(rng() * values.length)];
  const lines = ["School,Age,Paid,left"];
  for (let i = 0; i < 300; i++) {
    const school = rng() < 0.1 ? "" : pick(["GP", "MS", i >= 200 ? "XX" : "GP"]);
    const age = rng() < 0.15 ? "" : String(15 + Math.floor(rng() * 8));
    const paid = rng() < 0.05 ? "" : pick(["yes", "no"]);
    lines.push(`${school},${age},${paid},${i % 3 === 0 ? "yes" : "no"}`);
  }
  const data = await parseDataset(new TextEncoder().encode(lines.join("\n") + "\n"), SPEC, {
    source: "random.csv",
  });
  const train = takeRows(data, Array.from({ length: 200 }, (_, i) => i));
  for (const encoding of ["onehot", "codes"] as const) {
    for (const missing of ["impute", "indicator"] as const) {
      for (const cuts of [0, 2]) {
        await t.step(`${encoding}, ${missing}, ${cuts} cuts`, () => {
          const pre = new Preprocessor({ features: FEATURES, encoding, missing, cuts }).fit(train);
          const whole = pre.transform(data);
          const rows = new Float32Array(data.rows * pre.width);
          const imputed: Record<string, number> = {};
          for (let r = 0; r < data.rows; r++) {
            const row = Object.fromEntries(FEATURES.map((f) => [f.name, data.cells[f.name][r]]));
            for (const name of pre.transformRowInto(row, rows, r * pre.width).imputed) {
              imputed[name] = (imputed[name] ?? 0) + 1;
            }
          }
          // Object.is tells NaN apart from numbers and keeps -0 apart from 0.
          const differs = Array.from(whole.x).findIndex((v, i) => !Object.is(v, rows[i]));
          assert.equal(differs, -1, `cell ${differs} differs`);
          assert.deepEqual(Object.entries(whole.imputed), Object.entries(imputed));
        });
      }
    }
  }
});

Deno.test("Preprocessor imputes a numeric column's median, odd or even count, repeats or not", async () => {
  const rng = mulberry32(11);
  for (const rows of [1, 2, 7, 8, 51, 200]) {
    for (const spread of [2, 8]) {
      const lines = ["School,Age,Paid,left"];
      const ages: number[] = [];
      for (let i = 0; i < rows; i++) {
        const age = 15 + Math.floor(rng() * spread);
        ages.push(age);
        lines.push(`GP,${age},yes,${i % 2 === 0 ? "yes" : "no"}`);
      }
      const data = await parseDataset(new TextEncoder().encode(lines.join("\n") + "\n"), SPEC, {
        source: "ages.csv",
      });
      const pre = new Preprocessor({ features: FEATURES }).fit(data);
      const sorted = ages.slice().sort((a, b) => a - b);
      const mid = rows >> 1;
      const median = rows % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
      const age = pre.state.features.find((f) => f.name === "Age")!;
      assert.equal(
        age.kind === "numeric" ? age.impute : NaN,
        median,
        `${rows} rows, ${spread} values`,
      );
    }
  }
});
