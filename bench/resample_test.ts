import assert from "node:assert/strict";
import { mulberry32, sampleIndices } from "../pipeline/mod.ts";
import { resampleCsv, splitRecords } from "./resample.ts";

const TINY = new URL("./testdata/tiny.csv", import.meta.url).pathname;

Deno.test("splitRecords() keeps quoted commas and line breaks inside their record", async () => {
  const { header, records } = splitRecords(await Deno.readTextFile(TINY));
  assert.equal(header, "id,name,score");
  assert.deepEqual(records, ['1,"Smith, Ann",10', '2,"Line\nbreak",20', "3,Bo,30"]);
  assert.deepEqual(splitRecords("\ufeffa,b\r\n1,2\r\n\r\n").records, ["1,2"]);
});

Deno.test("resampleCsv() draws rows with the pipeline's seeded generator, the same for a seed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "resample-test-" });
  try {
    const written = await resampleCsv(TINY, `${dir}/a.csv`, { rows: 50_000, seed: 7 });
    await resampleCsv(TINY, `${dir}/b.csv`, { rows: 50_000, seed: 7 });
    await resampleCsv(TINY, `${dir}/c.csv`, { rows: 50_000, seed: 8 });
    const a = await Deno.readTextFile(`${dir}/a.csv`);
    assert.equal(written.rows, 50_000);
    assert.equal(written.bytes, new TextEncoder().encode(a).length);
    assert.equal(a, await Deno.readTextFile(`${dir}/b.csv`));
    assert.notEqual(a, await Deno.readTextFile(`${dir}/c.csv`));
    const { header, records } = splitRecords(a);
    assert.equal(header, "id,name,score");
    assert.equal(records.length, 50_000);
    // Chunked writing draws exactly what one sampleIndices() call draws.
    const source = splitRecords(await Deno.readTextFile(TINY)).records;
    const expected = sampleIndices(3, 50_000, mulberry32(7)).map((i) => source[i]);
    assert.deepEqual(records, expected);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
