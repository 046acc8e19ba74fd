import assert from "node:assert/strict";
import { InputError } from "../../pipeline/mod.ts";
import { storeTest } from "./_testing.ts";
import { addUser, authenticate, hashToken, listUsers } from "./users.ts";

storeTest("addUser() gives a token once and stores only its hash", async (store) => {
  const token = await addUser(store, { name: "carol", role: "adviser" });
  assert.ok(token.length >= 40);
  const row = await store.db.selectFrom("users").selectAll().where("name", "=", "carol")
    .executeTakeFirstOrThrow();
  assert.equal(row.token_hash, await hashToken(token));
  assert.ok(!JSON.stringify(row).includes(token));
  assert.deepEqual(await authenticate(store, token), { name: "carol", role: "adviser" });
  assert.equal(await authenticate(store, token + "x"), undefined);
  assert.ok((await listUsers(store)).some((u) => u.name === "carol" && u.role === "adviser"));
});

storeTest("ADMIN_TOKEN keeps working as the first admin", async (store) => {
  assert.deepEqual(await authenticate(store, "s3cret", "s3cret"), { name: "admin", role: "admin" });
  assert.equal(await authenticate(store, "s3cret", undefined), undefined);
});

storeTest("addUser() refuses a bad role, a bad name and a name taken", async (store) => {
  await assert.rejects(addUser(store, { name: "dan", role: "root" as "admin" }), InputError);
  await assert.rejects(addUser(store, { name: "a b", role: "viewer" }), InputError);
  await assert.rejects(addUser(store, { name: "admin", role: "viewer" }), InputError);
  await assert.rejects(addUser(store, { name: "alice", role: "viewer" }), /taken/);
});
