import assert from "node:assert/strict";
import {
  binOf,
  type ColumnSpec,
  type Dataset,
  datasetDrift,
  driftCounter,
  driftReport,
  driftSummary,
  DriftUnavailableError,
  EMPTY_BIN_SHARE,
  holm,
  MIN_DRIFT_ROWS,
  psi,
  trainingDistributions,
} from "../mod.ts";

const AGE: ColumnSpec = { name: "age", type: "integer", min: 0, max: 99 };
const CAMPUS: ColumnSpec = { name: "campus", type: "category", values: ["north", "south", "east"] };
const CLUB: ColumnSpec = {
  name: "club",
  type: "boolean",
  true_values: ["yes"],
  false_values: ["no"],
};

function dataset(cells: Dataset["cells"]): Dataset {
  const rows = Object.values(cells)[0].length;
  return {
    source: "test",
    sha256: "",
    rows,
    columns: [],
    cells,
    labels: new Uint8Array(0),
    extra: {},
  };
}

Deno.test("psi() is 0 for equal shares and matches the formula by hand", () => {
  assert.equal(psi([10, 30], [20, 60]), 0);
  const expected = (0.5 - 0.9) * Math.log(0.5 / 0.9) + (0.5 - 0.1) * Math.log(0.5 / 0.1);
  assert.ok(Math.abs(psi([90, 10], [50, 50]) - expected) < 1e-12);
  // A bin empty in training counts with a share of 1e-4, not an infinite term.
  const empty = (0.5 - EMPTY_BIN_SHARE) * Math.log(0.5 / EMPTY_BIN_SHARE) +
    (0.5 - 1) * Math.log(0.5 / 1);
  assert.ok(Math.abs(psi([10, 0], [5, 5]) - empty) < 1e-12);
});

Deno.test("binOf() puts a value on an edge in the bin the edge closes", () => {
  const edges = [15, 17, 19];
  assert.deepEqual([14, 15, 16, 17, 19, 20].map((x) => binOf(edges, x)), [0, 0, 1, 1, 2, 3]);
});

