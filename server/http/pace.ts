/**
 * Pacing a loop over a request's records, so one body never holds the event loop: the loop gives
 * other requests a turn every few milliseconds. (Its own module: `node:timers` brings Node's
 * stream types, which would retype `TextDecoderStream` in the body readers.)
 *
 * @module
 */
import { setImmediate } from "node:timers";

/** How long a loop over a body's records may hold the event loop before other requests get a turn. */
export const TURN_MS = 4;

/**
 * Passes items through, giving the event loop a turn (a macrotask: timers, sockets, other
 * requests) whenever {@linkcode TURN_MS} have passed since the last one. A body already in the
 * socket's buffers is otherwise read through promise callbacks alone, which run before any other
 * request: 900,000 rows held `/health` for seconds.
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
      await new Promise((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
}
