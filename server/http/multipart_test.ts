import assert from "node:assert/strict";
import fc from "fast-check";
import { HttpError } from "./http_errors.ts";
import { multipartBoundary, multipartField, MultipartReader } from "./multipart.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A stream giving `bytes` cut at `cuts` (offsets, any order, out-of-range ones ignored). */
function chunked(bytes: Uint8Array, cuts: number[] = []): ReadableStream<Uint8Array> {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    pieces.push(bytes.slice(from, p));
    from = p;
  }
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < pieces.length) controller.enqueue(pieces[i++]);
      else controller.close();
    },
  }, { highWaterMark: 0 });
}

interface Spec {
  name: string;
  filename?: string;
  type?: string;
  content: Uint8Array;
}

/** A multipart body written by hand, as RFC 7578 lays it out. */
function body(
  parts: Spec[],
  boundary: string,
  extra: { preamble?: string; epilogue?: string } = {},
) {
  const out: Uint8Array[] = [];
  if (extra.preamble !== undefined) out.push(enc.encode(`${extra.preamble}\r\n`));
  for (const p of parts) {
    const file = p.filename === undefined ? "" : `; filename="${p.filename}"`;
    const type = p.type === undefined ? "" : `Content-Type: ${p.type}\r\n`;
    out.push(
      enc.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${file}\r\n${type}\r\n`,
      ),
    );
    out.push(p.content, enc.encode("\r\n"));
  }
  out.push(enc.encode(`--${boundary}--${extra.epilogue ?? ""}`));
  const all = new Uint8Array(out.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of out) {
    all.set(a, at);
    at += a.length;
  }
  return all;
}

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Every part, its content read whole. */
async function readParts(stream: ReadableStream<Uint8Array>, boundary: string) {
  const reader = new MultipartReader(stream, boundary);
  const out: { name: string; filename?: string; contentType?: string; content: Uint8Array }[] = [];
  for (let part = await reader.next(); part; part = await reader.next()) {
    out.push({ ...part, content: await bytesOf(part.body) });
  }
  return out.map(({ name, filename, contentType, content }) => ({
    name,
    filename,
    contentType,
    content,
  }));
}

async function rejects400(promise: Promise<unknown>, match: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof HttpError, String(error));
    assert.equal(error.status, 400);
    assert.match(error.message, match);
    return true;
  });
}

Deno.test("multipartBoundary() reads the boundary, quoted or not, and refuses a missing one", () => {
  assert.equal(multipartBoundary("multipart/form-data; boundary=abc123"), "abc123");
  assert.equal(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b:c"'), "a b:c");
  assert.throws(
    () => multipartBoundary("multipart/form-data"),
    /Malformed form body: the Content-Type header has no boundary/,
  );
  assert.throws(
    () => multipartBoundary(`multipart/form-data; boundary=${"x".repeat(71)}`),
    /at most 70/,
  );
});

Deno.test("MultipartReader reads what FormData serialises: fields, files, names and types", async () => {
  const form = new FormData();
  form.append("note", "hello");
  form.append("file", new File(["a,b\r\n1,2\n"], "students.csv", { type: "text/csv" }));
  const res = new Response(form);
  const boundary = multipartBoundary(res.headers.get("content-type")!);
  const parts = await readParts(res.body!, boundary);
  assert.deepEqual(parts.map((p) => [p.name, p.filename, p.contentType, dec.decode(p.content)]), [
    ["note", undefined, undefined, "hello"],
    ["file", "students.csv", "text/csv", "a,b\r\n1,2\n"],
  ]);
});

Deno.test("MultipartReader gives the same parts however the body is cut into chunks", () => {
  const boundary = "----X7";
  // Content rich in the bytes that start a delimiter, so that partial delimiters abound.
  const content = fc.array(
    fc.oneof(
      fc.constantFrom(13, 10, 45, 88, 55, 32),
      fc.integer({ min: 0, max: 255 }),
    ),
    { maxLength: 60 },
  ).map((a) => new Uint8Array(a));
  const tricky = fc.constantFrom("\r", "\r\n", "\r\n-", "\r\n--", "\r\n----X", "\r\n----X7x", "--");
  const part = fc.record({
    name: fc.constantFrom("file", "note", "a b"),
    content: fc.tuple(content, tricky, content).map(([a, t, b]) =>
      new Uint8Array([...a, ...enc.encode(t), ...b])
    ),
  });
  return fc.assert(
    fc.asyncProperty(
      fc.array(part, { minLength: 1, maxLength: 4 }),
      fc.array(fc.integer({ min: 1, max: 600 }), { maxLength: 30 }),
      async (parts, cuts) => {
        const bytes = body(parts, boundary, { preamble: "ignored", epilogue: "\r\nignored" });
        const read = await readParts(chunked(bytes, cuts), boundary);
        assert.deepEqual(
          read.map((p) => [p.name, [...p.content]]),
          parts.map((p) => [p.name, [...p.content]]),
        );
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("MultipartReader handles the edges of the format", async (t) => {
  const b = "bnd";
  await t.step("a preamble and an epilogue are skipped", async () => {
    const bytes = body([{ name: "file", content: enc.encode("x") }], b, {
      preamble: "This is a preamble.\r\n--bnd-not-quite",
      epilogue: '\r\n--bnd\r\nContent-Disposition: form-data; name="late"\r\n\r\nno',
    });
    const parts = await readParts(chunked(bytes, [3, 20, 40]), b);
    assert.deepEqual(parts.map((p) => [p.name, dec.decode(p.content)]), [["file", "x"]]);
  });
  await t.step("content ending in CR, CRLF or a partial delimiter keeps those bytes", async () => {
    for (const tail of ["\r", "\r\n", "\r\n-", "\r\n--bn", "\r\n\r\n"]) {
      const bytes = body([{ name: "file", content: enc.encode(`a,b\r\n1,2${tail}`) }], b);
      for (let cut = 1; cut < bytes.length; cut++) {
        const [part] = await readParts(chunked(bytes, [cut]), b);
        assert.equal(dec.decode(part.content), `a,b\r\n1,2${tail}`, JSON.stringify({ tail, cut }));
      }
    }
  });
  await t.step("an empty part and padding after the boundary are read", async () => {
    const bytes = enc.encode(
      '--bnd  \t\r\nContent-Disposition: form-data; name="e"\r\n\r\n\r\n--bnd--',
    );
    const parts = await readParts(chunked(bytes), b);
    assert.deepEqual(parts.map((p) => [p.name, p.content.length]), [["e", 0]]);
  });
  await t.step("quoted names with escapes and RFC 5987 file names are decoded", async () => {
    const bytes = enc.encode(
      '--bnd\r\ncontent-disposition: form-data; name="a \\"q\\""; filename="x.csv"; ' +
        "filename*=UTF-8''%C3%A9l%C3%A8ves.csv\r\n\r\nv\r\n--bnd--",
    );
    const [part] = await readParts(chunked(bytes), b);
    assert.equal(part.name, 'a "q"');
    assert.equal(part.filename, "élèves.csv");
  });
  await t.step("a part left unread is skipped when the next is asked for", async () => {
    const bytes = body([
      { name: "big", content: enc.encode("z".repeat(10_000)) },
      { name: "file", content: enc.encode("kept") },
    ], b);
    const reader = new MultipartReader(chunked(bytes, [100, 5000]), b);
    assert.equal((await reader.next())?.name, "big");
    const second = await reader.next();
    assert.equal(second?.name, "file");
    assert.equal(dec.decode(await bytesOf(second!.body)), "kept");
    assert.equal(await reader.next(), undefined);
  });
});

Deno.test("MultipartReader refuses malformed bodies with a 400 naming what is wrong", async (t) => {
  const b = "bnd";
  const first = (text: string, limits?: { headerBytes: number; parts: number }) =>
    new MultipartReader(chunked(enc.encode(text)), b, limits).next();
  await t.step("no boundary line at all", async () => {
    await rejects400(first("just,a,csv\n1,2,3\n"), /has no boundary line/);
  });
  await t.step("LF-only line ends are not boundaries", async () => {
    await rejects400(
      first('--bnd\nContent-Disposition: form-data; name="f"\n\nx\n--bnd--'),
      /has no boundary line/,
    );
    await rejects400(
      first('--bnd\rContent-Disposition: form-data; name="f"\r\n\r\nx\r\n--bnd--'),
      /the boundary line of part 1 does not end with CRLF/,
    );
  });
  await t.step("a body cut inside the headers", async () => {
    await rejects400(
      first("--bnd\r\nContent-Disposition: form-data; na"),
      /ended before its closing boundary|ended after part|ended/,
    );
  });
  await t.step("a body cut inside a part's content errors its stream", async () => {
    const part = await first(
      '--bnd\r\nContent-Disposition: form-data; name="file"\r\n\r\nSchool,Age\n1,2',
    );
    assert.equal(part?.name, "file");
    await rejects400(
      bytesOf(part!.body),
      /ended inside part 1 \("file"\), before its closing boundary/,
    );
  });
  await t.step("a part without Content-Disposition, or without a name", async () => {
    await rejects400(
      first("--bnd\r\nContent-Type: text/csv\r\n\r\nx\r\n--bnd--"),
      /part 1 has no Content-Disposition/,
    );
    await rejects400(
      first("--bnd\r\nContent-Disposition: form-data\r\n\r\nx\r\n--bnd--"),
      /part 1 has no name/,
    );
    await rejects400(first("--bnd\r\nno colon here\r\n\r\nx\r\n--bnd--"), /no name and colon/);
  });
  await t.step("headers past the bound", async () => {
    const long = `--bnd\r\nContent-Disposition: form-data; name="f"\r\nX-Pad: ${
      "p".repeat(300)
    }\r\n\r\nx\r\n--bnd--`;
    await rejects400(
      first(long, { headerBytes: 100, parts: 4 }),
      /headers of part 1 are longer than 100 bytes/,
    );
  });
  await t.step("more parts than the bound", async () => {
    const parts = Array.from(
      { length: 5 },
      (_, i) => ({ name: `p${i}`, content: enc.encode("v") }),
    );
    const reader = new MultipartReader(chunked(body(parts, b)), b, { headerBytes: 100, parts: 4 });
    for (let i = 0; i < 4; i++) await reader.next();
    await rejects400(reader.next(), /more than 4 parts/);
  });
});

Deno.test("multipartField() finds the named field and reports a body without it", async (t) => {
  const type = "multipart/form-data; boundary=bnd";
  await t.step("the file after other fields", async () => {
    const bytes = body([
      { name: "note", content: enc.encode("n") },
      { name: "file", filename: "a.csv", type: "text/csv", content: enc.encode("a\n1\n") },
    ], "bnd");
    const part = await multipartField(chunked(bytes, [7, 70]), type, "file");
    assert.equal(part?.filename, "a.csv");
    assert.equal(dec.decode(await bytesOf(part!.body)), "a\n1\n");
  });
  await t.step("a file part named otherwise is not taken for it", async () => {
    const bytes = body(
      [{ name: "upload", filename: "a.csv", content: enc.encode("a\n1\n") }],
      "bnd",
    );
    assert.equal(await multipartField(chunked(bytes), type, "file"), undefined);
  });
  await t.step("a missing boundary fails before the body is read", async () => {
    let pulled = false;
    const stream = new ReadableStream<Uint8Array>({ pull: () => void (pulled = true) }, {
      highWaterMark: 0,
    });
    await rejects400(multipartField(stream, "multipart/form-data", "file"), /no boundary/);
    assert.equal(pulled, false);
  });
});

Deno.test("A multipart file is read from its source only as fast as it is consumed", async () => {
  const head = enc.encode('--bnd\r\nContent-Disposition: form-data; name="file"\r\n\r\n');
  const chunk = enc.encode("1,2,3\n".repeat(1000));
  let pulls = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls++;
      controller.enqueue(pulls === 1 ? head : chunk);
      if (pulls > 10_000) controller.close();
    },
  }, { highWaterMark: 0 });
  const part = await multipartField(source, "multipart/form-data; boundary=bnd", "file");
  const reader = part!.body.getReader();
  for (let i = 0; i < 3; i++) assert.equal((await reader.read()).value?.length, chunk.length);
  // 3 chunks read: the head, those 3, and at most one read ahead by the streams.
  assert.ok(pulls <= 5, `${pulls} pulls`);
  await reader.cancel();
});
