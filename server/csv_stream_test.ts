import assert from "node:assert/strict";
import { csvRecords, lines } from "./csv_stream.ts";

async function collect<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

async function* chunked(text: string, cuts: number[]): AsyncGenerator<string> {
  let start = 0;
  for (const cut of cuts) {
    yield text.slice(start, cut);
    start = cut;
  }
  yield text.slice(start);
}

const TEXT = '\ufeffid,name,note\r\n1,"Smith, J","said ""hi""\nthen left"\n\n2,Ann,\n3,"",x';
const EXPECTED = [
  ["id", "name", "note"],
  ["1", "Smith, J", 'said "hi"\nthen left'],
  ["2", "Ann", ""],
  ["3", "", "x"],
];

Deno.test("csvRecords() reads quotes, escapes, CRLF, blank lines and a BOM", async () => {
  assert.deepEqual(await collect(csvRecords(chunked(TEXT, []))), EXPECTED);
});

Deno.test("csvRecords() gives the same records however the text is chunked", async (t) => {
  for (let cut = 1; cut < TEXT.length; cut++) {
    for (const second of [cut + 1, cut + 3]) {
      const cuts = second < TEXT.length ? [cut, second] : [cut];
      await t.step(`cuts ${cuts.join(",")}`, async () => {
        assert.deepEqual(await collect(csvRecords(chunked(TEXT, cuts))), EXPECTED);
      });
    }
  }
});

Deno.test("lines() splits LF and CRLF across chunks and skips blank lines", async () => {
  const got = await collect(lines(chunked('{"a":1}\r\n\n{"b"', [4, 9])));
  assert.deepEqual(got, ['{"a":1}', '{"b"']);
});
