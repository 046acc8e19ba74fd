import assert from "node:assert/strict";
import { MAX_JSON_DEPTH, nestedDeeper } from "./request.ts";

Deno.test("nestedDeeper() finds nesting past the bound and skips brackets inside strings", () => {
  assert.equal(nestedDeeper('{"students":[{"Age":17}]}'), false);
  assert.equal(nestedDeeper("[".repeat(MAX_JSON_DEPTH)), false);
  assert.equal(nestedDeeper("[".repeat(MAX_JSON_DEPTH + 1)), true);
  assert.equal(nestedDeeper("[".repeat(1 << 20)), true);
  assert.equal(nestedDeeper(`{"a":"${"[".repeat(100)}"}`), false);
  assert.equal(nestedDeeper(`{"a":"\\"${"{".repeat(100)}"}`), false);
  assert.equal(nestedDeeper("[]".repeat(1000)), false);
});
