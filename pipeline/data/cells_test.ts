import assert from "node:assert/strict";
import { expectation, readCell, readRecord } from "./cells.ts";
import { type ColumnSpec, SchemaError } from "../mod.ts";

const SCHOOL: ColumnSpec = { name: "School", type: "category", values: ["GP", "MS"] };
const STUDY: ColumnSpec = { name: "Study_Time", type: "ordinal", values: [1, 2, 3, 4] };
const AGE: ColumnSpec = { name: "Age", type: "integer", min: 15, max: 22 };
const GPA: ColumnSpec = { name: "gpa", type: "number", min: 0, max: 4 };
const PAID: ColumnSpec = {
  name: "Paid",
  type: "boolean",
  true_values: ["yes"],
  false_values: ["no"],
};
const COLUMNS = [SCHOOL, STUDY, AGE, GPA, PAID];

/** Asserts that reading `raw` fails and the reason is the column's expectation. */
function assertRejected(col: ColumnSpec, raw: unknown): void {
  assert.deepEqual(
    readCell(col, raw),
    { ok: false, expected: expectation(col) },
    `${JSON.stringify(raw)} should not read as ${col.type} ${col.name}`,
  );
}

function assertRead(col: ColumnSpec, raw: unknown, value: string | number | null): void {
  assert.deepEqual(readCell(col, raw), { ok: true, value }, `reading ${JSON.stringify(raw)}`);
}

/** Runs `call`, asserts it throws a SchemaError and returns it. */
function schemaErrorOf(call: () => unknown): SchemaError {
  try {
    call();
  } catch (error) {
    assert.ok(error instanceof SchemaError, `expected a SchemaError, got ${error}`);
    return error;
  }
  assert.fail("expected a SchemaError, nothing was thrown");
}

Deno.test("readCell() reads each column type and nothing else", async (t) => {
  await t.step("a category accepts its values exactly, as strings", () => {
    assertRead(SCHOOL, "GP", "GP");
    assertRead(SCHOOL, "MS", "MS");
    assertRejected(SCHOOL, "gp");
    assertRejected(SCHOOL, "XX");
    assertRejected(SCHOOL, 1);
    assertRejected(SCHOOL, true);
  });

  await t.step("an ordinal accepts its listed integers from text or numbers", () => {
    assertRead(STUDY, "3", 3);
    assertRead(STUDY, 4, 4);
    assertRejected(STUDY, "5");
    assertRejected(STUDY, 0);
    assertRejected(STUDY, "3.0");
    assertRejected(STUDY, 2.5);
  });

  await t.step("an integer accepts whole numbers inside its range, bounds included", () => {
    assertRead(AGE, "15", 15);
    assertRead(AGE, "22", 22);
    assertRead(AGE, " 17 ", 17);
    assertRead(AGE, "+18", 18);
    assertRead(AGE, 19, 19);
    assertRejected(AGE, "14");
    assertRejected(AGE, "23");
    assertRejected(AGE, 17.5);
  });

  await t.step("a number accepts decimals and exponents inside its range", () => {
    assertRead(GPA, "3.25", 3.25);
    assertRead(GPA, ".5", 0.5);
    assertRead(GPA, "4", 4);
    assertRead(GPA, "2e0", 2);
    assertRead(GPA, 0, 0);
    assertRejected(GPA, "4.01");
    assertRejected(GPA, "-0.1");
  });

  await t.step("a boolean accepts the spec's spellings and JSON booleans as 1 and 0", () => {
    assertRead(PAID, "yes", 1);
    assertRead(PAID, "no", 0);
    assertRead(PAID, true, 1);
    assertRead(PAID, false, 0);
    assertRead(PAID, 1, 1);
    assertRead(PAID, 0, 0);
    assertRejected(PAID, 2);
    assertRejected(PAID, "true");
  });

  await t.step("a JSON boolean is not a value of any other column type", () => {
    for (const col of [SCHOOL, STUDY, AGE, GPA]) assertRejected(col, true);
  });
});

Deno.test("readCell() coerces nothing silently", async (t) => {
  await t.step('"3.0" is not an integer and "3,5" is not a number', () => {
    assertRejected(AGE, "17.0");
    assertRejected(STUDY, "3.0");
    assertRejected(GPA, "3,5");
  });

  await t.step('"Yes" is not "yes", though surrounding blanks are trimmed', () => {
    assertRejected(PAID, "Yes");
    assertRejected(PAID, "YES");
    assertRejected(SCHOOL, "Gp");
    assertRead(SCHOOL, " GP ", "GP");
  });

  await t.step("NaN, Infinity and huge numbers are out of range", () => {
    const unbounded: ColumnSpec = { name: "x", type: "number" };
    for (const raw of ["NaN", "Infinity", "-Infinity", "1e309", NaN, Infinity, -Infinity]) {
      assertRejected(unbounded, raw);
      assertRejected(GPA, raw);
      assertRejected(AGE, raw);
    }
    assertRejected(GPA, "1e308");
    assertRejected(GPA, 1e308);
    assertRejected(AGE, 1e308);
  });

  await t.step("an integer beyond 2^53 is rejected rather than rounded", () => {
    const count: ColumnSpec = { name: "count", type: "integer" };
    assertRead(count, "9007199254740991", 9007199254740991);
    assertRejected(count, "9007199254740993");
    assertRejected(count, 1e308);
  });

  await t.step("hexadecimal, binary and padded-word spellings are not numbers", () => {
    for (const raw of ["0x10", "0b1", "1_000", "16 years", "1 7"]) {
      assertRejected(AGE, raw);
      assertRejected(GPA, raw);
    }
  });

  await t.step("objects and arrays are not cells", () => {
    for (const col of COLUMNS) {
      assertRejected(col, {});
      assertRejected(col, [1]);
    }
  });
});

