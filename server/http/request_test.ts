import assert from "node:assert/strict";
import { MAX_JSON_DEPTH, tooDeep } from "./request.ts";

Deno.test("tooDeep() finds nesting past the bound, names its field and skips strings", () => {
  assert.equal(tooDeep('{"students":[{"Age":17}]}'), undefined);
  assert.equal(tooDeep("[".repeat(MAX_JSON_DEPTH)), undefined);
  assert.equal(tooDeep("[".repeat(MAX_JSON_DEPTH + 1)), "");
  assert.equal(tooDeep("[".repeat(1 << 20)), "");
  assert.equal(tooDeep(`{"a":"${"[".repeat(100)}"}`), undefined);
  assert.equal(tooDeep(`{"a":"\\"${"{".repeat(100)}"}`), undefined);
  assert.equal(tooDeep("[]".repeat(1000)), undefined);
  assert.equal(tooDeep(`{"x":1,"School":${'{"a":'.repeat(100)}`), "School");
  assert.equal(tooDeep(`{"students":[{},${"[".repeat(100)}`), "students.1");
  // An escaped backslash ends before the quote, which closes the string.
  assert.equal(tooDeep(`{"a":"x\\\\","b":${"[".repeat(100)}`), "b.0");
  assert.equal(tooDeep(`{"a":"x\\"${"[".repeat(100)}"}`), undefined);
});
