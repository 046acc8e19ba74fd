import assert from "node:assert/strict";
import { policyOption } from "./_common.ts";
import { InputError, policyText } from "../mod.ts";

Deno.test("policyOption() reads every policy and policyText() writes it back", () => {
  const fallback = { kind: "f1" as const };
  for (
    const text of ["f1", "accuracy", "min-recall:0.9", "min-precision:0.7", "fixed:0.5", "fixed:1"]
  ) {
    assert.equal(policyText(policyOption(text, fallback)), text);
  }
  assert.deepEqual(policyOption("min-precision:0.7", fallback), {
    kind: "min-precision",
    precision: 0.7,
  });
  assert.equal(policyOption(undefined, fallback), fallback);
});

Deno.test("policyOption() names the option and the valid forms for anything else", () => {
  for (const text of ["F1", "min-precision:1.5", "min-precision:", "precision:0.7", "fixed:-1"]) {
    assert.throws(() => policyOption(text, { kind: "f1" }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(
        error.message,
        `Invalid option --policy: "${text}", expected f1, accuracy, min-recall:R, min-precision:P, capacity:C or fixed:T with R, P, C, T in [0, 1]`,
      );
      return true;
    });
  }
});
