import assert from "node:assert/strict";
import { freshPlace } from "./_testing.ts";
import { openStore } from "./store.ts";
import { authenticate } from "./users.ts";

const MAIN = new URL("./users_main.ts", import.meta.url).pathname;

async function run(args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("users add prints a token that then authenticates, once", async () => {
  const place = await freshPlace("sqlite");
  const env = { CASELOAD_DB: place.options.file! };
  const added = await run(["add", "erin", "--role", "adviser"], env);
  assert.equal(added.code, 0, added.stderr);
  const token = added.stdout.trim().split("\n").at(-1)!;
  const store = await openStore(place.options);
  try {
    assert.deepEqual(await authenticate(store, token), { name: "erin", role: "adviser" });
  } finally {
    await store.close();
  }
  const listed = await run(["list"], env);
  assert.match(listed.stdout, /^erin\tadviser\t/);
  assert.ok(!listed.stdout.includes(token));
  const bad = await run(["add", "finn", "--role", "boss"], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Invalid role "boss"/);
});
