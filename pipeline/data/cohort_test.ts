import assert from "node:assert/strict";
import { InputError } from "../core/errors.ts";
import { cohortSplit, withoutInput } from "./cohort.ts";
import type { Dataset } from "./dataset.ts";
import type { DatasetSpec } from "./spec.ts";

/** Eight rows over four terms, the term carried as text as the spec's cohort is. */
const DATA: Dataset = {
  source: "terms.csv",
  sha256: "",
  rows: 8,
  columns: [],
  cells: { credits: [60, 30, 60, 120, 60, 30, 60, null] },
  labels: Uint8Array.from([1, 0, 0, 1, 1, 0, 1, 0]),
  extra: { term: ["2013B", "2013J", "2013B", "2013J", "2014B", "2014J", "2014J", null] },
};

Deno.test("cohortSplit() tests on the named cohorts and trains on every other row", async (t) => {
  await t.step(
    "rows of the tested terms are tested, the rest (a missing term too) trained on",
    () => {
      const { train, test } = cohortSplit(DATA, { column: "term", test: ["2014B", "2014J"] });
      assert.deepEqual(test, [4, 5, 6]);
      assert.deepEqual(train, [0, 1, 2, 3, 7]);
    },
  );
  await t.step("a typed column splits by its values as text", () => {
    const { test } = cohortSplit(DATA, { column: "credits", test: ["60"] });
    assert.deepEqual(test, [0, 2, 4, 6]);
  });
  await t.step("a value in no row is named with the values there are", () => {
    assert.throws(
      () => cohortSplit(DATA, { column: "term", test: ["2015B"] }),
      (e: unknown) =>
        e instanceof InputError &&
        /"2015B" not in column "term", whose values are 2013B, 2013J, 2014B, 2014J/.test(e.message),
    );
  });
  await t.step("a part with one class is refused", () => {
    assert.throws(
      () => cohortSplit(DATA, { column: "term", test: ["2014B"] }),
      /the test rows \(1\) hold one class only/,
    );
  });
  await t.step("a column not in the data is named", () => {
    assert.throws(() => cohortSplit(DATA, { column: "year", test: ["1"] }), /Column "year"/);
  });
});

Deno.test("withoutInput() leaves the split column out of the profile and the spec alone", () => {
  const spec = {
    profiles: { all: { features: ["term", "credits"] } },
    default_profile: "all",
  } as unknown as DatasetSpec;
  const out = withoutInput(spec, "term");
  assert.deepEqual(out.profiles.all.features, ["credits"]);
  assert.deepEqual(spec.profiles.all.features, ["term", "credits"]);
  assert.equal(withoutInput(spec, "other"), spec);
});
