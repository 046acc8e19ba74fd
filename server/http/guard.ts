/**
 * A TCP front that holds every client to time limits Deno.serve does not have.
 * Deno 2.9.6's `Deno.serve` (hyper without a timer) takes no timeout option:
 * a client sending one header line every 2 s keeps its socket forever, and a
 * body that stops half-way holds its request open. So the server listens on a
 * private 127.0.0.1 port, and this front accepts the public connections and
 * passes their bytes both ways unchanged, following HTTP/1.1 framing
 * (`Content-Length`, chunked bodies, keep-alive) only to know which timer runs:
 *
 * - headers: a request's head must arrive within `headersMs` of its first byte
 *   (of the connection's start, for the first request); past it the client gets
 *   408 (or 431 past {@linkcode MAX_HEAD_BYTES}) and the connection is closed;
 * - idle body: while a body is being read, the client may be silent at most
 *   `bodyIdleMs` (time the server spends not reading does not count);
 * - whole request: the head and body together may take at most `requestMs` of
 *   waiting on the client, so a body dripped a byte at a time ends too;
 * - keep-alive: outside a request (between requests, or once a request is read
 *   while it is answered), a connection with no byte either way for
 *   `keepAliveMs` is closed: an idle client, or a server gone silent.
 *
 * One interval timer checks every connection, so the cost per chunk is a few
 * assignments. What the front cannot frame, and so could not time, it refuses
 * and closes: HTTP/2 with prior knowledge (505), a `Content-Length` that is not
 * a number of at most {@linkcode MAX_BODY_DIGITS} digits or disagrees with
 * another (400), a chunk size of more than {@linkcode MAX_CHUNK_DIGITS} hex
 * digits or a chunk line over {@linkcode MAX_CHUNK_LINE} bytes (400).
 *
 * It also holds the connection cap: past `maxConnections` open connections a
 * new one gets 503 and is closed, so clients cannot take the process to its
 * limit on open files (`fd_limit.ts`), and a failed accept (such as "Too many
 * open files") is retried rather than ending the front.
 *
 * Given the routes' body credit, it also holds a body that a route reads as a
 * stream to the route's pace: it passes it on only as far as the route has
 * read it plus a window (`body_credit.ts`), since `Deno.serve` may read the
 * socket ahead of the route.
 *
 * @module
 */
import type { BodyCredit } from "./body_credit.ts";

/** The time limits of the front. */
export interface Timeouts {
  /** Longest wait for a request's head, from its first byte, in milliseconds. */
  headersMs: number;
  /** Longest silence of the client in the middle of a body, in milliseconds. */
  bodyIdleMs: number;
  /** Longest the server waits on a client for one whole request (head and body), in milliseconds. */
  requestMs: number;
  /** Longest a connection stays open with no byte either way outside a request, in milliseconds. */
  keepAliveMs: number;
}

/** Defaults of the front's limits. */
export const DEFAULT_TIMEOUTS: Timeouts = {
  headersMs: 10_000,
  bodyIdleMs: 30_000,
  requestMs: 300_000,
  keepAliveMs: 30_000,
};

/** How long a closed connection keeps reading (and dropping) what the client still sends. */
export const LINGER_MS = 2000;

/** The largest request head, in bytes (request line and headers). */
export const MAX_HEAD_BYTES = 64 * 1024;

/** The most digits of a `Content-Length` the front frames (up to 1 TB; every route takes far less). */
export const MAX_BODY_DIGITS = 12;

/** The most hex digits of a chunk size the front frames (up to 256 GiB). */
export const MAX_CHUNK_DIGITS = 9;

/** The longest chunk-size line (size and extensions) or trailer line, in bytes. */
export const MAX_CHUNK_LINE = 256;

/** Options of {@linkcode startGuard}. */
export interface GuardOptions {
  /** The time limits. */
  timeouts?: Timeouts;
  /** The most connections open at once; past it a new one gets 503 and is closed. */
  maxConnections?: number;
  /**
   * The routes' body credit: a body a route reads as a stream is passed on only as far as the
   * route has read it, plus a window (`body_credit.ts`).
   */
  credit?: BodyCredit;
}

