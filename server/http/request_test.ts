import assert from "node:assert/strict";
import { Hono } from "hono";
import fc from "fast-check";
import { limit, MAX_JSON_DEPTH, readJson, tooDeep } from "./request.ts";

Deno.test("tooDeep() finds nesting past the bound, names its field and skips strings", () => {
  assert.equal(tooDeep('{"students":[{"Age":17}]}'), undefined);
  assert.equal(tooDeep("[".repeat(MAX_JSON_DEPTH)), undefined);
  assert.equal(tooDeep("[".repeat(MAX_JSON_DEPTH + 1)), "");
  assert.equal(tooDeep("[".repeat(1 << 20)), "");
  assert.equal(tooDeep(`{"a":"${"[".repeat(100)}"}`), undefined);
  assert.equal(tooDeep(`{"a":"\\"${"{".repeat(100)}"}`), undefined);
  assert.equal(tooDeep("[]".repeat(1000)), undefined);
  assert.equal(tooDeep(`{"x":1,"School":${'{"a":'.repeat(100)}`), "School");
  assert.equal(tooDeep(`{"students":[{},${"[".repeat(100)}`), "students.1");
  // An escaped backslash ends before the quote, which closes the string.
  assert.equal(tooDeep(`{"a":"x\\\\","b":${"[".repeat(100)}`), "b.0");
  assert.equal(tooDeep(`{"a":"x\\"${"[".repeat(100)}"}`), undefined);
});

Deno.test("limit() answers 413 past the bound, by Content-Length or as a chunked body arrives", async () => {
  const app = new Hono();
  app.post("/", limit(10), async (c) => c.text(String((await c.req.arrayBuffer()).byteLength)));
  const chunked = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    });
  // A Content-Length past the bound is answered without reading a byte: this body never ends.
  const endless = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
  const sized = await app.request("/", {
    method: "POST",
    headers: { "content-length": "11" },
    body: endless,
  });
  assert.equal(sized.status, 413);
  assert.match((await sized.json()).error, /at most 10 bytes/);
  const ok = await app.request("/", {
    method: "POST",
    headers: { "content-length": "10" },
    body: "x".repeat(10),
  });
  assert.equal(await ok.text(), "10");
  const streamed = await app.request("/", { method: "POST", body: chunked("x".repeat(11)) });
  assert.equal(streamed.status, 413);
  const small = await app.request("/", { method: "POST", body: chunked("x".repeat(3)) });
  assert.equal(await small.text(), "3");
});

Deno.test("readJson() refuses exactly the bodies tooDeep() finds too deep, and names the field", async () => {
  const app = new Hono();
  app.onError((error, c) => c.text(error.message, 400));
  app.post("/", async (c) => {
    await readJson(c);
    return c.text("parsed");
  });
  // Brackets, quotes, escapes, a multi-byte character, a BOM and runs of openers: about half the
  // bodies nest too deep, some of them inside a named field.
  const token = fc.oneof(
    fc.constantFrom("[", "{", "]", "}", '"', "\\", ",", ":", "1", "é", "\uFEFF", '{"a":', '"x\\"'),
    fc.integer({ min: 1, max: 40 }).map((k) => "[".repeat(k)),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(token, { maxLength: 40 }), async (tokens) => {
      const text = tokens.join("");
      const res = await app.request("/", { method: "POST", body: text });
      const message = await res.text();
      const deep = tooDeep(text.replace(/^\uFEFF/, ""));
      if (deep === undefined) assert.doesNotMatch(message, /nested deeper/);
      else assert.ok(message.includes(`${deep || "the body"} is nested deeper`), message);
    }),
    { numRuns: 3000, seed: 24 },
  );
});
