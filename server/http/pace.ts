/**
 * Pacing a loop over a request's records, so one body never holds the event loop: the loop gives
 * other requests a turn every few milliseconds.
 *
 * The turn is a `setTimeout(0)`, not `setImmediate`: in Deno 2.9 an immediate runs without the
 * event loop polling sockets, so other requests still waited (a 3 s loop yielding every 4 ms by
 * `setImmediate` kept `/health` waiting 682 ms; by `setTimeout(0)`, 20 ms). The timer costs the
 * loop about a quarter of its speed on a busy machine.
 *
 * @module
 */

/** How long a loop over a body's records may hold the event loop before other requests get a turn. */
export const TURN_MS = 4;

/**
 * Passes items through, giving the event loop a turn (timers, sockets, other requests) whenever
 * {@linkcode TURN_MS} have passed since the last one. A body already in the socket's buffers is
 * otherwise read through promise callbacks alone, which run before any other request: 900,000
 * rows held `/health` for seconds.
 *
 * @param items Any async iterable (records, lines).
 * @param turnMs The longest stretch without a turn.
 * @yields The same items.
 */
export async function* paced<T>(items: AsyncIterable<T>, turnMs = TURN_MS): AsyncGenerator<T> {
  let since = performance.now();
  for await (const item of items) {
    yield item;
    const now = performance.now();
    if (now - since >= turnMs) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      since = performance.now();
    }
  }
}
