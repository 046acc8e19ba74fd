import assert from "node:assert/strict";
import { choices, helpText } from "./predict.js";

Deno.test("the predict form's help and choices come from the data dictionary", () => {
  const age = {
    name: "Age",
    type: "integer" as const,
    description: "Age in years",
    min: 15,
    max: 22,
  };
  assert.equal(helpText(age, ""), "Age in years. A whole number 15–22");
  assert.equal(
    helpText({ ...age, name: "Final_Grade" }, "known only with the outcome"),
    "Age in years. A whole number 15–22. Leak: known only with the outcome",
  );
  assert.equal(choices(age), undefined);
  assert.deepEqual(choices({ name: "Edu", type: "ordinal", values: [0, 1, 2] }), ["0", "1", "2"]);
  assert.deepEqual(
    choices({ name: "Paid", type: "boolean", true_values: ["yes"], false_values: ["no"] }),
    ["yes", "no"],
  );
});