/** A running front. */
export interface Guard {
  /** The public address it listens on. */
  addr: Deno.NetAddr;
  /** Connections open now. */
  readonly connections: number;
  /** Connections refused so far: past the cap, or not framable. */
  readonly refused: number;
  /** Stops accepting; open connections stay until the server closes them. */
  stop(): void;
  /**
   * Stops accepting, waits up to `graceMs` for the open connections to end (the server closes
   * them as it shuts down, once their answers are passed on), then closes the rest.
   */
  close(graceMs?: number): Promise<void>;
}

const enum Phase {
  /** Waiting for (the rest of) a request head. */
  Head,
  /** Reading a body. */
  Body,
  /** Between requests: nothing received of the next one yet. */
  Idle,
  /** Bytes the front cannot frame: the connection is refused. */
  Refused,
  /** Bytes the front does not frame. */
  Opaque,
}

const enum Body {
  None,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailer,
}

/** How long the front waits before accepting again after a failed accept. */
const ACCEPT_RETRY_MS = 50;

const CHUNK_SIZE = new RegExp(`^[0-9a-fA-F]{1,${MAX_CHUNK_DIGITS}}$`);
const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

function answer(status: number, reason: string, error: string): Uint8Array {
  const body = JSON.stringify({ error });
  return encoder.encode(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const FULL = answer(503, "Service Unavailable", "Too many connections: try again shortly");

/** Follows the framing of the bytes a client sends, one chunk at a time. */
class Framing {
  phase = Phase.Head;
  /** The head so far (at most MAX_HEAD_BYTES), grown by doubling. */
  #head = new Uint8Array(1024);
  #size = 0;
  #lineEmpty = true;
  #body = Body.None;
  #remaining = 0;
  #line = "";
  /** The phase changed to Head with a new request's first byte. */
  started = false;
  /** Bytes of the current request's body so far (chunk data, without the chunks' framing). */
  bodyBytes = 0;
  /** The head grew past MAX_HEAD_BYTES. */
  overflow = false;
  /** Why the front cannot frame what came (phase Refused): status, reason and message. */
  refusal: [number, string, string] | undefined;

  #refuse(status: number, reason: string, error: string): void {
    this.phase = Phase.Refused;
    this.refusal = [status, reason, error];
  }

  /** Reads a chunk; `started` tells whether a new request began in it. */
  feed(bytes: Uint8Array): void {
    this.started = false;
    let i = 0;
    while (i < bytes.length && this.phase !== Phase.Opaque && this.phase !== Phase.Refused) {
      if (this.phase === Phase.Idle) {
        this.phase = Phase.Head;
        this.started = true;
        this.bodyBytes = 0;
      }
      if (this.phase === Phase.Head) i = this.#readHead(bytes, i);
      else i = this.#readBody(bytes, i);
    }
  }

  #readHead(bytes: Uint8Array, from: number): number {
    for (let i = from; i < bytes.length; i++) {
      const b = bytes[i];
      if (this.#size === this.#head.length) {
        if (this.#size >= MAX_HEAD_BYTES) {
          this.overflow = true;
          this.phase = Phase.Opaque;
          return bytes.length;
        }
        const grown = new Uint8Array(this.#size * 2);
        grown.set(this.#head);
        this.#head = grown;
      }
      this.#head[this.#size++] = b;
      if (b === 10) {
        // A line end after an empty line ends the head (leading blank lines are skipped).
        if (this.#lineEmpty && this.#size > 2) {
          this.#endHead();
          return i + 1;
        }
        if (this.#lineEmpty) this.#size = 0;
        this.#lineEmpty = true;
      } else if (b !== 13) this.#lineEmpty = false;
    }
    return bytes.length;
  }

  #endHead(): void {
    const text = latin1.decode(this.#head.subarray(0, this.#size));
    this.#size = 0;
    if (this.#head.length > 1024) this.#head = new Uint8Array(1024);
    this.#lineEmpty = true;
    if (text.startsWith("PRI * HTTP/2")) {
      return this.#refuse(
        505,
        "HTTP Version Not Supported",
        "HTTP/2 is not served here: use HTTP/1.1, or HTTP/2 through the reverse proxy",
      );
    }
    let length: number | undefined;
    let chunked = false;
    for (const line of text.split(/\r?\n/)) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "transfer-encoding") chunked ||= /\bchunked\b/i.test(value);
      else if (name === "content-length") {
        const n = new RegExp(`^\\d{1,${MAX_BODY_DIGITS}}$`).test(value) ? Number(value) : NaN;
        if (length !== undefined && length !== n) length = NaN;
        else length = n;
      }
    }
    if (chunked) {
      this.#body = Body.ChunkSize;
      this.#line = "";
      this.phase = Phase.Body;
    } else if (length === undefined || length === 0) {
      this.phase = Phase.Idle;
    } else if (Number.isNaN(length)) {
      this.#refuse(
        400,
        "Bad Request",
        `Invalid Content-Length: expected one number of at most ${MAX_BODY_DIGITS} digits`,
      );
    } else {
      this.#body = Body.Length;
      this.#remaining = length;
      this.phase = Phase.Body;
    }
  }

  #readBody(bytes: Uint8Array, from: number): number {
    let i = from;
    while (i < bytes.length && this.phase === Phase.Body) {
      switch (this.#body) {
        case Body.Length:
        case Body.ChunkData: {
          const n = Math.min(this.#remaining, bytes.length - i);
          this.#remaining -= n;
          this.bodyBytes += n;
          i += n;
          if (this.#remaining === 0) {
            if (this.#body === Body.Length) this.phase = Phase.Idle;
            else {
              this.#body = Body.ChunkEnd;
              this.#line = "";
            }
          }
          break;
        }
        case Body.ChunkSize:
        case Body.ChunkEnd:
        case Body.Trailer: {
          const b = bytes[i++];
          if (b !== 10) {
            if (b !== 13) this.#line += String.fromCharCode(b);
            if (this.#line.length > MAX_CHUNK_LINE) {
              this.#refuse(
                400,
                "Bad Request",
                `Chunk line too long: at most ${MAX_CHUNK_LINE} bytes`,
              );
            }
            break;
          }
          const line = this.#line;
          this.#line = "";
          if (this.#body === Body.ChunkEnd) {
            if (line !== "") {
              this.#refuse(400, "Bad Request", "Invalid chunk: no line end after its data");
            } else this.#body = Body.ChunkSize;
          } else if (this.#body === Body.Trailer) {
            if (line === "") this.phase = Phase.Idle;
          } else {
            const size = line.split(";")[0].trim();
            if (!CHUNK_SIZE.test(size)) {
              this.#refuse(
                400,
                "Bad Request",
                `Invalid chunk size: expected at most ${MAX_CHUNK_DIGITS} hex digits`,
              );
            } else if (parseInt(size, 16) === 0) this.#body = Body.Trailer;
            else {
              this.#remaining = parseInt(size, 16);
              this.#body = Body.ChunkData;
            }
          }
          break;
        }
        case Body.None:
          this.phase = Phase.Idle;
      }
    }
    return i;
  }
}

