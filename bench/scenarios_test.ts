import assert from "node:assert/strict";
import { loadSpec, resolveDataPath } from "../pipeline/mod.ts";
import {
  BARE,
  buildBodies,
  CEILING,
  references,
  ROUNDTRIP,
  SCENARIOS,
  selectScenarios,
  UNFRAMED,
} from "./scenarios.ts";

const ROOT = new URL("../", import.meta.url).pathname;

Deno.test("The scenarios are the issue's five, plus predictions without reasons", () => {
  assert.deepEqual(SCENARIOS.map((s) => [s.name, s.connections]), [
    ["predict-c30", 30],
    ["predict-c256", 256],
    ["compat-form-c30", 30],
    ["predict-batch100", 30],
    ["predict-noreasons-c30", 30],
  ]);
});

Deno.test("references() gives a scenario its ceiling and bare limit with the same body and connections", () => {
  const c256 = SCENARIOS[1];
  const refs = references(c256, 663);
  assert.equal(refs.length, 2);
  const [ceiling, bare] = refs;
  assert.deepEqual([ceiling.name, ceiling.path], [CEILING, "/bench/constant?bytes=663"]);
  assert.deepEqual([bare.name, bare.path], [BARE, "/?bytes=663"]);
  for (const r of [ceiling, bare]) {
    assert.equal(r.body, c256.body);
    assert.equal(r.connections, c256.connections);
  }
});

Deno.test("references() adds the bound of predict-c30 (no frame) and of predict-batch100 (parsing)", () => {
  const by = (name: string) => SCENARIOS.find((s) => s.name === name)!;
  for (
    const [name, bound, path] of [
      ["predict-c30", UNFRAMED, "/bench/unframed?bytes=698"],
      ["predict-batch100", ROUNDTRIP, "/bench/roundtrip?bytes=698"],
    ]
  ) {
    const refs = references(by(name), 698);
    assert.deepEqual(refs.map((r) => r.name), [CEILING, BARE, bound]);
    assert.equal(refs[2].path, path);
    assert.equal(refs[2].body, by(name).body);
    assert.equal(refs.some((r) => r.bound !== undefined), false);
  }
});

Deno.test("selectScenarios() picks the named scenarios and names an unknown one", () => {
  assert.deepEqual(selectScenarios(["predict-c256"]).map((s) => s.name), ["predict-c256"]);
  assert.equal(selectScenarios([]).length, SCENARIOS.length);
  assert.throws(
    () => selectScenarios(["nope"]),
    /Unknown scenario "nope": expected one of predict-c30/,
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
