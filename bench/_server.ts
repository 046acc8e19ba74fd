/**
 * The server under test, started as production starts it: `deno run` with the
 * `compile` task's permission and unstable flags read from `deno.json` (as
 * `tests/server/_process.ts` does), on a free port of 127.0.0.1, with
 * `BENCH_ECHO=1` so the ceiling route exists. Its request log (stdout) is
 * discarded, as a log collector would take it; stderr is kept for errors.
 *
 * @module
 */

import { freePort, serverArgs, stopChild } from "../server/_launch.ts";

/** The project root. */
export const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

/** A request the benchmark sends: method, path, body and its content type. */
export interface Probe {
  /** The path, such as `/v1/predict`. */
  path: string;
  /** The body text. */
  body: string;
  /** The body's content type. */
  contentType: string;
}

/** A running server process. */
export interface ServerProcess {
  /** Its base URL. */
  url: string;
  /** Its process id (for its resident memory). */
  pid: number;
  /** Milliseconds from spawning the process to the probe's first 200 answer. */
  coldStartMs: number;
  /** The last lines it wrote to stderr. */
  stderr: string[];
  /** Sends SIGTERM (SIGKILL after 15 s) and waits for the exit code. */
  stop(): Promise<number>;
}

/**
 * Starts `server/main.ts` with the `server` permission set and waits until the
 * probe (a prediction) answers 200.
 *
 * @param options `modelsDir` (relative to the root or absolute), the `probe`, extra `env`,
 *   and `timeoutMs` (default 90 s).
 * @returns The running server.
 * @throws Error with its stderr when it exits or does not answer in time.
 */
export async function startServer(options: {
  modelsDir: string;
  probe: Probe;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const port = freePort();
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: serverArgs("server/main.ts"),
    cwd: ROOT,
    env: {
      ...options.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      MODELS_DIR: options.modelsDir,
      BENCH_ECHO: "1",
      NO_COLOR: "1",
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr: string[] = [];
  const reading = (async () => {
    let rest = "";
    for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + text).split("\n");
      rest = parts.pop()!;
      stderr.push(...parts);
      if (stderr.length > 200) stderr.splice(0, stderr.length - 200);
    }
  })();
  let exited = false;
  child.status.then(() => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = started + (options.timeoutMs ?? 90_000);
  const kill = async () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
    await reading;
  };
  let coldStartMs: number | undefined;
  while (coldStartMs === undefined) {
    try {
      const res = await fetch(`${url}${options.probe.path}`, {
        method: "POST",
        headers: { "content-type": options.probe.contentType },
        body: options.probe.body,
      });
      await res.body?.cancel();
      if (res.ok) coldStartMs = performance.now() - started;
      else if (res.status !== 503) {
        await kill();
        throw new Error(`The server answered ${res.status} to ${options.probe.path}`);
      }
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("The server answered")) throw error;
      // not listening yet
    }
    if (coldStartMs !== undefined) break;
    if (exited || performance.now() > deadline) {
      await kill();
      throw new Error(
        `The server did not answer ${options.probe.path} ${exited ? "(it exited)" : "in time"}:\n${
          stderr.join("\n")
        }`,
      );
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return {
    url,
    pid: child.pid,
    coldStartMs,
    stderr,
    stop: () => stopChild(child, reading),
  };
}

/** A process's memory, from `/proc/<pid>/status`. */
export interface MemoryStatus {
  /** Resident set size now (VmRSS), in bytes. */
  rss: number;
  /** Highest resident set size since start or the last {@linkcode resetPeak} (VmHWM), in bytes. */
  peak: number;
}

/**
 * A process's resident and peak memory, read by `cat` (Deno lets a script read
 * `/proc/<pid>/status` itself only with `--allow-all`).
 *
 * @param pid The process id.
 * @returns The figures, or undefined when there is no `/proc` (not Linux) or the process is gone.
 */
export async function memoryStatus(pid: number): Promise<MemoryStatus | undefined> {
  try {
    const out = await new Deno.Command("cat", {
      args: [`/proc/${pid}/status`],
      stdout: "piped",
      stderr: "null",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1]);
    const rss = kb("VmRSS");
    const peak = kb("VmHWM");
    return out.success && rss > 0 && peak > 0 ? { rss: rss * 1024, peak: peak * 1024 } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resets a process's peak (VmHWM) to its current resident size, so that the next
 * {@linkcode memoryStatus} tells the peak of what runs in between (Linux `clear_refs`).
 *
 * @param pid The process id.
 * @returns Whether the peak was reset.
 */
export async function resetPeak(pid: number): Promise<boolean> {
  try {
    const out = await new Deno.Command("sh", {
      args: ["-c", `echo 5 > /proc/${pid}/clear_refs`],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/**
 * The resident set size of a process: `/proc/<pid>/status`, else `ps`.
 *
 * @param pid The process id.
 * @returns Bytes, or undefined when neither is available or the process is gone.
 */
export async function residentBytes(pid: number): Promise<number | undefined> {
  const status = await memoryStatus(pid);
  if (status) return status.rss;
  try {
    const out = await new Deno.Command("ps", {
      args: ["-o", "rss=", "-p", String(pid)],
      stdout: "piped",
      stderr: "null",
    }).output();
    const kb = Number(new TextDecoder().decode(out.stdout).trim());
    return out.success && kb > 0 ? kb * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads one unlabelled gauge from the server's `/metrics`.
 *
 * @param url The server's base URL.
 * @param name The metric name, such as `tfjs_tensors`.
 * @returns Its value, or undefined when the server does not expose it.
 */
export async function gauge(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}
