import assert from "node:assert/strict";
import { closeFieldNames } from "../mod.ts";

Deno.test("closeFieldNames() pairs misspelt fields with the column they resemble, and no others", () => {
  assert.deepEqual(
    closeFieldNames(["Grade1", "Absences", "age", "shoe_size", "x"], [
      "Grade_1",
      "Grade_2",
      "Number_of_Absences",
      "Age",
    ]),
    [
      { field: "Grade1", known: "Grade_1" },
      { field: "Absences", known: "Number_of_Absences" },
      { field: "age", known: "Age" },
    ],
  );
  assert.deepEqual(closeFieldNames(["student_id"], ["Grade_1"]), []);
});
