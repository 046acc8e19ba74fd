/**
 * Running a deno.json task the way `deno task NAME ARGS…` does, from the project root, for the
 * command-line tests.
 *
 * @module
 */
import assert from "node:assert/strict";

/** The project root, without a trailing slash. */
export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** What a finished task printed and how it ended. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The deno.json task's `deno run` flags and script, e.g. `["-q", "-P=pipeline", "pipeline/cli/x.ts"]`. */
export async function taskCommand(name: string): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
  const task = config.tasks[name];
  const command: string = typeof task === "string" ? task : task.command;
  const [deno, sub, ...rest] = command.trim().split(/\s+/);
  assert.deepEqual([deno, sub], ["deno", "run"], `task ${name} is not a plain deno run`);
  return rest;
}

/**
 * Runs a task with arguments and waits for it.
 *
 * @param name The task's name in deno.json.
 * @param args Its arguments.
 * @returns Its exit code and output.
 */
export async function task(name: string, ...args: string[]): Promise<Run> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...await taskCommand(name), ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}