/** One proxied connection and the times its timers read. */
interface Link {
  framing: Framing;
  /** When the current head began (its first byte, or the connection's start). */
  headSince: number;
  /** Since when the front has been waiting on the client, or undefined when it is not. */
  waitingSince: number | undefined;
  /** Waiting on the client for the current request so far, excluding the current wait. */
  waited: number;
  /** The last byte either way. */
  lastActive: number;
  /** Bytes the server has sent back on this connection. */
  answered: number;
  end(reply?: Uint8Array): void;
}

/**
 * Starts the front.
 *
 * @param listen Where to listen (the public address) and whether to share the port.
 * @param upstream The server's private address (read at each connection: the server may move).
 * @param options The time limits and the connection cap.
 * @returns The running front.
 */
export function startGuard(
  listen: { hostname: string; port: number; reusePort?: boolean },
  upstream: { hostname: string; port: number },
  options: GuardOptions = {},
): Guard {
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const maxConnections = options.maxConnections ?? Infinity;
  const { credit } = options;
  // `reusePort` (workers sharing the port) is typed only under --unstable-net, which serving uses.
  const listenOptions: Deno.TcpListenOptions & { reusePort?: boolean } = {
    hostname: listen.hostname,
    port: listen.port,
    reusePort: listen.reusePort,
  };
  const listener = Deno.listen(listenOptions);
  const links = new Set<Link>();
  const tick = Math.max(20, Math.min(1000, ...Object.values(timeouts).map((t) => t / 5)));
  const timer = setInterval(() => {
    const now = performance.now();
    for (const link of links) check(link, now);
  }, tick);

  function check(link: Link, now: number): void {
    const { phase } = link.framing;
    const waiting = link.waitingSince === undefined ? 0 : now - link.waitingSince;
    const fresh = link.answered === 0;
    if (phase === Phase.Head && now - link.headSince > timeouts.headersMs) {
      link.end(
        fresh
          ? answer(
            408,
            "Request Timeout",
            `Request timeout: the head took over ${timeouts.headersMs} ms`,
          )
          : undefined,
      );
    } else if (phase === Phase.Body && waiting > timeouts.bodyIdleMs) {
      link.end(
        fresh
          ? answer(
            408,
            "Request Timeout",
            `Request timeout: the body was idle over ${timeouts.bodyIdleMs} ms`,
          )
          : undefined,
      );
    } else if (
      (phase === Phase.Head || phase === Phase.Body) && link.waited + waiting > timeouts.requestMs
    ) {
      link.end(
        fresh
          ? answer(
            408,
            "Request Timeout",
            `Request timeout: the request took over ${timeouts.requestMs} ms`,
          )
          : undefined,
      );
    } else if (
      (phase === Phase.Idle || phase === Phase.Opaque) &&
      now - link.lastActive > timeouts.keepAliveMs
    ) {
      link.end();
    }
  }

  async function serve(client: Deno.TcpConn): Promise<void> {
    let server: Deno.TcpConn;
    try {
      server = await Deno.connect({ hostname: upstream.hostname, port: upstream.port });
      // Bytes pass on as they come: Nagle's algorithm would hold an answer's last segment
      // until the client's delayed ACK of the one before, about 40 ms on Linux.
      server.setNoDelay(true);
      client.setNoDelay(true);
    } catch {
      client.close();
      return;
    }
    const now = performance.now();
    // The server sees the front's side of this connection as the request's remote address.
    const creditPort = (server.localAddr as Deno.NetAddr).port;
    let closed = false;
    let clientDone = false;
    let lingering: ReturnType<typeof setTimeout> | undefined;
    let replying = false;
    const closeClient = () => {
      clearTimeout(lingering);
      try {
        client.close();
      } catch { /* closed */ }
    };
    const link: Link = {
      framing: new Framing(),
      headSince: now,
      waitingSince: now,
      waited: 0,
      lastActive: now,
      answered: 0,
      end(reply) {
        if (closed) return;
        closed = true;
        links.delete(link);
        credit?.release(creditPort);
        try {
          server.close();
        } catch { /* closed */ }
        // A lingering close: send FIN, then read and drop what the client still sends for a
        // while, so the answer is not lost to a reset while a body is still arriving.
        const linger = () => {
          if (clientDone) return closeClient();
          client.closeWrite().catch(() => {});
          lingering = setTimeout(closeClient, LINGER_MS);
        };
        if (!reply) return linger();
        replying = true;
        writeAll(client, reply).then(linger, closeClient).finally(() => replying = false);
      },
    };
    links.add(link);
    const down = (async () => {
      const buffer = new Uint8Array(16 * 1024);
      try {
        while (true) {
          const n = await server.read(buffer);
          if (n === null) break;
          link.lastActive = performance.now();
          link.answered += n;
          await writeAll(client, buffer.subarray(0, n));
        }
      } catch { /* either side went away */ }
      link.end();
    })();
    const buffer = new Uint8Array(16 * 1024);
    try {
      while (true) {
        link.waitingSince = performance.now();
        const n = await client.read(buffer);
        const at = performance.now();
        const { framing } = link;
        if (framing.phase === Phase.Head || framing.phase === Phase.Body) {
          link.waited += at - link.waitingSince;
        }
        link.waitingSince = undefined;
        if (n === null) break;
        // Ended (timed out, refused, or the server closed): what still comes is dropped.
        if (closed) continue;
        link.lastActive = at;
        const before = framing.phase;
        framing.feed(buffer.subarray(0, n));
        if (framing.started || (before === Phase.Idle && framing.phase !== Phase.Idle)) {
          link.headSince = at;
          link.waited = 0;
          // A new request: what the previous one's route left open no longer holds the body.
          credit?.release(creditPort);
        }
        if (framing.overflow) {
          link.end(
            link.answered === 0
              ? answer(
                431,
                "Request Header Fields Too Large",
                `Request head too large: at most ${MAX_HEAD_BYTES} bytes`,
              )
              : undefined,
          );
          continue;
        }
        if (framing.refusal) {
          link.end(link.answered === 0 ? answer(...framing.refusal) : undefined);
          continue;
        }
        if (framing.phase === Phase.Idle) link.waited = 0;
        try {
          await writeAll(server, buffer.subarray(0, n));
        } catch {
          link.end();
        }
        // The client is not read while its route is behind (nor is the wait timed: it is the
        // server's), so a client whose answers are not read stops sending once the sockets'
        // buffers are full.
        const behind = credit?.wait(creditPort, framing.bodyBytes);
        if (behind) await behind;
      }
    } catch { /* reset, or closed after lingering */ }
    clientDone = true;
    link.waitingSince = undefined;
    if (!closed) await server.closeWrite().catch(() => {});
    await down;
    // The client has sent all it will: close, unless an answer is still being written to it.
    if (!replying) closeClient();
  }

  let refused = 0;
  let stopped = false;
  // Connections from accept to close (links only holds those with an upstream connection).
  let open = 0;
  (async () => {
    while (!stopped) {
      let client: Deno.TcpConn;
      try {
        client = await listener.accept();
      } catch (error) {
        if (stopped || error instanceof Deno.errors.BadResource) return;
        // Out of descriptors (or another passing failure): the connection waits in the
        // backlog; try again shortly rather than end the front.
        await new Promise((r) => setTimeout(r, ACCEPT_RETRY_MS));
        continue;
      }
      if (open >= maxConnections) {
        refused++;
        refuse(client);
      } else {
        open++;
        serve(client).finally(() => open--);
      }
    }
  })();

  return {
    addr: listener.addr,
    get connections() {
      return links.size;
    },
    get refused() {
      return refused;
    },
    stop() {
      stopped = true;
      try {
        listener.close();
      } catch { /* closed */ }
    },
    async close(graceMs = 0) {
      this.stop();
      const deadline = performance.now() + graceMs;
      while (links.size > 0 && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      clearInterval(timer);
      for (const link of links) link.end();
    },
  };
}

/** Answers 503 to a connection past the cap and closes it, without waiting on the client. */
function refuse(client: Deno.TcpConn): void {
  const close = () => {
    try {
      client.close();
    } catch { /* closed */ }
  };
  // The answer fits the socket's send buffer: the write does not wait on the client.
  const timer = setTimeout(close, 1000);
  client.write(FULL).catch(() => {}).finally(() => {
    clearTimeout(timer);
    close();
  });
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}
