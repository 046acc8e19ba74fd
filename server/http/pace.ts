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
 * ms). The pair is opened when a loop starts and closed when it ends.
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

/** A connected pair of loopback sockets, one byte through it per turn. */
class Turns {
  #pair?: Promise<[Deno.TcpConn, Deno.TcpConn]>;
  #byte = new Uint8Array(1);
  #sink = new Uint8Array(16);

  #open(): Promise<[Deno.TcpConn, Deno.TcpConn]> {
    return this.#pair ??= (async () => {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      try {
        const { port } = listener.addr as Deno.NetAddr;
        const pair = await Promise.all([
          Deno.connect({ hostname: "127.0.0.1", port }),
          listener.accept(),
        ]);
        pair[0].setNoDelay(true);
        return pair;
      } finally {
        listener.close();
      }
    })();
  }

  /** Waits for one poll of the event loop's sockets. */
  async turn(): Promise<void> {
    const [a, b] = await this.#open();
    await a.write(this.#byte);
    await b.read(this.#sink);
  }

  /** Closes the pair, if it was opened. */
  async close(): Promise<void> {
    const pair = await this.#pair?.catch(() => undefined);
    for (const conn of pair ?? []) {
      try {
        conn.close();
      } catch { /* closed */ }
    }
  }
}

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
  const turns = new Turns();
  try {
    let since = performance.now();
    for await (const item of items) {
      yield item;
      if (performance.now() - since >= turnMs) {
        await turns.turn();
        since = performance.now();
      }
    }
  } finally {
    await turns.close();
  }
}
