/**
 * Pacing a loop over a request's records, so one body never holds the event loop: the loop gives
 * other requests a turn every few milliseconds.
 *
 * A turn is one byte written to a loopback socket and read back from its peer: the read waits on
 * the event loop's poll of the sockets, so other connections are served in the same pass. In Deno
 * 2.9.6 a `setTimeout(0)` turn costs about 2.2 ms even on an idle loop (a 3 s loop yielding every
 * 4 ms lost a third of its time to it), a byte through the socket pair about 0.14 ms, with
 * `/health` answered within 11 and 17 ms respectively; `setImmediate` and a `MessageChannel`
 * message cost microseconds but run without the loop polling sockets (`/health` waited 319–682
 * ms). One pair serves every loop running at once; it is opened with the first and closed with
 * the last.
 *
 * A turn also lets `Deno.serve` read the request's socket ahead of the route: a turn taken while
 * an answer is being written let it take a non-reading client's whole upload into memory (106 MB,
 * outside the JavaScript heap), so a route that streams its answer relies on the front's body
 * credit (`body_credit.ts`) for its back-pressure.
 *
 * @module
 */

/**
 * How long a loop over a body's records may hold the event loop before other requests get a turn.
 * With the front, a request takes a few turns (accept, pass on, answer, pass back): at 2 ms,
 * `/health` probed during a 900,000-row batch waited at most 23–35 ms (p50 7–9 ms), at 4 ms
 * 27–78 ms (p50 11–15 ms); a turn costs about 0.14 ms, 7 % of a loop alone at 2 ms.
 */
export const TURN_MS = 2;

/**
 * One connected pair of loopback sockets for every paced loop in the process, open while any loop
 * runs: two sockets in all however many loops run at once (each request's own pair would cost a
 * client's upload two more descriptors against the connection cap). A turn writes one byte and
 * waits to read it back; loops that ask for a turn while a byte is on its way wait for the same
 * byte, so one byte at most is in flight. Where the sockets cannot be opened (no descriptors
 * left), a turn is a `setTimeout(0)`.
 */
class _Turns {
  #users = 0;
  #pair?: Promise<[Deno.TcpConn, Deno.TcpConn] | undefined>;
  #waiting: (() => void)[] = [];
  #byte = new Uint8Array(1);
  #sink = new Uint8Array(16);

  /** A loop starts. */
  enter(): void {
    this.#users++;
  }

  /** A loop ends; the last one out closes the pair. */
  async leave(): Promise<void> {
    if (--this.#users > 0) return;
    const pair = await this.#pair;
    this.#pair = undefined;
    for (const conn of pair ?? []) {
      try {
        conn.close();
      } catch { /* closed */ }
    }
  }

  /** Waits for one poll of the event loop's sockets. */
  async turn(): Promise<void> {
    const pair = await (this.#pair ??= _openPair());
    if (!pair) {
      this.#pair = undefined;
      return await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#waiting.push(resolve);
    if (this.#waiting.length > 1) return await promise;
    try {
      await pair[0].write(this.#byte);
      await pair[1].read(this.#sink);
    } catch { /* closed under us: the turn is over either way */ }
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const done of waiting) done();
  }
}

async function _openPair(): Promise<[Deno.TcpConn, Deno.TcpConn] | undefined> {
  let listener: Deno.TcpListener | undefined;
  try {
    listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    const pair = await Promise.all([
      Deno.connect({ hostname: "127.0.0.1", port }),
      listener.accept(),
    ]);
    pair[0].setNoDelay(true);
    return pair;
  } catch {
    return undefined;
  } finally {
    listener?.close();
  }
}

const _turns = new _Turns();

/**
 * Passes items through, giving the event loop a turn (timers, sockets, other requests) whenever
 * {@linkcode TURN_MS} have passed since the last one. A body already in the socket's buffers is
 * otherwise read through promise callbacks alone, which run before any other request: 900,000
 * rows held `/health` for seconds.
 *
 * @param items Any async iterable (records, lines, chunks of an answer).
 * @param turnMs The longest stretch without a turn.
 * @yields The same items.
 */
export async function* paced<T>(items: AsyncIterable<T>, turnMs = TURN_MS): AsyncGenerator<T> {
  _turns.enter();
  try {
    let since = performance.now();
    for await (const item of items) {
      yield item;
      if (performance.now() - since >= turnMs) {
        await _turns.turn();
        since = performance.now();
      }
    }
  } finally {
    await _turns.leave();
  }
}
