import assert from "node:assert/strict";
import { BodyCredit } from "./body_credit.ts";

/** Whether a promise has settled after the pending callbacks ran. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  promise.then(() => done = true);
  await new Promise((r) => setTimeout(r, 0));
  return done;
}

Deno.test("BodyCredit holds the front only past the window, until the route has read enough", async () => {
  const credit = new BodyCredit(100);
  assert.equal(credit.wait(5000, 1_000_000), undefined, "a body no route streams is never held");
  const account = credit.open(5000);
  assert.equal(credit.wait(5000, 100), undefined, "within the window");
  const behind = credit.wait(5000, 250);
  assert.ok(behind);
  account.read(100);
  assert.equal(await settled(behind), false, "read 100 of the 150 needed");
  account.read(50);
  assert.equal(await settled(behind), true);
  assert.equal(credit.wait(5000, 250), undefined);
});

Deno.test("BodyCredit lets a waiting front go on when the route closes or the connection ends", async (t) => {
  await t.step("close()", async () => {
    const credit = new BodyCredit(10);
    const account = credit.open(1);
    const behind = credit.wait(1, 50)!;
    account.close();
    assert.equal(await settled(behind), true);
    assert.equal(credit.size, 0);
    assert.equal(credit.wait(1, 1000), undefined);
  });
  await t.step("release()", async () => {
    const credit = new BodyCredit(10);
    credit.open(1);
    const behind = credit.wait(1, 50)!;
    credit.release(1);
    assert.equal(await settled(behind), true);
    assert.equal(credit.size, 0);
  });
});

Deno.test("BodyCredit.open() ends the credit a connection's previous request left open", async () => {
  const credit = new BodyCredit(10);
  const first = credit.open(7);
  const behind = credit.wait(7, 50)!;
  const second = credit.open(7);
  assert.equal(await settled(behind), true, "the previous request's wait ends");
  first.close(); // closing the old account leaves the new one
  assert.equal(credit.size, 1);
  assert.ok(credit.wait(7, 50), "the new request is held by its own reads");
  second.read(40);
  assert.equal(credit.wait(7, 50), undefined);
  second.close();
  assert.equal(credit.size, 0);
});
