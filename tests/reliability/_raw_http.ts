/**
 * HTTP/1.1 by hand over TCP, for what fetch will not send: a declared
 * `Content-Length` larger than the bytes that follow, or a request whose body
 * never comes. The answer is read as soon as its head and body are complete,
 * without waiting for the connection to close.
 *
 * @module
 */

/** An answer read off the socket. */
export interface RawAnswer {
  /** The status code. */
  status: number;
  /** Lower-case header names to values. */
  headers: Record<string, string>;
  /** The body as text (chunked bodies decoded). */
  body: string;
  /** Milliseconds from sending to the complete answer. */
  ms: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function find(buffer: Uint8Array, text: string, from = 0): number {
  const needle = encoder.encode(text);
  outer: for (let i = from; i <= buffer.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (buffer[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function dechunk(bytes: Uint8Array): string | undefined {
  let at = 0;
  const parts: Uint8Array[] = [];
  while (true) {
    const eol = find(bytes, "\r\n", at);
    if (eol < 0) return undefined;
    const size = parseInt(decoder.decode(bytes.subarray(at, eol)), 16);
    if (size === 0) return decoder.decode(concat(parts));
    if (bytes.length < eol + 2 + size + 2) return undefined;
    parts.push(bytes.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Sends a request head (and optionally the start of a body) and reads the answer.
 *
 * @param url The server's base URL (`http://127.0.0.1:PORT`).
 * @param head The request line and headers, without the blank line that ends them.
 * @param options The body bytes to send after the head, and the longest wait.
 * @returns The answer.
 * @throws Error when no complete answer arrives in time.
 */
export async function rawRequest(
  url: string,
  head: string,
  options: { body?: Uint8Array; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const started = performance.now();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      conn.close();
    } catch {
      // closed already
    }
  }, options.timeoutMs ?? 5000);
  try {
    await conn.write(encoder.encode(`${head}\r\n\r\n`));
    if (options.body) await conn.write(options.body);
    let buffer: Uint8Array = new Uint8Array(0);
    const chunk = new Uint8Array(64 * 1024);
    while (true) {
      const end = find(buffer, "\r\n\r\n");
      if (end >= 0) {
        const lines = decoder.decode(buffer.subarray(0, end)).split("\r\n");
        const status = Number(lines[0].split(" ")[1]);
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const i = line.indexOf(":");
          headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
        }
        const rest = buffer.subarray(end + 4);
        const length = headers["content-length"];
        let body: string | undefined;
        if (length !== undefined && rest.length >= Number(length)) {
          body = decoder.decode(rest.subarray(0, Number(length)));
        } else if (headers["transfer-encoding"] === "chunked") body = dechunk(rest);
        if (body !== undefined) {
          return { status, headers, body, ms: performance.now() - started };
        }
      }
      let n: number | null = null;
      try {
        n = await conn.read(chunk);
      } catch (error) {
        if (!timedOut) throw error;
      }
      if (n === null) {
        throw new Error(
          timedOut
            ? `No complete answer within ${options.timeoutMs ?? 5000} ms`
            : `Connection closed: ${decoder.decode(buffer).slice(0, 200)}`,
        );
      }
      buffer = concat([buffer, chunk.subarray(0, n)]);
    }
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // closed by the timer
    }
  }
}
