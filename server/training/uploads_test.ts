import assert from "node:assert/strict";
import { loadSpec, SchemaError } from "../../pipeline/mod.ts";
import { DATA_PATH, SPEC_PATH } from "../_testing.ts";
import { DatasetStore } from "./uploads.ts";

const spec = await loadSpec(SPEC_PATH);
const lines = (await Deno.readTextFile(DATA_PATH)).trim().split("\n");
const csv = (rows: string[]) => new TextEncoder().encode([lines[0], ...rows].join("\n") + "\n");

Deno.test("DatasetStore stores a valid CSV by content hash and finds repeats", async () => {
  const dir = await Deno.makeTempDir();
  const store = new DatasetStore(`${dir}/uploads`, spec, () => Date.UTC(2026, 0, 1));
  const a = await store.add(csv(lines.slice(1, 41)), "first.csv");
  assert.equal(a.created, true);
  assert.match(a.info.id, /^[0-9a-f]{64}$/);
  assert.equal(a.info.rows, 40);
  assert.equal(a.info.prevalence, a.info.positives / 40);
  const again = await store.add(csv(lines.slice(1, 41)), "renamed.csv");
  assert.deepEqual([again.created, again.info.name], [false, "first.csv"]);
  const b = await store.add(csv(lines.slice(41, 61)), "second.csv");
  assert.notEqual(b.info.id, a.info.id);
  assert.equal((await store.list()).length, 2);
  assert.equal((await Deno.readTextFile(store.path(a.info.id))).split("\n").length, 42);
  assert.equal((await store.latest())?.id, b.info.id);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("DatasetStore rejects an invalid CSV listing every problem and stores nothing", async () => {
  const dir = await Deno.makeTempDir();
  const store = new DatasetStore(dir, spec);
  const bad = lines.slice(1, 6).map((l, i) => (i === 1 ? l.replace(/^GP,F,\d+/, "GP,F,abc") : l));
  bad[3] = bad[3].replace(/^GP/, "XX");
  const error = await store.add(csv(bad), "bad.csv").catch((e) => e);
  assert.ok(error instanceof SchemaError);
  assert.deepEqual(error.issues.map((i) => [i.row, i.column]), [[2, "Age"], [4, "School"]]);
  assert.deepEqual(await store.list(), []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("DatasetStore.sweep() leaves an upload another process is writing", async () => {
  const dir = await Deno.makeTempDir();
  const store = new DatasetStore(dir, spec);
  const { info } = await store.add(csv(lines.slice(1, 21)), "kept.csv");
  const writing = `${info.id}.csv.c0ffee00.tmp`;
  // The lock a writer holds (flock: another open file, as another process's, conflicts with it).
  const replica = await Deno.open(`${dir}/${writing}`, { write: true, createNew: true });
  await replica.lock(true);
  try {
    assert.deepEqual(await store.sweep(), []);
    assert.ok((await Array.fromAsync(Deno.readDir(dir), (e) => e.name)).includes(writing));
  } finally {
    replica.close();
  }
  assert.deepEqual(await store.sweep(), [writing], "a writer gone leaves a crash's leftover");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("DatasetStore.sweep() removes what a crash left mid-upload and keeps stored data", async () => {
  const dir = await Deno.makeTempDir();
  const store = new DatasetStore(dir, spec);
  assert.deepEqual(await new DatasetStore(`${dir}/absent`, spec).sweep(), []);
  const { info } = await store.add(csv(lines.slice(1, 21)), "kept.csv");
  await Deno.writeTextFile(`${store.path(info.id)}.0badc0de.tmp`, "School,Gen");
  assert.deepEqual(await store.sweep(), [`${info.id}.csv.0badc0de.tmp`]);
  assert.deepEqual((await Array.fromAsync(Deno.readDir(dir), (e) => e.name)).sort(), [
    `${info.id}.csv`,
    `${info.id}.json`,
    "latest",
  ]);
  assert.equal((await store.list()).length, 1);
  await Deno.remove(dir, { recursive: true });
});
