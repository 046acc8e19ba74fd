/**
 * Starting the real server as a subprocess, exactly as the compiled binary
 * would run: `deno run -P=server server/main.ts`, the permission set that the
 * compile, serve and start tasks share, started on a free port in a folder
 * holding the test registry.
 *
 * @module
 */
import { freePort, serverArgs, stopChild } from "../../server/_launch.ts";

export { freePort };

/** A running server process. */
export interface ServerProcess {
  /** Its base URL. */
  url: string;
  /** Its process id (for its memory in `/proc/<pid>/status`). */
  pid: number;
  /** Its stdout lines so far (JSON logs). */
  logs: string[];
  /** Sends a signal and waits for the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
}

/**
 * Starts `server/main.ts` with the `server` permission set and waits for `/health`.
 *
 * @param cwd The working folder (holding `models/`; `data/uploads/` is made there).
 * @param env Environment variables (PORT and HOST are set here).
 * @param args Extra command-line flags.
 * @returns The running process.
 */
export async function startServer(
  cwd: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<ServerProcess> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [...serverArgs("server/main.ts", cwd), ...args],
    cwd,
    env: { ...env, PORT: String(port), HOST: "127.0.0.1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const logs: string[] = [];
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    let rest = "";
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + text).split("\n");
      rest = parts.pop()!;
      logs.push(...parts);
    }
  };
  const reading = Promise.all([collect(child.stdout), collect(child.stderr)]);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (true) {
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already exited
      }
      await reading;
      throw new Error(`Server did not start: ${logs.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid,
    logs,
    stop: (signal = "SIGTERM") => stopChild(child, reading, signal),
  };
}