Deno.test("readCell() reads a missing value as null in every column type", async (t) => {
  for (const raw of [null, undefined, "", "   "]) {
    await t.step(`${JSON.stringify(raw) ?? "undefined"} is missing`, () => {
      for (const col of COLUMNS) assertRead(col, raw, null);
    });
  }
});

Deno.test("expectation() describes what a column accepts", () => {
  assert.equal(expectation(SCHOOL), "one of GP, MS");
  assert.equal(expectation(STUDY), "one of 1, 2, 3, 4");
  assert.equal(expectation(AGE), "an integer 15–22");
  assert.equal(expectation(PAID), "one of yes, no");
  assert.equal(expectation({ name: "n", type: "integer", min: 0 }), "an integer >= 0");
  assert.equal(expectation({ name: "n", type: "number", max: 1 }), "a number <= 1");
  assert.equal(expectation({ name: "n", type: "number" }), "a number");
});

Deno.test("readRecord() types a valid record", async (t) => {
  await t.step("form strings and JSON values read the same way", () => {
    const fromForm = readRecord(COLUMNS, {
      School: "MS",
      Study_Time: "2",
      Age: "17",
      gpa: "3.5",
      Paid: "yes",
    });
    const fromJson = readRecord(COLUMNS, {
      School: "MS",
      Study_Time: 2,
      Age: 17,
      gpa: 3.5,
      Paid: true,
    });
    const expected = { School: "MS", Study_Time: 2, Age: 17, gpa: 3.5, Paid: 1 };
    assert.deepEqual(fromForm, expected);
    assert.deepEqual(fromJson, expected);
  });

  await t.step("absent and empty fields read as null (to be imputed)", () => {
    assert.deepEqual(readRecord(COLUMNS, { Age: 16, gpa: "" }), {
      School: null,
      Study_Time: null,
      Age: 16,
      gpa: null,
      Paid: null,
    });
  });
});

Deno.test("readRecord() names every field at fault", async (t) => {
  await t.step("an invalid value is named with its value and expectation", () => {
    const error = schemaErrorOf(() => readRecord(COLUMNS, { Age: "abc", Paid: "Yes" }));
    assert.match(error.message, /Age/);
    assert.match(error.message, /Paid/);
    assert.deepEqual(error.issues, [
      { column: "Age", value: "abc", expected: "an integer 15–22" },
      { column: "Paid", value: "Yes", expected: "one of yes, no" },
    ]);
    assert.equal(error.total, 2);
  });

  await t.step("an unexpected field is rejected and the valid fields are listed", () => {
    const error = schemaErrorOf(() => readRecord(COLUMNS, { Age: 17, Shoe_Size: 42 }));
    assert.equal(error.issues.length, 1);
    assert.equal(error.issues[0].column, "Shoe_Size");
    assert.match(error.issues[0].expected, /no such field/);
    assert.match(error.issues[0].expected, /School, Study_Time, Age, gpa, Paid/);
    assert.match(error.message, /Shoe_Size/);
  });

  await t.step("allowExtra ignores unexpected fields and leaves them out of the row", () => {
    const row = readRecord(COLUMNS, { Age: 17, Shoe_Size: 42 }, { allowExtra: true });
    assert.equal(row.Age, 17);
    assert.ok(!("Shoe_Size" in row));
  });

  await t.step("allowExtra still rejects invalid values of known fields", () => {
    const error = schemaErrorOf(() =>
      readRecord(COLUMNS, { Age: 99, Shoe_Size: 42 }, { allowExtra: true })
    );
    assert.deepEqual(error.issues.map((i) => i.column), ["Age"]);
  });

  await t.step("requireAll names every absent field as missing", () => {
    const error = schemaErrorOf(() =>
      readRecord(COLUMNS, { School: "GP", Age: 17 }, { requireAll: true })
    );
    assert.deepEqual(error.issues.map((i) => i.column), ["Study_Time", "gpa", "Paid"]);
    assert.ok(error.issues.every((i) => i.expected.startsWith("a value (")));
    assert.match(error.message, /Study_Time, gpa, Paid/);
  });

  await t.step("requireAll accepts a record carrying every field", () => {
    const row = readRecord(
      COLUMNS,
      { School: "GP", Study_Time: 1, Age: 17, gpa: 2, Paid: "no" },
      { requireAll: true },
    );
    assert.deepEqual(row, { School: "GP", Study_Time: 1, Age: 17, gpa: 2, Paid: 0 });
  });

  await t.step("missing, unexpected and invalid fields are all reported at once", () => {
    const error = schemaErrorOf(() =>
      readRecord(COLUMNS, { School: "XX", Age: 17, gpa: 2, Paid: "no", Extra: 1 }, {
        requireAll: true,
      })
    );
    assert.deepEqual(error.issues.map((i) => i.column), ["School", "Study_Time", "Extra"]);
    assert.equal(error.total, 3);
  });

  await t.step("something other than a JSON object is rejected", () => {
    for (const raw of [null, 17, "Age=17", [{ Age: 17 }]]) {
      const error = schemaErrorOf(() => readRecord(COLUMNS, raw));
      assert.match(error.message, /expected a JSON object/);
    }
  });
});
