import assert from "node:assert/strict";
import { column, type DatasetSpec, leaksOf, loadSpec, parseSpec, profileOf } from "./spec.ts";
import { InputError, SchemaError } from "../mod.ts";

const SPEC_PATH = new URL("../../data/specs/student_dropout.json", import.meta.url).pathname;
const COMMITTED: DatasetSpec = JSON.parse(await Deno.readTextFile(SPEC_PATH));

/** A deep copy of the committed spec, changed by `edit`. */
function edited(edit: (spec: DatasetSpec) => void): DatasetSpec {
  const spec = structuredClone(COMMITTED);
  edit(spec);
  return spec;
}

function indexOf(name: string): number {
  return COMMITTED.columns.findIndex((c) => c.name === name);
}

/** Asserts parseSpec() rejects `raw` with an issue on `field` (and the value, when given). */
function assertRejects(raw: unknown, field: string, value?: unknown): SchemaError {
  try {
    parseSpec(raw, "test.json");
  } catch (error) {
    assert.ok(error instanceof SchemaError, `expected a SchemaError, got ${error}`);
    assert.match(error.message, /^Invalid dataset spec test\.json: \d+ problem\(s\)$/);
    const issue = error.issues.find((i) => i.column === field);
    assert.ok(
      issue,
      `no issue names ${field}; got ${JSON.stringify(error.issues.map((i) => i.column))}`,
    );
    if (value !== undefined) assert.deepEqual(issue.value, value);
    return error;
  }
  assert.fail(`parseSpec() accepted a spec with a bad ${field}`);
}

Deno.test("parseSpec() accepts the committed spec as it is", async () => {
  const spec = await loadSpec(SPEC_PATH);
  assert.deepEqual(spec, COMMITTED);
  assert.equal(spec.columns.length, 34);
  assert.deepEqual(spec.target, { column: "Dropped_Out", positive: "True" });
  assert.deepEqual(spec.leak, ["Final_Grade"]);
  assert.equal(spec.default_profile, "early-A");
});

Deno.test("parseSpec() rejects a malformed spec naming the field at fault", async (t) => {
  const age = indexOf("Age");
  const study = indexOf("Study_Time");
  const school = indexOf("School");
  const paid = indexOf("Extra_Paid_Class");

  await t.step("a target column that is not in the spec", () => {
    assertRejects(edited((s) => s.target.column = "Graduated"), "target.column", "Graduated");
  });

  await t.step("a positive label the target column does not allow", () => {
    const error = assertRejects(
      edited((s) => s.target.positive = "yes"),
      "target.positive",
      "yes",
    );
    assert.match(error.issues[0].expected, /True, true, 1, False, false, 0/);
  });

  await t.step("a target that is not an object of two strings", () => {
    assertRejects(edited((s) => (s as { target: unknown }).target = "Dropped_Out"), "target");
  });

  await t.step("a profile naming a column that is not in the spec", () => {
    assertRejects(
      edited((s) => s.profiles["early-B"].features.push("Shoe_Size")),
      "profiles.early-B.features",
      "Shoe_Size",
    );
  });

  await t.step("a profile using the target as a feature", () => {
    assertRejects(
      edited((s) => s.profiles["early-C"].features.push("Dropped_Out")),
      "profiles.early-C.features",
      "Dropped_Out",
    );
  });

  await t.step("a profile listing a column twice", () => {
    assertRejects(
      edited((s) => s.profiles["early-C"].features.push("Age")),
      "profiles.early-C.features",
      "Age",
    );
  });

  await t.step("a profile without features", () => {
    assertRejects(edited((s) => s.profiles["early-C"].features = []), "profiles.early-C.features");
  });

  await t.step("two columns with the same name", () => {
    assertRejects(
      edited((s) => s.columns[age + 1] = { ...s.columns[age] }),
      `columns[${age + 1}].name`,
      "Age",
    );
  });

  await t.step("an ordinal with non-integer values", () => {
    assertRejects(
      edited((s) => s.columns[study].values = [1, 2.5, 4]),
      `columns[${study}].values`,
      [1, 2.5, 4],
    );
    assertRejects(
      edited((s) => s.columns[study].values = ["1", "2"]),
      `columns[${study}].values`,
    );
  });

  await t.step("a category whose values are not strings", () => {
    assertRejects(edited((s) => s.columns[school].values = [1, 2]), `columns[${school}].values`);
  });

  await t.step("a category or ordinal without values", () => {
    assertRejects(edited((s) => delete s.columns[school].values), `columns[${school}].values`);
    assertRejects(edited((s) => s.columns[study].values = []), `columns[${study}].values`);
  });

  await t.step("a boolean without both spellings, or with spellings that are not strings", () => {
    assertRejects(edited((s) => delete s.columns[paid].false_values), `columns[${paid}]`);
    assertRejects(
      edited((s) => (s.columns[paid] as { true_values: unknown }).true_values = [true]),
      `columns[${paid}]`,
    );
  });

  await t.step("an unknown column type", () => {
    assertRejects(
      edited((s) => (s.columns[age] as { type: string }).type = "string"),
      `columns[${age}].type`,
      "string",
    );
  });

  await t.step("a range whose min is above its max", () => {
    assertRejects(
      edited((s) => Object.assign(s.columns[age], { min: 22, max: 15 })),
      `columns[${age}].min`,
    );
  });

  await t.step("a bound that is not a number", () => {
    assertRejects(
      edited((s) => (s.columns[age] as { min: unknown }).min = "15"),
      `columns[${age}].min`,
      "15",
    );
    assertRejects(
      edited((s) => (s.columns[age] as { max: unknown }).max = "old"),
      `columns[${age}].max`,
      "old",
    );
  });

  await t.step("a column without a name", () => {
    assertRejects(edited((s) => s.columns[age].name = ""), `columns[${age}].name`);
  });

  await t.step("a leak column that is not in the spec", () => {
    assertRejects(edited((s) => s.leak.push("G3")), "leak", "G3");
  });

  await t.step("a default profile that does not exist", () => {
    assertRejects(edited((s) => s.default_profile = "early-D"), "default_profile", "early-D");
  });

  await t.step("a missing name, column list, leak list or profile set", () => {
    for (const field of ["name", "columns", "leak", "profiles"] as const) {
      assertRejects(edited((s) => delete s[field]), field);
    }
  });

  await t.step("every problem at once, not only the first", () => {
    const error = assertRejects(
      edited((s) => {
        s.target.positive = "maybe";
        s.leak.push("G3");
        s.profiles.seed.features.push("Shoe_Size");
      }),
      "leak",
    );
    assert.deepEqual(error.issues.map((i) => i.column), [
      "target.positive",
      "leak",
      "profiles.seed.features",
    ]);
    assert.equal(error.total, 3);
  });

  await t.step("something other than a JSON object", () => {
    for (const raw of [null, [], "spec", 3]) {
      assert.throws(() => parseSpec(raw, "x.json"), (error: unknown) => {
        assert.ok(error instanceof SchemaError);
        assert.match(error.message, /Cannot read x\.json: expected a JSON object/);
        return true;
      });
    }
  });
});

