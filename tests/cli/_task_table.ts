/**
 * The task table of docs/tasks.md, made from the command-line kit's descriptions of the tasks and
 * from deno.json for the tasks that take no options. `task_table_test.ts` holds the document to it;
 * run this file to rewrite the table in place (then `deno fmt docs/tasks.md` aligns it):
 *
 * ```sh
 * deno run -A tests/cli/_task_table.ts
 * ```
 *
 * @module
 */
import { type Command, PIPELINE_COMMANDS, usageLine } from "../../pipeline/mod.ts";
import { SERVE, START } from "../../server/config/mod.ts";
import { BENCH } from "../../bench/main.ts";
import { NOTEBOOKS_COMMAND } from "../../notebooks/run_main.ts";
import { PEERS_COMMAND } from "../../bench/peers/main.ts";
import { RESAMPLE } from "../../bench/resample_main.ts";
import { BENCH_SCALE } from "../../bench/scale_main.ts";
import { BENCH_CPU } from "../../bench/cpu_main.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
/** The document holding the table, relative to the project root. */
export const TABLE_DOC = "docs/tasks.md";
/** The markers around the table in {@link TABLE_DOC}. */
export const BEGIN = "<!-- task table: made by tests/cli/_task_table.ts -->";
export const END = "<!-- end of task table -->";

/** Every task a user runs with options, in the table's order. */
export const COMMANDS: Command[] = [
  START,
  SERVE,
  ...PIPELINE_COMMANDS,
  NOTEBOOKS_COMMAND,
  BENCH,
  BENCH_SCALE,
  BENCH_CPU,
  RESAMPLE,
  PEERS_COMMAND,
];

/**
 * The table's rows: the usage of each task and what it does.
 *
 * @returns [usage, summary] per task, with `|` escaped for Markdown.
 */
export function taskRows(): [string, string][] {
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks;
  const withOptions = new Set(COMMANDS.map((c) => c.task));
  const rows: [string, string][] = COMMANDS.map((c) => [
    `\`${usageLine(c).replace(/^Usage: /, "")}\``,
    `${c.summary}`,
  ]);
  for (const [name, task] of Object.entries(tasks) as [string, { description: string }][]) {
    if (!withOptions.has(name)) rows.push([`\`deno task ${name}\``, task.description]);
  }
  return rows.map(([a, b]) => [a.replaceAll("|", "\\|"), b.replaceAll("|", "\\|")]);
}

/**
 * Splits the document's task table into rows of cells.
 *
 * @param doc The text of {@link TABLE_DOC}.
 * @returns The rows below the header, each cell trimmed.
 */
export function tableRows(doc: string): string[][] {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${TABLE_DOC} has no ${BEGIN} … ${END}`);
  return doc.slice(start + BEGIN.length, end).trim().split("\n").slice(2).map((line) =>
    line.trim().replace(/^\||\|$/g, "").split(/(?<!\\)\|/).map((c) => c.trim())
  );
}

if (import.meta.main) {
  const path = `${ROOT}${TABLE_DOC}`;
  const doc = Deno.readTextFileSync(path);
  const table = ["| task | what it does |", "| --- | --- |"]
    .concat(taskRows().map(([a, b]) => `| ${a} | ${b} |`)).join("\n");
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  Deno.writeTextFileSync(
    path,
    `${doc.slice(0, start + BEGIN.length)}\n\n${table}\n\n${doc.slice(end)}`,
  );
}
