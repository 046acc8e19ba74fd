/**
 * The README's task table against the command-line kit: every task, every option, and what it
 * does, as `--help` prints it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readmeRows, taskRows } from "./_task_table.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("The README's task table lists every task with the options its --help prints", () => {
  const readme = Deno.readTextFileSync(`${ROOT}README.md`);
  assert.deepEqual(
    readmeRows(readme),
    taskRows(),
    "README.md's task table is stale: run deno run -A tests/cli/_task_table.ts",
  );
});
