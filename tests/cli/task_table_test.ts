/**
 * The task table of docs/tasks.md against the command-line kit: every task, every option, and
 * what it does, as `--help` prints it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { TABLE_DOC, tableRows, taskRows } from "./_task_table.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("docs/tasks.md's task table lists every task with the options its --help prints", () => {
  const doc = Deno.readTextFileSync(`${ROOT}${TABLE_DOC}`);
  assert.deepEqual(
    tableRows(doc),
    taskRows(),
    `${TABLE_DOC}'s task table is stale: run deno run -A tests/cli/_task_table.ts`,
  );
});
