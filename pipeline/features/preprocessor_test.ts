import assert from "node:assert/strict";
import { learnCuts, Preprocessor } from "./preprocessor.ts";
import {
  column,
  type Dataset,
  type DatasetSpec,
  InputError,
  loadDataset,
  loadSpec,
  NotFittedError,
  parseDataset,
  profileOf,
  resolveDataPath,
  SchemaError,
  stratifiedSplit,
  takeRows,
} from "../mod.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

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

/** Rows 0–4 are the training rows of most tests; rows 5–6 hold values seen nowhere else. */
const CSV = `School,Age,Paid,left
GP,16,yes,no
MS,17,no,no
MS,,no,yes
,19,yes,no
MS,22,,yes
XX,15,yes,yes
XX,15,no,no
`;
const TRAIN = [0, 1, 2, 3, 4];

async function tiny(text = CSV): Promise<Dataset> {
  return await parseDataset(new TextEncoder().encode(text), SPEC, { source: "tiny.csv" });
}

function fitted(data: Dataset, numericImpute?: "median" | "mean"): Preprocessor {
  return new Preprocessor({ features: FEATURES, numericImpute }).fit(data);
}

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual}, expected ${expected}`);
}

Deno.test("Preprocessor's constructor completes and checks its parameters", async (t) => {
  await t.step("numeric imputation defaults to the median, even when given as undefined", () => {
    assert.equal(new Preprocessor({ features: FEATURES }).params.numericImpute, "median");
    const explicit = new Preprocessor({ features: FEATURES, numericImpute: undefined });
    assert.equal(explicit.params.numericImpute, "median");
  });

  await t.step("an unknown imputation rule is an InputError naming it", () => {
    assert.throws(
      () => new Preprocessor({ features: FEATURES, numericImpute: "mode" as "mean" }),
      (error: unknown) =>
        error instanceof InputError && /"numericImpute": "mode"/.test(error.message),
    );
  });
});

Deno.test("Preprocessor throws NotFittedError before fit", async (t) => {
  const pre = new Preprocessor({ features: FEATURES });
  const data = await tiny();
  const calls: [string, () => unknown][] = [
    ["transform()", () => pre.transform(data)],
    ["transformRow()", () => pre.transformRow({ Age: 17 })],
    ["toJSON()", () => pre.toJSON()],
    ["width", () => pre.width],
    ["state", () => pre.state],
  ];
  for (const [name, call] of calls) {
    await t.step(`${name} throws NotFittedError`, () => {
      assert.throws(call, (error: unknown) => {
        assert.ok(error instanceof NotFittedError, `expected NotFittedError, got ${error}`);
        assert.equal(error.message, "Preprocessor is not fitted: call fit() first");
        return true;
      });
    });
  }
});

Deno.test("Preprocessor.fit() learns values computed by hand", async (t) => {
  const data = takeRows(await tiny(), TRAIN);

  await t.step("median imputation and scaling of an integer column", () => {
    const [, age] = fitted(data).state.features;
    // Ages 16, 17, 19, 22 → median 18; filled 16, 17, 18, 19, 22 → mean 18.4,
    // population variance (2.4² + 1.4² + 0.4² + 0.6² + 3.6²) / 5 = 4.24.
    assert.equal(age.kind, "numeric");
    if (age.kind !== "numeric") return;
    assert.equal(age.impute, 18);
    near(age.mean, 18.4, "mean");
    near(age.std, Math.sqrt(4.24), "std");
  });

  await t.step("mean imputation uses the mean of the values present", () => {
    const [, age] = fitted(data, "mean").state.features;
    // (16 + 17 + 19 + 22) / 4 = 18.5; filled mean 18.5, variance (6.25+2.25+0+0.25+12.25)/5.
    assert.ok(age.kind === "numeric");
    near(age.impute, 18.5, "impute");
    near(age.mean, 18.5, "mean");
    near(age.std, Math.sqrt(4.2), "std");
  });

  await t.step("a boolean is a 0/1 numeric column imputed by its median", () => {
    const [, , paid] = fitted(data).state.features;
    // Paid 1, 0, 0, 1 → median 0.5; filled 1, 0, 0, 1, 0.5 → mean 0.5, variance 0.2.
    assert.ok(paid.kind === "numeric");
    near(paid.impute, 0.5, "impute");
    near(paid.mean, 0.5, "mean");
    near(paid.std, Math.sqrt(0.2), "std");
  });

  await t.step("a category learns its seen values, sorted, and its most frequent value", () => {
    const [school] = fitted(data).state.features;
    assert.deepEqual(school, {
      name: "School",
      kind: "category",
      impute: "MS",
      categories: ["GP", "MS"],
    });
  });

  await t.step("a tie for most frequent goes to the first value in sort order", async () => {
    const tie = await tiny("School,Age,Paid,left\nMS,16,yes,no\nGP,17,no,no\n");
    const [school] = fitted(tie).state.features;
    assert.ok(school.kind === "category");
    assert.equal(school.impute, "GP");
  });

  await t.step("an odd count takes the middle value as median", async () => {
    const odd = await tiny("School,Age,Paid,left\nGP,22,yes,no\nGP,15,no,no\nGP,17,no,yes\n");
    const [, age] = fitted(odd).state.features;
    assert.ok(age.kind === "numeric");
    assert.equal(age.impute, 17);
  });

  await t.step("a constant column scales by 1 instead of dividing by zero", async () => {
    const flat = await tiny("School,Age,Paid,left\nGP,17,yes,no\nGP,17,no,no\n");
    const pre = fitted(flat);
    const [, age] = pre.state.features;
    assert.ok(age.kind === "numeric");
    assert.equal(age.std, 1);
    assert.ok(pre.transform(flat).x.every(Number.isFinite));
  });

  await t.step("the names and groups of the encoded columns follow the features", () => {
    const pre = fitted(data);
    assert.equal(pre.width, 4);
    assert.deepEqual(pre.outputNames, ["School=GP", "School=MS", "Age", "Paid"]);
    assert.deepEqual(pre.groups, [
      { feature: "School", start: 0, end: 2 },
      { feature: "Age", start: 2, end: 3 },
      { feature: "Paid", start: 3, end: 4 },
    ]);
  });

  await t.step("a column with no value in the training rows cannot be fitted", async () => {
    const empty = await tiny("School,Age,Paid,left\nGP,,yes,no\nMS,,no,no\n");
    assert.throws(() => fitted(empty), (error: unknown) => {
      assert.ok(error instanceof SchemaError);
      assert.match(error.message, /column "Age" has no values/);
      return true;
    });
  });
});

Deno.test("Preprocessor.fit() learns only from the rows it is given", async (t) => {
  const data = await tiny();
  const train = takeRows(data, TRAIN);

  await t.step("values only in other rows change neither categories nor scaling", async () => {
    // Rows 5 and 6 (XX, age 15) are left out; changing them must not matter.
    const changed = await tiny(
      CSV.replace("XX,15,yes,yes\nXX,15,no,no", "GP,22,no,no\nGP,22,no,no"),
    );
    const a = fitted(train).state;
    const b = fitted(takeRows(changed, TRAIN)).state;
    assert.deepEqual(a, b);
    const [school] = a.features;
    assert.ok(school.kind === "category" && !school.categories.includes("XX"));
  });

  await t.step("fitting on every row learns something else (the check above can fail)", () => {
    const all = fitted(data).state;
    assert.notDeepEqual(all, fitted(train).state);
  });

  await t.step("fit() leaves the parameters as given", () => {
    const pre = new Preprocessor({ features: FEATURES });
    const before = structuredClone(pre.params);
    pre.fit(train);
    assert.deepEqual(pre.params, before);
  });
});

Deno.test("Preprocessor encodes unseen categories as zeros and reports them", async (t) => {
  const data = await tiny();
  const pre = fitted(takeRows(data, TRAIN));

  await t.step("transformRow() gives a zero one-hot group and names the feature", () => {
    const encoded = pre.transformRow({ School: "XX", Age: 18.4, Paid: 1 });
    assert.deepEqual(Array.from(encoded.vector.subarray(0, 2)), [0, 0]);
    assert.deepEqual(encoded.unknown, ["School"]);
    assert.deepEqual(encoded.imputed, []);
    near(encoded.vector[2], 0, "Age at the mean");
  });

  await t.step("transform() gives the same zeros for the same rows", () => {
    const { x, width } = pre.transform(takeRows(data, [5, 6]));
    assert.deepEqual(Array.from(x.subarray(0, 2)), [0, 0]);
    assert.deepEqual(Array.from(x.subarray(width, width + 2)), [0, 0]);
  });

  await t.step("a missing value is imputed and reported, by both paths", () => {
    const encoded = pre.transformRow({ School: null, Age: 17 });
    assert.deepEqual(encoded.imputed, ["School", "Paid"]);
    assert.deepEqual(encoded.unknown, []);
    assert.deepEqual(Array.from(encoded.vector.subarray(0, 2)), [0, 1]);
    near(encoded.vector[3], 0, "Paid imputed at its mean");
    const { imputed } = pre.transform(data);
    assert.deepEqual(imputed, { School: 1, Age: 1, Paid: 1 });
  });
});

Deno.test("Preprocessor.toJSON() → fromJSON() gives identical transforms", async () => {
  const data = await tiny();
  const pre = fitted(takeRows(data, TRAIN), "mean");
  const json = JSON.parse(JSON.stringify(pre.toJSON()));
  const restored = Preprocessor.fromJSON(json, SPEC.columns);
  assert.deepEqual(restored.toJSON(), pre.toJSON());
  assert.equal(restored.params.numericImpute, "mean");
  assert.deepEqual(restored.transform(data), pre.transform(data));
  const row = { School: "XX", Age: null, Paid: 1 };
  assert.deepEqual(restored.transformRow(row), pre.transformRow(row));
  assert.throws(
    () => Preprocessor.fromJSON(json, SPEC.columns.filter((c) => c.name !== "Age")),
    (error: unknown) => error instanceof SchemaError && /column "Age"/.test(error.message),
  );
});

Deno.test("Preprocessor.transform() is pure", async (t) => {
  const data = await tiny();
  const pre = fitted(takeRows(data, TRAIN));

  await t.step("neither fit() nor transform() changes the dataset", () => {
    const before = structuredClone(data);
    fitted(data);
    pre.transform(data);
    assert.deepEqual(data, before);
  });

  await t.step("transformRow() does not change the record", () => {
    const row = { School: null, Age: 17, Paid: null };
    pre.transformRow(row);
    assert.deepEqual(row, { School: null, Age: 17, Paid: null });
  });

  await t.step("the same input gives the same output twice", () => {
    assert.deepEqual(pre.transform(data), pre.transform(data));
  });

  await t.step("a dataset without a feature column cannot be encoded", () => {
    const { Age: _, ...cells } = data.cells;
    assert.throws(
      () => pre.transform({ ...data, cells }),
      (error: unknown) =>
        error instanceof SchemaError && /column "Age" is missing/.test(error.message),
    );
  });
});

Deno.test("transform() and transformRow() give the same numbers on the real data", async () => {
  const spec = await loadSpec(`${ROOT}/data/specs/student_dropout.json`);
  const data = await loadDataset(resolveDataPath(undefined, ROOT), spec);
  const features = profileOf(spec, "early-A").profile.features.map((f) => column(spec, f));
  const split = stratifiedSplit(data.labels, { seed: 3 });
  const pre = new Preprocessor({ features }).fit(takeRows(data, split.train));
  const { x, rows, width } = pre.transform(data);
  assert.equal(rows, 649);
  assert.equal(width, pre.outputNames.length);
  for (let r = 0; r < rows; r++) {
    const row = Object.fromEntries(features.map((f) => [f.name, data.cells[f.name][r]]));
    const { vector } = pre.transformRow(row);
    assert.deepEqual(vector, x.subarray(r * width, (r + 1) * width), `row ${r + 1}`);
  }
});

Deno.test("learnCuts() finds the split with the lowest Gini impurity, by hand", async (t) => {
  await t.step("a clean step at 10 gives the midpoint 9.5", () => {
    // values 7 8 9 | 10 11 12 with labels 1 1 1 | 0 0 0: the cut between 9 and 10 leaves both sides pure.
    assert.deepEqual(learnCuts([12, 7, 10, 9, 11, 8], [0, 1, 0, 1, 0, 1], 1), [9.5]);
  });
  await t.step("the k best cuts come back in ascending order; ties go to the lower cut", () => {
    // Values 1..5 with labels 1 1 0 0 1: parent Gini 2·0.6·0.4 = 0.48. Weighted child Gini per cut:
    // 1.5 → 4/5·0.5 = 0.4 (gain 0.08); 2.5 → 3/5·4/9 = 0.2667 (gain 0.2133);
    // 3.5 → (3·4/9 + 2·0.5)/5 = 0.4667 (gain 0.0133); 4.5 → 4/5·0.5 = 0.4 (gain 0.08).
    // Best two: 2.5, then 1.5 and 4.5 tie and the lower wins.
    assert.deepEqual(learnCuts([1, 2, 3, 4, 5], [1, 1, 0, 0, 1], 2), [1.5, 2.5]);
  });
  await t.step("a constant column or one class gives no cut", () => {
    assert.deepEqual(learnCuts([3, 3, 3], [0, 1, 0], 1), []);
    assert.deepEqual(learnCuts([1, 2, 3], [0, 0, 0], 1), []);
  });
});

Deno.test("Preprocessor with cuts adds an indicator per learned cut, in the feature's group", () => {
  const age = { name: "Age", type: "integer" as const, min: 0, max: 100 };
  const data = {
    source: "t",
    sha256: "",
    rows: 6,
    columns: [age],
    cells: { Age: [7, 8, 9, 10, 11, 12] },
    labels: Uint8Array.from([1, 1, 1, 0, 0, 0]),
    extra: {},
  };
  const pre = new Preprocessor({ features: [age], cuts: 1 }).fit(data);
  assert.deepEqual(pre.outputNames, ["Age", "Age>=9.5"]);
  assert.deepEqual(pre.groups, [{ feature: "Age", start: 0, end: 2 }]);
  const { x } = pre.transform(data);
  assert.deepEqual(Array.from({ length: 6 }, (_, r) => x[r * 2 + 1]), [0, 0, 0, 1, 1, 1]);
  const again = Preprocessor.fromJSON(JSON.parse(JSON.stringify(pre.toJSON())), [age]);
  assert.deepEqual(again.transformRow({ Age: 9 }).vector, pre.transformRow({ Age: 9 }).vector);
  assert.throws(() => new Preprocessor({ features: [age], cuts: 7 }), /"cuts": 7/);
});

Deno.test("Preprocessor with select keeps the k features with the best single split, by hand", async (t) => {
  const noise = { name: "Noise", type: "integer" as const, min: 0, max: 9 };
  const school = { name: "School", type: "category" as const, values: ["GP", "MS", "XX"] };
  const age = { name: "Age", type: "integer" as const, min: 0, max: 100 };
  const features = [noise, school, age];
  const data = {
    source: "t",
    sha256: "",
    rows: 6,
    columns: features,
    cells: {
      Noise: [1, 2, 1, 2, 1, 2],
      School: ["GP", "GP", "MS", "MS", "MS", "XX"],
      Age: [7, 8, 9, 10, 11, 12],
    },
    labels: Uint8Array.from([1, 1, 1, 0, 0, 0]),
    extra: {},
  };
  // Parent Gini 2·0.5·0.5 = 0.5. Age splits cleanly at 9.5: gain 0.5. School's best one-against-the-
  // rest split is GP: {1, 1} pure, the other four {1, 0, 0, 0} 2·0.25·0.75 = 0.375 weighted 4/6, so
  // gain 0.5 − 0.25 = 0.25 (MS gains 0.0556, XX 0.1). Noise: both halves {1, 1, 0} and {1, 0, 0}
  // have Gini 4/9, so gain 0.5 − 4/9 = 0.0556.
  const pre = new Preprocessor({ features, select: 2 }).fit(data);
  await t.step("the ranking holds every feature's gain, highest first", () => {
    const ranking = pre.state.ranking!;
    assert.deepEqual(ranking.map((r) => r.feature), ["Age", "School", "Noise"]);
    near(ranking[0].gain, 0.5, "Age");
    near(ranking[1].gain, 0.25, "School");
    near(ranking[2].gain, 0.5 - 4 / 9, "Noise");
  });
  await t.step("the kept features stay in the profile's order and alone make the encoding", () => {
    assert.deepEqual(pre.outputNames, ["School=GP", "School=MS", "School=XX", "Age"]);
    assert.deepEqual(pre.groups.map((g) => g.feature), ["School", "Age"]);
    const row = pre.transformRow({ Noise: 9, School: "MS", Age: 9 });
    assert.deepEqual(row.imputed, []);
    assert.equal(row.vector.length, 4);
  });
  await t.step("toJSON() → fromJSON() keeps the selection", () => {
    const again = Preprocessor.fromJSON(JSON.parse(JSON.stringify(pre.toJSON())), features);
    assert.deepEqual(again.outputNames, pre.outputNames);
    assert.deepEqual(again.state.ranking, pre.state.ranking);
    assert.equal(again.params.select, 2);
  });
  await t.step("select 0, or at least the number of features, keeps them all", () => {
    for (const select of [0, 3, 9]) {
      const all = new Preprocessor({ features, select }).fit(data);
      assert.deepEqual(all.groups.map((g) => g.feature), ["Noise", "School", "Age"]);
      assert.equal(all.state.ranking, undefined);
    }
  });
  await t.step("a bad value, or data without labels, is refused by name", () => {
    assert.throws(() => new Preprocessor({ features, select: -1 }), /"select": -1/);
    assert.throws(() => new Preprocessor({ features, select: 1.5 }), /"select": 1.5/);
    assert.throws(
      () => new Preprocessor({ features, select: 1 }).fit({ ...data, labels: new Uint8Array() }),
      (e) => e instanceof InputError && /"select" ranks features by the labels/.test(e.message),
    );
  });
});