Deno.test("trainingDistributions() bins numbers at distinct deciles and counts categories by value", () => {
  const ages = Array.from({ length: 20 }, (_, i) => 10 + i); // 10 … 29
  const data = dataset({
    age: [...ages, null],
    campus: [...ages.map((_, i) => (i < 15 ? "north" : "east")), null],
    club: [...ages.map((_, i) => i % 2), null],
  });
  const { rows, features: [age, campus, club] } = trainingDistributions(data, [AGE, CAMPUS, CLUB]);
  assert.equal(rows, 21);
  assert.equal(age.kind, "numeric");
  if (age.kind !== "numeric") return;
  assert.deepEqual(age.edges, [11, 13, 15, 17, 19, 21, 23, 25, 27]);
  assert.deepEqual(age.counts, [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
  assert.equal(age.missing, 1);
  // The spec's order of values, only those seen.
  assert.deepEqual(campus, {
    feature: "campus",
    kind: "category",
    values: ["north", "east"],
    counts: [15, 5],
    missing: 1,
  });
  assert.deepEqual(club, {
    feature: "club",
    kind: "category",
    values: [0, 1],
    counts: [10, 10],
    missing: 1,
  });
});

Deno.test("trainingDistributions() gives a column of few integers one bin per distinct decile", () => {
  const data = dataset({ age: [15, 15, 15, 15, 15, 16, 16, 16, 17, 18] });
  const [age] = trainingDistributions(data, [AGE]).features;
  assert.ok(age.kind === "numeric");
  assert.deepEqual(age.edges, [15, 16, 17]);
  assert.deepEqual(age.counts, [5, 3, 1, 1]);
});

Deno.test("driftReport() flags a shifted number, an unseen category and a new missing rate, not a copy", () => {
  const ages = Array.from({ length: 100 }, (_, i) => 15 + (i % 8));
  const campus = ages.map((_, i) => (i % 3 === 0 ? "north" : "south"));
  const training = dataset({ age: ages, campus, club: ages.map((_, i) => i % 2) });
  const model = { id: "m1", distributions: trainingDistributions(training, [AGE, CAMPUS, CLUB]) };

  const same = datasetDrift(model, training);
  assert.deepEqual(same.features.map((f) => f.psi), [0, 0, 0]);
  assert.deepEqual(same.drifted, []);
  assert.equal(
    driftSummary(same),
    "No input drifted among 3 (PSI >= 0.2 beyond sampling noise, p < 0.05)",
  );

  const shifted = dataset({
    age: ages.map((a) => Math.min(a + 3, 22)),
    campus: campus.map((c, i) => (i % 10 === 0 ? "east" : c)),
    club: ages.map((_, i) => (i < 40 ? null : i % 2)),
  });
  const report = datasetDrift(model, shifted);
  const [age, camp, club] = report.features;
  assert.ok(age.psi > 1, `age PSI ${age.psi}`);
  assert.equal(camp.unseen.length, 1);
  assert.deepEqual(camp.unseen, [{ value: "east", rows: 10 }]);
  assert.ok(camp.drifted, `an unseen value in 10 % of rows is drift (PSI ${camp.psi})`);
  assert.equal(club.missing_rate, 0.4);
  assert.equal(club.training_missing_rate, 0);
  assert.ok(club.drifted);
  assert.deepEqual(
    report.drifted,
    [...report.drifted].sort((a, b) =>
      report.features.find((f) => f.feature === b)!.psi -
      report.features.find((f) => f.feature === a)!.psi
    ),
  );
  // Shares of every bin add up to 1 on each side.
  for (const f of report.features) {
    assert.ok(Math.abs(f.bins.reduce((s, b) => s + b.training, 0) - 1) < 1e-9);
    assert.ok(Math.abs(f.bins.reduce((s, b) => s + b.new, 0) - 1) < 1e-9);
  }
  assert.deepEqual(camp.bins.map((b) => b.bin), ["north", "south", "unseen", "missing"]);
  assert.equal(age.bins.at(-1)!.bin, "missing");
});

Deno.test("driftReport() takes the threshold it is given", () => {
  const training = dataset({ age: Array.from({ length: 100 }, (_, i) => i % 10) });
  const counter = driftCounter({ id: "m", distributions: trainingDistributions(training, [AGE]) });
  for (let i = 0; i < 100; i++) counter.add({ age: i % 10 < 7 ? i % 10 : 0 });
  const loose = driftReport(counter, { model: "m", threshold: 5 });
  const strict = driftReport(counter, { model: "m", threshold: 0.01 });
  assert.equal(loose.features[0].psi, strict.features[0].psi);
  assert.deepEqual([loose.drifted, strict.drifted], [[], ["age"]]);
  assert.equal(counter.rows, 100);
});

Deno.test("a model without training distributions answers DriftUnavailableError naming it", () => {
  assert.throws(
    () => datasetDrift({ id: "early-A-old" }, dataset({ age: [1] })),
    (e) =>
      e instanceof DriftUnavailableError && /early-A-old predates drift statistics/.test(e.message),
  );
});

Deno.test("holm() adjusts p-values step-down and keeps their order", () => {
  assert.deepEqual(holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06]);
  assert.deepEqual(holm([0.5, 0.001]), [0.5, 0.002]);
});

Deno.test("driftReport() below the minimum of rows says too few rows to tell and flags nothing", () => {
  const training = dataset({ age: Array.from({ length: 100 }, (_, i) => i % 10) });
  const counter = driftCounter({ id: "m", distributions: trainingDistributions(training, [AGE]) });
  for (let i = 0; i < MIN_DRIFT_ROWS - 1; i++) counter.add({ age: 99 });
  const report = driftReport(counter, { model: "m" });
  assert.equal(report.too_few_rows, true);
  assert.deepEqual(report.drifted, []);
  assert.ok(report.features[0].psi > 1);
  assert.equal(driftSummary(report), "Too few rows to tell: 29 compared, drift needs at least 30");
  counter.add({ age: 99 });
  assert.deepEqual(driftReport(counter, { model: "m" }).drifted, ["age"]);
});
