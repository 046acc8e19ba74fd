import assert from "node:assert/strict";
import { correlationMatrix, featureNames, featureRates } from "../mod.ts";
import { FIGURE_SPEC as spec, figureData } from "../testdata/figures_fixture.ts";

Deno.test("featureNames() lists the columns but the target", async () => {
  assert.deepEqual(featureNames(await figureData(), spec), ["campus", "grade", "club", "gpa"]);
});

Deno.test("featureRates() counts the positive class per value of a category", async () => {
  const rates = featureRates(await figureData(), spec, "campus");
  assert.equal(rates.kind, "values");
  assert.deepEqual(
    rates.groups.map((g) => [g.label, g.count, g.positives, g.rate]),
    [["north", 4, 3, 0.75], ["south", 4, 1, 0.25], ["east", 4, 0, 0]],
  );
  assert.deepEqual(rates.total, { count: 12, positives: 4, rate: 4 / 12 });
  assert.equal(rates.perfectCut, undefined);
});

Deno.test("featureRates() finds the cut that separates the classes and counts missing cells", async () => {
  const rates = featureRates(await figureData(), spec, "grade");
  assert.equal(rates.missing, 1);
  assert.equal(rates.total.count, 11);
  assert.deepEqual(rates.perfectCut, {
    at: 10,
    lastBelow: 9,
    below: { rate: 1, count: 4 },
    above: { rate: 0, count: 7 },
  });
  // 4..16 spans 13 values, more than the 12 kept as values: one bin per integer.
  assert.equal(rates.kind, "bins");
  assert.equal(rates.groups.length, 13);
  assert.ok(Number.isNaN(rates.groups.find((g) => g.label === "5")!.rate));
});

Deno.test("correlationMatrix() is symmetric with a unit diagonal and the phi coefficient", async () => {
  const { names, matrix } = correlationMatrix(await figureData(), spec);
  // campus has three values and is left out; the label comes last.
  assert.deepEqual(names, ["grade", "club", "gpa", "withdrew"]);
  for (let i = 0; i < names.length; i++) {
    assert.ok(Math.abs(matrix[i][i] - 1) < 1e-12);
    for (let j = 0; j < names.length; j++) assert.equal(matrix[i][j], matrix[j][i]);
  }
  // club × withdrew: n11 = 1, n10 = 5, n01 = 3, n00 = 3 → (3 − 15) / √(6·6·4·8) = −1 / (2√2).
  assert.ok(Math.abs(matrix[1][3] + 1 / (2 * Math.SQRT2)) < 1e-12);
});
