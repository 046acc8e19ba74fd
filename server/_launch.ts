/**
 * What the end-to-end tests and the benchmark share to start the server as
 * production runs it: the `compile` task's permission, unstable and include
 * flags read from `deno.json`, a free local port, and a stop that cannot hang.
 *
 * @module
 */

/** The project root. */
const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

/** The flags of a task. */
export interface CompileFlags {
  /** The `--allow-*` flags, verbatim. */
  permissions: string[];
  /** The `--unstable-*` flags (reusePort for `--workers`). */
  unstable: string[];
  /** The `--include` paths. */
  includes: string[];
  /** The entry module (the task's last word). */
  entry: string;
}

/**
 * Splits a task's command into its permission flags, includes and entry module.
 *
 * @param command The task string.
 * @returns The flags.
 */
export function parseTask(command: string): CompileFlags {
  const words = command.trim().split(/\s+/);
  const includes: string[] = [];
  words.forEach((w, i) => {
    if (w === "--include") includes.push(words[i + 1]);
    else if (w.startsWith("--include=")) includes.push(w.slice("--include=".length));
  });
  return {
    permissions: words.filter((w) => w.startsWith("--allow-")),
    unstable: words.filter((w) => w.startsWith("--unstable-")),
    includes,
    entry: words[words.length - 1],
  };
}

/**
 * The flags of the `compile` task of the project's `deno.json`: the server's production flags.
 *
 * @returns The flags.
 * @throws Error when the task is missing.
 */
export function compileFlags(): CompileFlags {
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks;
  const task = tasks?.compile as string | { command: string } | undefined;
  if (!task) throw new Error("Cannot find the compile task in deno.json");
  return parseTask(typeof task === "string" ? task : task.command);
}

/**
 * A free port of 127.0.0.1.
 *
 * @returns The port number.
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Signals a child process and waits for it; one that does not stop within 15 s is killed,
 * so a failing test or benchmark cannot hang.
 *
 * @param child The process.
 * @param reading Its output readers, awaited after it exits.
 * @param signal The signal (default SIGTERM).
 * @returns Its exit code.
 */
export async function stopChild(
  child: Deno.ChildProcess,
  reading: Promise<unknown>,
  signal: Deno.Signal = "SIGTERM",
): Promise<number> {
  try {
    child.kill(signal);
  } catch {
    // already gone
  }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // exited meanwhile
    }
  }, 15_000);
  const { code } = await child.status;
  clearTimeout(timer);
  await reading;
  return code;
}
