/**
 * What the end-to-end tests and the benchmark share to start the server as
 * production runs it: the `server` permission set of deno.json, a free local
 * port, and a stop that cannot hang.
 *
 * @module
 */

/** The project root. */
const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

/** The permission set that the compile, serve and start tasks run the server with. */
export const SERVER_SET = "server";

/**
 * The V8 flags of the compile, serve and start tasks (deno.json repeats them; a test checks that
 * the tasks and this constant agree).
 *
 * - V8's memory reducer gives the heap's unused pages back once allocation has been low for a
 *   while; its two delays default to 30 s (`--gc-memory-reducer-start-delay-ms`) and 8 s
 *   (`--memory-reducer-delay-ms`). With 2 s each, a server that has had a burst of load went from
 *   about 185 MB to about 110 MB some 9 s after its last request here, against 18 s with the
 *   defaults. Under load it does not run.
 * - Under load V8 sizes its heap for throughput, not memory: at 256 connections it grew the
 *   young generation to 57 MB and, as its collections were cheap, let the old generation grow to
 *   4 times what survived the last full collection (39 MB live, so a limit near 155 MB), while
 *   the requests in flight held about 6 MB. `--max-semi-space-size=8` caps the young generation
 *   at two 8 MB halves, and `--heap-growing-percent=30` starts the next full collection once the
 *   old generation has grown by 30 % of what was live. Neither cap alone was enough: with only the
 *   first, more short-lived objects reached the old generation and filled it instead. Interleaved
 *   with the defaults here, the peak at 256 connections fell from 243-324 MB to 168-182 MB
 *   (growth 50 %: 169-197 MB), with throughput and p99 at 30 and 256 connections within the
 *   runs' noise; predict-batch100 averaged 8 % lower over eight pairs (noise about 15 %).
 */
export const SERVER_V8_FLAGS = "--v8-flags=--gc-memory-reducer-start-delay-ms=2000," +
  "--memory-reducer-delay-ms=2000,--max-semi-space-size=8,--heap-growing-percent=30";

/**
 * The `deno run` arguments that start a server entry point as the serve and start tasks do: quiet
 * (`-q` keeps Deno's own notices out of the logs) with the `server` permission set of deno.json
 * (`-P=server`) and {@linkcode SERVER_V8_FLAGS}, whose relative write paths (`models`,
 * `data/uploads`) Deno resolves against the folder of the config file. To run the server in
 * another folder, as the end-to-end tests do with a registry of their own, a copy of deno.json and
 * deno.lock is written there, so those paths land in that folder and nothing else changes.
 *
 * @param entry The entry module, relative to the project root (e.g. `server/main.ts`).
 * @param cwd The folder the server runs in (default: the project root).
 * @returns The arguments after `deno`.
 */
export function serverArgs(entry: string, cwd: string = ROOT): string[] {
  const here = cwd.replace(/\/$/, "") === ROOT.replace(/\/$/, "");
  let config = `${ROOT}deno.json`;
  if (!here) {
    const project = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`));
    // The page's workspace member stays behind: the server does not type-check it.
    delete project.workspace;
    config = `${cwd}/deno.json`;
    Deno.writeTextFileSync(config, JSON.stringify(project, null, 2));
    Deno.copyFileSync(`${ROOT}deno.lock`, `${cwd}/deno.lock`);
  }
  return [
    "run",
    "-q",
    "--config",
    config,
    `-P=${SERVER_SET}`,
    SERVER_V8_FLAGS,
    `${ROOT}${entry}`,
  ];
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
