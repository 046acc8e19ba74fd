import assert from "node:assert/strict";
import { Drain } from "./drain.ts";

Deno.test("Drain.start() waits for every enter() to be left and every hold() released", async () => {
  const drain = new Drain();
  drain.enter();
  drain.enter();
  const release = drain.hold();
  assert.equal(drain.active, 3);
  let done = false;
  const started = drain.start(10_000).then((drained) => (done = drained));
  assert.equal(drain.draining, true);
  drain.leave();
  release();
  release(); // a second release changes nothing
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(done, false);
  assert.equal(drain.active, 1);
  drain.leave();
  assert.equal(await started, true);
  assert.equal(drain.active, 0);
});
