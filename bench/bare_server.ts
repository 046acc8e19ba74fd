/**
 * The physical limit of `deno task bench`: a bare `Deno.serve`, no framework and no middleware,
 * that reads each request's body and answers a constant JSON document of `?bytes=N` bytes (the
 * size of `/v1/predict`'s answer for the same body). What this runtime serves on this machine
 * before any of the server's own work; every route is also reported as a share of it.
 *
 * Run as its own process: `deno run --allow-net bench/bare_server.ts PORT`. It imports nothing of
 * the server (its door would load the pipeline and tfjs), so its document is made here the way
 * `/bench/constant` makes its own, and the bench checks the two sizes agree.
 *
 * @module
 */
import { freePort, stopChild } from "../server/_launch.ts";

/** A running bare server. */
export interface BareServer {
  /** Its base URL. */
  url: string;
  /** Its process id. */
  pid: number;
  /** Stops it. */
  stop(): Promise<void>;
}

/**
 * Starts the bare server as a subprocess on a free port and waits until it answers.
 *
 * @returns The running server.
 * @throws Error when it does not answer within 30 s.
 */
export async function startBare(): Promise<BareServer> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "--allow-net=127.0.0.1", new URL(import.meta.url).pathname, String(port)],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const reading = (async () => {
    for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) stderr += text;
  })();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (true) {
    const ok = await fetch(`${url}/?bytes=100`, { method: "POST", body: "{}" }).then(
      async (r) => {
        await r.body?.cancel();
        return r.ok;
      },
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stopChild(child, reading);
      throw new Error(`The bare server did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid, stop: () => stopChild(child, reading).then(() => {}) };
}

/**
 * A JSON document of exactly `bytes` bytes (at least 12), as `/bench/constant` answers.
 *
 * @param bytes Its size.
 * @returns The document.
 */
export function constantBody(bytes: number): string {
  return `{"pad":"${"x".repeat(Math.max(0, bytes - 10))}"}`;
}

if (import.meta.main) {
  const answers = new Map<number, string>();
  Deno.serve({ hostname: "127.0.0.1", port: Number(Deno.args[0]), onListen() {} }, async (req) => {
    await req.arrayBuffer();
    const at = req.url.indexOf("bytes=");
    const bytes = at < 0 ? 663 : parseInt(req.url.slice(at + 6), 10);
    let answer = answers.get(bytes);
    if (answer === undefined) answers.set(bytes, answer = constantBody(bytes));
    return new Response(answer, { headers: { "content-type": "application/json" } });
  });
}
