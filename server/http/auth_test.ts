import assert from "node:assert/strict";
import { Hono } from "hono";
import { adminOnly, constantTimeEqual } from "./auth.ts";

Deno.test("constantTimeEqual() tells equal strings from different ones", async () => {
  assert.equal(await constantTimeEqual("abc", "abc"), true);
  assert.equal(await constantTimeEqual("abc", "abd"), false);
  assert.equal(await constantTimeEqual("abc", "abcd"), false);
});

Deno.test("adminOnly() answers 403, 401 or passes, never reading the body first", async () => {
  let read = 0;
  const make = (token?: string) =>
    new Hono().post("/x", adminOnly(token), async (c) => {
      read++;
      return c.text(await c.req.text());
    });
  const req = (auth?: string) =>
    new Request("http://x/x", {
      method: "POST",
      body: "payload",
      headers: auth ? { authorization: auth } : {},
    });
  assert.equal((await make().request(req("Bearer s"))).status, 403);
  assert.equal((await make("s").request(req())).status, 401);
  assert.equal((await make("s").request(req("Bearer t"))).status, 401);
  assert.equal((await make("s").request(req("Basic s"))).status, 401);
  assert.equal(read, 0);
  const ok = await make("s").request(req("Bearer s"));
  assert.equal(await ok.text(), "payload");
});
