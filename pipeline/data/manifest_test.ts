import assert from "node:assert/strict";
import { splitManifest, stratifiedSplit, writeSplitManifest } from "../mod.ts";
import { FIGURE_SPEC, figureData } from "../testdata/figures_fixture.ts";

Deno.test("splitManifest() holds the seeded split and each part's class counts", async () => {
  const data = await figureData();
  const manifest = splitManifest(data, { seed: 7, validation: 0.25, test: 0.25 });
  assert.deepEqual(
    manifest.rows,
    stratifiedSplit(data.labels, { seed: 7, validation: 0.25, test: 0.25 }),
  );
  assert.deepEqual(manifest.fractions, { validation: 0.25, test: 0.25 });
  const parts = Object.values(manifest.counts);
  assert.equal(parts.reduce((a, c) => a + c.rows, 0), 12);
  assert.equal(parts.reduce((a, c) => a + c.positives, 0), 4);
  for (const [name, count] of Object.entries(manifest.counts)) {
    const rows = manifest.rows[name as keyof typeof manifest.rows];
    assert.equal(count.positives, rows.filter((r) => data.labels[r] === 1).length);
  }
});

Deno.test("writeSplitManifest() writes <spec name>-seed<seed>.json that reads back equal", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const manifest = splitManifest(await figureData(), { seed: 3 });
    const path = await writeSplitManifest(manifest, FIGURE_SPEC, { dir: `${dir}/splits` });
    assert.equal(path, `${dir}/splits/figures_fixture-seed3.json`);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), manifest);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
