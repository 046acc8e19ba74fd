import assert from "node:assert/strict";
import { classBalanceFigure, correlationFigure, featureFigure, SchemaError } from "../mod.ts";
import { FIGURE_SPEC as spec, figureData } from "../testdata/figures_fixture.ts";

// deno-lint-ignore no-explicit-any
type Trace = any;

Deno.test("featureFigure() draws counts by class above the rate per value", async (t) => {
  const { figure } = featureFigure(await figureData(), spec, "campus");
  const [negative, positive, rate] = figure.data as Trace[];
  await t.step("one bar per value and class, in spec order", () => {
    assert.deepEqual(negative.x, ["north", "south", "east"]);
    assert.deepEqual(negative.y, [1, 3, 4]);
    assert.deepEqual(positive.y, [3, 1, 0]);
    assert.equal(positive.name, "Withdrew");
  });
  await t.step("the rate in percent on the second axis", () => {
    assert.equal(rate.yaxis, "y2");
    assert.deepEqual(rate.y, [75, 25, 0]);
  });
  await t.step("the overall rate as a dashed line, and plain JSON", () => {
    const layout = figure.layout as Trace;
    assert.ok(Math.abs(layout.shapes[0].y0 - 100 / 3) < 1e-9);
    assert.deepEqual(JSON.parse(JSON.stringify(figure)), figure);
  });
});

Deno.test("featureFigure() reads a category: highest against lowest rate", async () => {
  const { interpretation } = featureFigure(await figureData(), spec, "campus");
  assert.equal(
    interpretation,
    "75.0 % of students with campus = north withdrew (3 of 4), against 0.0 % with " +
      "campus = east (0 of 4); 33.3 % overall.",
  );
});

Deno.test("featureFigure() reads a yes/no column by its spellings", async () => {
  const { figure, interpretation } = featureFigure(await figureData(), spec, "club");
  assert.deepEqual((figure.data[0] as Trace).x, ["no", "yes"]);
  assert.match(
    interpretation,
    /^50\.0 % of students with club = no withdrew \(3 of 6\), against 16\.7 % with club = yes \(1 of 6\)/,
  );
});

Deno.test("featureFigure() reads a number by its median and class means", async () => {
  const { figure, interpretation } = featureFigure(await figureData(), spec, "gpa");
  assert.equal((figure.data[0] as Trace).x.length, 20);
  assert.equal(
    interpretation,
    "Students who withdrew have a mean gpa of 1.6 against 3.14 for the others; 60.0 % of " +
      "students with gpa below 2.6 (the median) withdrew (3 of 5), against 16.7 % at 2.6 or " +
      "above (1 of 6). 1 student has no gpa value.",
  );
});

Deno.test("featureFigure() reports the jump at a separating cut and the leak", async () => {
  const { interpretation } = featureFigure(await figureData(), spec, "grade");
  assert.match(interpretation, /jumps from 100 % at grade = 9 to 0 % at grade = 10/);
  assert.match(interpretation, /every student below 10 withdrew \(4 students\)/);
  assert.match(interpretation, /marks grade as a leak column/);
});

Deno.test("featureFigure() with minGroup hides groups of fewer students", async (t) => {
  const data = await figureData();
  await t.step("values held by fewer than minGroup students are drawn empty", () => {
    const { figure, interpretation } = featureFigure(data, spec, "club", { minGroup: 7 });
    const [negative, positive, rate] = figure.data as Trace[];
    assert.deepEqual([negative.y, positive.y, rate.y], [[null, null], [null, null], [
      null,
      null,
    ]]);
    assert.match(positive.hovertext[0], /fewer than 7 students: not shown/);
    assert.doesNotMatch(interpretation, /\(\d+ of \d+\)/);
    assert.match(interpretation, /^Every club value is held by fewer than 7 students/);
  });
  await t.step("groups at the minimum are shown as before", () => {
    const { figure, interpretation } = featureFigure(data, spec, "club", { minGroup: 6 });
    assert.deepEqual((figure.data[1] as Trace).y, [3, 1]);
    assert.match(interpretation, /\(3 of 6\)/);
  });
  await t.step("a separating cut with a side under the minimum is not told", () => {
    const { interpretation } = featureFigure(data, spec, "grade", { minGroup: 5 });
    assert.doesNotMatch(interpretation, /jumps|4 students/);
  });
  await t.step("the halves of a number under the minimum give only the class means", () => {
    const { interpretation } = featureFigure(data, spec, "gpa", { minGroup: 6 });
    assert.match(interpretation, /^Students who withdrew have a mean gpa of 1\.6 against 3\.14/);
    assert.doesNotMatch(interpretation, /\(\d+ of \d+\)/);
  });
});

Deno.test("featureFigure() throws SchemaError naming the valid features", async (t) => {
  const data = await figureData();
  for (const name of ["nope", "withdrew"]) {
    await t.step(name, () => {
      assert.throws(
        () => featureFigure(data, spec, name),
        (e: unknown) =>
          e instanceof SchemaError && e.issues[0].column === name &&
          e.message === `Unknown feature "${name}": expected one of campus, grade, club, gpa`,
      );
    });
  }
});

Deno.test("classBalanceFigure() counts each class in the data and each part of a split", async () => {
  const data = await figureData();
  const split = { train: [0, 1, 3, 4, 5, 6, 7, 8], validation: [2, 9], test: [10, 11] };
  const figure = classBalanceFigure(data, spec, { split });
  const [negative, positive] = figure.data as Trace[];
  assert.deepEqual(negative.x, ["all", "train", "validation", "test"]);
  assert.deepEqual(positive.y, [4, 3, 1, 0]);
  assert.deepEqual(negative.y, [8, 5, 1, 2]);
  assert.equal((figure.layout as Trace).annotations[0].text, "33.3 % withdrew");
});

Deno.test("correlationFigure() draws the matrix rounded to three decimals", async () => {
  const heatmap = correlationFigure(await figureData(), spec).data[0] as Trace;
  assert.deepEqual(heatmap.x, ["grade", "club", "gpa", "withdrew"]);
  assert.equal(heatmap.z[1][3], -0.354);
  assert.equal(heatmap.zmin, -1);
});
