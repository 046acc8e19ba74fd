import assert from "node:assert/strict";
import { csvRecords, lines } from "./csv_stream.ts";
import { HttpError } from "./http_errors.ts";

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

Deno.test("lines() and csvRecords() take linear time on one long line", async () => {
  // The same text in 64 KiB chunks, one line of it, at two sizes ten times apart.
  const time = async (
    chars: number,
    read: (c: AsyncIterable<string>) => AsyncGenerator<unknown>,
  ) => {
    const text = "x".repeat(chars);
    const cuts = Array.from({ length: Math.floor(chars / 65536) }, (_, i) => (i + 1) * 65536);
    const t0 = performance.now();
    await collect(read(chunked(text, cuts)));
    return performance.now() - t0;
  };
  const unbounded = { lineChars: Infinity, columns: Infinity };
  for (
    const [name, read] of [
      ["lines", (c: AsyncIterable<string>) => lines(c, Infinity)],
      ["csvRecords", (c: AsyncIterable<string>) => csvRecords(c, unbounded)],
    ] as const
  ) {
    const small = await time(2_000_000, read);
    const large = await time(20_000_000, read);
    // Quadratic would be 100 times; linear about 10.
    assert.ok(large < 40 * Math.max(small, 1), `${name}: ${small} ms, then ${large} ms`);
  }
});

Deno.test("lines() refuses a line past the bound as soon as it is read", async (t) => {
  await t.step("a line at the bound passes", async () => {
    assert.deepEqual(await collect(lines(chunked("abcd\nef", [2]), 4)), ["abcd", "ef"]);
  });
  await t.step("a line past the bound is a 413, before the rest is read", async () => {
    let read = 0;
    async function* endless(): AsyncGenerator<string> {
      while (true) {
        read++;
        yield "y".repeat(1000);
      }
    }
    await assert.rejects(() => collect(lines(endless(), 4500)), (error: unknown) => {
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, 413);
      assert.equal(error.message, "Line too long: a record takes at most 4500 characters");
      return true;
    });
    assert.equal(read, 5);
  });
});

Deno.test("csvRecords() refuses a record past the line or column bound", async (t) => {
  const limits = { lineChars: 10, columns: 3 };
  await t.step("records at the bounds pass", async () => {
    assert.deepEqual(await collect(csvRecords(chunked("a,b,c\r\n1234567890\n", [3]), limits)), [
      ["a", "b", "c"],
      ["1234567890"],
    ]);
  });
  await t.step("a record past the line bound is a 413, in any chunking", async () => {
    for (const cuts of [[], [4], [1, 2, 3, 11]]) {
      await assert.rejects(
        () => collect(csvRecords(chunked('a\n"12345,67890"', cuts), limits)),
        (error: unknown) => error instanceof HttpError && error.status === 413,
      );
    }
  });
  await t.step("a fourth field is a 422 naming the bound", async () => {
    await assert.rejects(
      () => collect(csvRecords(chunked("a,b,c,d\n", []), limits)),
      (error: unknown) =>
        error instanceof HttpError && error.status === 422 &&
        error.message === "Too many columns: a record has at most 3 fields",
    );
  });
});
