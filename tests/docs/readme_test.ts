/**
 * The README as the front door: short, its test command the one CI runs, and its layout table
 * naming every folder that exists.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Marked, type Tokens } from "marked";

const ROOT = new URL("../../", import.meta.url).pathname;
const README = Deno.readTextFileSync(`${ROOT}README.md`);

/** The README's shell commands: the lines of its `sh` blocks, comments and blanks left out. */
function shellCommands(): string[] {
  return new Marked().lexer(README)
    .filter((t): t is Tokens.Code => t.type === "code" && t.lang === "sh")
    .flatMap((t) => t.text.split("\n"))
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "");
}

Deno.test("The README is at most 150 lines", () => {
  const lines = README.split("\n").length - (README.endsWith("\n") ? 1 : 0);
  assert.ok(lines <= 150, `README.md has ${lines} lines; move detail into docs/`);
});

Deno.test("The README's test command is exactly the one .ci/run runs", () => {
  const ci = Deno.readTextFileSync(`${ROOT}.ci/run`).split("\n");
  const marker = ci.findIndex((line) => line.includes("The README's test command, exactly"));
  assert.ok(marker >= 0, ".ci/run marks the README's test command");
  const run = ci[marker + 1].replace(/\s*2>&1.*$/, "").trim();
  assert.equal(run, "npx -y deno@2.9.6 task test");
  const commands = shellCommands();
  assert.ok(commands.includes(run), `README.md's commands ${JSON.stringify(commands)} lack ${run}`);
  const start = run.replace(/ task test$/, " task start");
  assert.ok(commands.includes(start), `README.md's first command is ${start}`);
});

Deno.test("The README's layout table names every folder and every server/ and pipeline/ stage", () => {
  const table = new Marked().lexer(README).find((t): t is Tokens.Table =>
    t.type === "table" && t.header[0]?.text === "folder"
  );
  assert.ok(table, "README.md has a table whose first column is 'folder'");
  const cells = table.rows.map((row) => row[0].text);
  const dirs = (path: string) =>
    [...Deno.readDirSync(`${ROOT}${path}`)]
      .filter((e) => e.isDirectory && !e.name.startsWith(".") && e.name !== "testdata")
      .map((e) => `${path}${e.name}/`);
  const ignored = new Set(["node_modules/", "dist/"]);
  for (const dir of dirs("").filter((d) => !ignored.has(d))) {
    assert.ok(cells.some((c) => c.includes(`\`${dir}`)), `layout table lacks ${dir}`);
  }
  for (const dir of [...dirs("pipeline/"), ...dirs("server/")]) {
    assert.ok(cells.includes(`\`${dir}\``), `layout table lacks ${dir}`);
  }
});
