import assert from "node:assert/strict";
import { csvField } from "../core/mod.ts";
import { type Reason, reasonText } from "../explain/mod.ts";
import { reasonCells } from "./_score_chunk.ts";

Deno.test("reasonCells() writes what csvField(reasonText()) writes, for any input and value", () => {
  const features = [
    "Age",
    "=cmd",
    "-x",
    "+y",
    "@z",
    "\tTab",
    "a,b",
    'say "hi"',
    "",
    "raises risk ",
  ];
  const values: Reason["value"][] = [
    17,
    -3.5,
    0,
    null,
    "yes",
    "10-20%",
    "a,b",
    'q"uote',
    "line\nbreak",
    "=SUM(A1)",
    "x raises risk y",
    "",
  ];
  const cell = reasonCells();
  for (const feature of features) {
    for (const value of values) {
      for (const contribution of [0.123, -0.0456, 0.0001, -0.5, 0]) {
        const reason: Reason = {
          feature,
          value,
          contribution,
          direction: contribution >= 0 ? "raises" : "lowers",
        };
        // Twice: once learning the input's value, once from what it learned.
        assert.equal(cell(reason), csvField(reasonText(reason)), JSON.stringify(reason));
        assert.equal(cell(reason), csvField(reasonText(reason)), JSON.stringify(reason));
      }
    }
  }
});

Deno.test("reasonCells() writes past its cache when an input brings a value per student", () => {
  const cell = reasonCells();
  for (let i = 0; i < 5000; i++) {
    const reason: Reason = {
      feature: "income",
      value: i + 0.5,
      contribution: 0.01,
      direction: "raises",
    };
    assert.equal(cell(reason), csvField(reasonText(reason)));
  }
});
