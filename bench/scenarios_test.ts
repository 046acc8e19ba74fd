import assert from "node:assert/strict";
import { loadSpec, resolveDataPath } from "../pipeline/mod.ts";
import { buildBodies, CEILING, SCENARIOS, selectScenarios } from "./scenarios.ts";

const ROOT = new URL("../", import.meta.url).pathname;

Deno.test("The scenarios are the issue's five, the ceiling first, plus predictions without reasons", () => {
  assert.deepEqual(SCENARIOS.map((s) => [s.name, s.connections]), [
    ["ceiling", 30],
    ["predict-c30", 30],
    ["predict-c256", 256],
    ["compat-form-c30", 30],
    ["predict-batch100", 30],
    ["predict-noreasons-c30", 30],
  ]);
  const ceiling = SCENARIOS[0];
  const predict = SCENARIOS[1];
  assert.equal(ceiling.body, predict.body, "the ceiling sends the same body");
});

Deno.test("selectScenarios() keeps the ceiling with any scenario and names an unknown one", () => {
  assert.deepEqual(selectScenarios(["predict-c256"]).map((s) => s.name), [CEILING, "predict-c256"]);
  assert.deepEqual(selectScenarios([CEILING]).map((s) => s.name), [CEILING]);
  assert.equal(selectScenarios([]).length, SCENARIOS.length);
  assert.throws(
    () => selectScenarios(["nope"]),
    /Unknown scenario "nope": expected one of ceiling/,
  );
});

Deno.test("buildBodies() sends real students: the early-A fields as JSON, the seed fields as a form", async () => {
  const spec = await loadSpec(`${ROOT}data/specs/student_dropout.json`);
  const csv = await Deno.readTextFile(resolveDataPath(undefined, ROOT.replace(/\/$/, "")));
  const bodies = buildBodies(csv, spec, 42);
  assert.deepEqual(buildBodies(csv, spec, 42), bodies, "the same seed gives the same bodies");
  const student = JSON.parse(bodies.student);
  assert.deepEqual(Object.keys(student), spec.profiles["early-A"].features);
  assert.equal(typeof student.Age, "number");
  assert.equal(typeof student.School, "string");
  const form = new URLSearchParams(bodies.form);
  assert.deepEqual([...form.keys()], spec.profiles.seed.features);
  assert.equal(form.get("Grade_1"), String(student.Grade_1), "the form is the same student");
  const { students } = JSON.parse(bodies.batch100);
  assert.equal(students.length, 100);
  assert.deepEqual(students[0], student);
});