Deno.test("loadSpec() names the file it cannot read or parse", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    await t.step("a missing file is an InputError naming the path", async () => {
      const path = `${dir}/absent.json`;
      await assert.rejects(() => loadSpec(path), (error: unknown) => {
        assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
        assert.ok(error.message.includes(path), error.message);
        return true;
      });
    });

    await t.step("a file that is not JSON is an InputError naming the path", async () => {
      const path = `${dir}/broken.json`;
      await Deno.writeTextFile(path, '{"name": "x",');
      await assert.rejects(() => loadSpec(path), (error: unknown) => {
        assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
        assert.ok(error.message.startsWith(`Cannot parse spec file ${path}:`), error.message);
        return true;
      });
    });

    await t.step("a malformed spec is a SchemaError naming the path", async () => {
      const path = `${dir}/bad.json`;
      await Deno.writeTextFile(
        path,
        JSON.stringify(edited((s) => s.target.column = "nope")),
      );
      await assert.rejects(() => loadSpec(path), (error: unknown) => {
        assert.ok(error instanceof SchemaError, `expected a SchemaError, got ${error}`);
        assert.ok(error.message.includes(path), error.message);
        return true;
      });
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("profileOf() resolves a profile by name or default", async (t) => {
  await t.step("no name gives the default profile", () => {
    assert.equal(profileOf(COMMITTED).name, "early-A");
  });

  await t.step("a spec without a default gives its first profile", () => {
    const spec = edited((s) => delete s.default_profile);
    assert.equal(profileOf(spec).name, "early-A");
  });

  await t.step("an unknown profile is an InputError listing the valid ones", () => {
    assert.throws(() => profileOf(COMMITTED, "early-D"), (error: unknown) => {
      assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
      assert.equal(
        error.message,
        'Unknown profile "early-D": expected one of early-A, early-B, early-C, seed',
      );
      return true;
    });
  });
});

Deno.test("column() finds a column or lists the valid names", () => {
  assert.equal(column(COMMITTED, "Age").type, "integer");
  assert.throws(() => column(COMMITTED, "age"), (error: unknown) => {
    assert.ok(error instanceof SchemaError);
    assert.match(error.message, /Unknown column "age"/);
    assert.match(error.issues[0].expected, /School, Gender, Age/);
    return true;
  });
});

Deno.test("the committed spec's profiles are the published setups", async (t) => {
  const features = (name: string) => profileOf(COMMITTED, name).profile.features;
  const without = (list: string[], drop: string) => list.filter((f) => f !== drop);

  await t.step("early-A is every column but the target and Final_Grade, in file order", () => {
    const expected = COMMITTED.columns.map((c) => c.name).filter((n) =>
      n !== "Dropped_Out" && n !== "Final_Grade"
    );
    assert.equal(expected.length, 32);
    assert.deepEqual(features("early-A"), expected);
  });

  await t.step("early-B is early-A without Grade_2", () => {
    assert.deepEqual(features("early-B"), without(features("early-A"), "Grade_2"));
  });

  await t.step("early-C is early-B without Grade_1", () => {
    assert.deepEqual(features("early-C"), without(features("early-B"), "Grade_1"));
  });

  await t.step("seed is the original system's 13 inputs and uses the leak", () => {
    assert.deepEqual([...features("seed")].sort(), [
      "Address",
      "Father_Education",
      "Final_Grade",
      "Grade_1",
      "Grade_2",
      "Mother_Education",
      "Number_of_Failures",
      "Reason_for_Choosing_School",
      "School",
      "Study_Time",
      "Wants_Higher_Education",
      "Weekday_Alcohol_Consumption",
      "Weekend_Alcohol_Consumption",
    ]);
    assert.deepEqual(leaksOf(COMMITTED, profileOf(COMMITTED, "seed").profile), ["Final_Grade"]);
  });

  await t.step("no early-* profile uses a leak column", () => {
    for (const name of ["early-A", "early-B", "early-C"]) {
      assert.deepEqual(leaksOf(COMMITTED, profileOf(COMMITTED, name).profile), [], name);
    }
  });
});
