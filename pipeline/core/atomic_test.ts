import assert from "node:assert/strict";
import { holdLock } from "./_lock_holder.ts";
import { isHeld, whileHolding, writeFileAtomic } from "./atomic.ts";

Deno.test("isHeld() tells a lock another process holds from a file nobody holds", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/write.tmp`;
  assert.equal(await isHeld(path), false, "a missing file is not held");
  await Deno.writeTextFile(path, "half");
  assert.equal(await isHeld(path), false, "a crash's leftover is not held");
  const holder = await holdLock(path);
  assert.equal(await isHeld(path), true);
  await holder.release();
  assert.equal(await isHeld(path), false, "the lock goes with the process");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("writeFileAtomic() holds its temporary file until the rename, and leaves only the target", async () => {
  const dir = await Deno.makeTempDir();
  await writeFileAtomic(`${dir}/a.json`, '{"a": 1}');
  await writeFileAtomic(`${dir}/a.json`, '{"a": 2}');
  assert.equal(await Deno.readTextFile(`${dir}/a.json`), '{"a": 2}');
  assert.deepEqual(await Array.fromAsync(Deno.readDir(dir), (e) => e.name), ["a.json"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("whileHolding() holds its lock file during the write and removes it after", async () => {
  const dir = await Deno.makeTempDir();
  const lock = `${dir}/.tmp-x.lock`;
  const seen = await whileHolding(lock, async () => {
    // A check from outside the holder, as a sweeping replica makes it.
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        "--quiet",
        "const f = await Deno.open(Deno.args[0]); console.log(await f.tryLock(true));",
        lock,
      ],
      stdout: "piped",
    }).output();
    return new TextDecoder().decode(out.stdout).trim();
  });
  assert.equal(seen, "false", "another process could take the lock during the write");
  assert.equal(await isHeld(lock), false);
  await assert.rejects(() => Deno.stat(lock), Deno.errors.NotFound);
  await assert.rejects(
    () => whileHolding(lock, () => Promise.reject(new Error("disk full"))),
    /disk full/,
  );
  await assert.rejects(() => Deno.stat(lock), Deno.errors.NotFound, "removed after a failure too");
  await Deno.remove(dir, { recursive: true });
});
