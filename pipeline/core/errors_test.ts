import assert from "node:assert/strict";
import { formatIssue, GateError, PipelineError, SchemaError, shownValue } from "./errors.ts";

Deno.test("formatIssue() names the row, the header or neither, then the value and the expectation", async (t) => {
  await t.step("a data row", () => {
    assert.equal(
      formatIssue({ row: 5, column: "Age", value: "abc", expected: "an integer 15–22" }),
      'Row 5, column "Age": "abc", expected an integer 15–22',
    );
  });
  await t.step("row 0 is the header", () => {
    assert.equal(
      formatIssue({ row: 0, column: "Study_Time", expected: "this column in the header" }),
      'Header, column "Study_Time": expected this column in the header',
    );
  });
  await t.step("a record field without a row", () => {
    assert.equal(
      formatIssue({ column: "School", value: "XX", expected: "one of GP, MS" }),
      'Column "School": "XX", expected one of GP, MS',
    );
  });
});

Deno.test("SchemaError keeps at most MAX_ISSUES issues and the true total", () => {
  const issues = Array.from({ length: 70 }, (_, i) => ({ row: i + 1, expected: "x" }));
  const error = new SchemaError("Bad", issues, { total: 70 });
  assert.equal(error.issues.length, SchemaError.MAX_ISSUES);
  assert.equal(error.total, 70);
  assert.ok(error instanceof PipelineError);
  assert.equal(new GateError("Refused").name, "GateError");
});

Deno.test("shownValue() keeps short values and cuts long ones, noting their length", () => {
  assert.equal(shownValue("abc"), "abc");
  assert.equal(shownValue(42), 42);
  assert.deepEqual(shownValue({ a: 1 }), { a: 1 });
  assert.equal(shownValue("y".repeat(65)), `${"y".repeat(64)}… (65 characters)`);
  const long = shownValue(Array.from({ length: 100 }, (_, i) => i)) as string;
  assert.ok(long.startsWith("[0,1,2,"), long);
  assert.ok(long.endsWith(` (${JSON.stringify([...Array(100).keys()]).length} characters)`), long);
});
