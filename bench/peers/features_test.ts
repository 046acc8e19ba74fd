import assert from "node:assert/strict";
import { loadDataset, loadSpec, repeatedStratifiedKFold } from "../../pipeline/mod.ts";
import { featureTable, foldAssignment, writeExchange } from "./features.ts";
import { makeTinySchool } from "./testdata/make_fixture.ts";

const HERE = new URL(".", import.meta.url).pathname;
const spec = await loadSpec(`${HERE}testdata/tiny_school.json`);
const data = await loadDataset(`${HERE}testdata/tiny_school.csv`, spec);

Deno.test("make_fixture.ts reproduces the committed tiny_school.csv byte for byte", async () => {
  assert.equal(makeTinySchool(), await Deno.readTextFile(`${HERE}testdata/tiny_school.csv`));
});

Deno.test("featureTable() encodes a profile's inputs for the peers", async (t) => {
  const table = featureTable(data, spec, "all");

  await t.step("the leak column is dropped and categories are one-hot in spec order", () => {
    assert.deepEqual(table.features, ["campus", "year", "gpa", "failed", "scholarship"]);
    assert.deepEqual(table.names, [
      "campus=east",
      "campus=north",
      "campus=south",
      "year",
      "gpa",
      "failed",
      "scholarship",
    ]);
  });

  await t.step("row 1 reads east,1,2.53,0,no and row 2 south,1,2.22,0,yes", () => {
    assert.deepEqual(table.rows[0], [1, 0, 0, 1, 2.53, 0, 0]);
    assert.deepEqual(table.rows[1], [0, 0, 1, 1, 2.22, 0, 1]);
  });

  await t.step("a blank cell is NaN", () => {
    // make_fixture.ts leaves gpa blank in rows 7, 32, 57 and 82 (0-based).
    assert.ok(Number.isNaN(table.rows[7][4]));
    assert.equal(table.rows.filter((r) => Number.isNaN(r[4])).length, 4);
  });

  await t.step("another profile reads only its own columns", () => {
    const small = featureTable(data, spec, "no-campus");
    assert.deepEqual(small.names, ["gpa", "failed"]);
    assert.equal(small.rows.length, 100);
  });
});

Deno.test("foldAssignment() gives every row its test fold in each run", () => {
  const plan = repeatedStratifiedKFold(data.labels, { folds: 4, runs: 2, seed: 9 });
  const foldOf = foldAssignment(plan, data.rows);
  assert.equal(foldOf.length, 2);
  for (const fold of plan) {
    assert.ok(fold.test.every((row) => foldOf[fold.run][row] === fold.fold));
    assert.ok(fold.train.every((row) => foldOf[fold.run][row] !== fold.fold));
  }
  assert.throws(() => foldAssignment(plan.slice(1), data.rows), /row \d+ is in no test fold/);
});

Deno.test("writeExchange() writes a CSV and the folds that read back as written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const table = featureTable(data, spec, "all");
    const foldOf = foldAssignment(
      repeatedStratifiedKFold(data.labels, { folds: 3, runs: 1, seed: 1 }),
      data.rows,
    );
    await writeExchange(dir, { table, labels: data.labels, foldOf, seed: 1 });
    const lines = (await Deno.readTextFile(`${dir}/features.csv`)).trimEnd().split("\n");
    assert.equal(lines.length, 101);
    assert.equal(lines[0], table.names.join(","));
    assert.equal(lines[1], "1,0,0,1,2.53,0,0");
    assert.equal(lines[8].split(",")[4], "nan");
    const folds = JSON.parse(await Deno.readTextFile(`${dir}/folds.json`));
    assert.deepEqual(folds, { labels: Array.from(data.labels), fold_of: foldOf, seed: 1 });
    await assert.rejects(
      () => writeExchange(dir, { table, labels: data.labels.slice(1), foldOf, seed: 1 }),
      /100 rows, 99 labels/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
