import assert from "node:assert/strict";
import { paced } from "./pace.ts";

/** Items that each hold the thread about a millisecond, as scoring a chunk of rows does. */
async function* busy(count: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) {
    const until = performance.now() + 1;
    while (performance.now() < until) { /* work */ }
    yield i;
  }
}

Deno.test("paced() passes every item through in order and closes what it opened", async () => {
  const seen: number[] = [];
  for await (const item of paced(busy(20), 2)) seen.push(item);
  assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => i));
  // Stopped early, it closes its sockets too (the resource sanitizer checks both).
  for await (const item of paced(busy(20), 2)) if (item === 5) break;
});

Deno.test("paced() loops running at once all finish, sharing their turns, and close what they opened", async () => {
  const collect = async (items: AsyncIterable<number>) => {
    const seen: number[] = [];
    for await (const item of items) seen.push(item);
    return seen;
  };
  const runs = await Promise.all([1, 2, 3].map(() => collect(paced(busy(30), 1))));
  for (const seen of runs) assert.deepEqual(seen, Array.from({ length: 30 }, (_, i) => i));
  // A loop after them opens the pair afresh and closes it again (the resource sanitizer checks).
  assert.equal((await collect(paced(busy(5), 1))).length, 5);
});

Deno.test("paced() lets another request in the same process be answered while a loop runs; an unpaced loop does not", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("ok"),
  );
  const url = `http://127.0.0.1:${server.addr.port}/`;
  try {
    // Warm the client's connection, so each loop waits on one request alone.
    await (await fetch(url)).text();
    const answeredDuring = async (items: AsyncIterable<number>) => {
      let answered = false;
      const request = fetch(url).then((res) => res.text()).then(() => answered = true);
      for await (const _ of items) { /* the loop holds the thread between items */ }
      const during = answered;
      await request;
      return during;
    };
    // The same loop either way: the outcome, not its time, tells them apart.
    assert.equal(await answeredDuring(busy(300)), false, "unpaced: answered only after the loop");
    assert.equal(await answeredDuring(paced(busy(300))), true, "paced: answered during the loop");
  } finally {
    await server.shutdown();
  }
});
