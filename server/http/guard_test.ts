import assert from "node:assert/strict";
import { MAX_CHUNK_LINE, MAX_HEAD_BYTES, startGuard, type Timeouts } from "./guard.ts";

const TIMEOUTS: Timeouts = { headersMs: 300, bodyIdleMs: 300, requestMs: 1200, keepAliveMs: 500 };
/**
 * A timer's close is judged by its lower bound (never before the limit); the upper bound only says
 * it closed at all, and holds on a busy machine: the suite asserts outcomes, not wall times.
 */
const CLOSES_MS = 30_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A small server behind the front: echoes the body's length, or waits before reading it. */
async function withFront(
  body: (url: string, port: number) => Promise<void>,
  timeouts: Timeouts = TIMEOUTS,
  maxConnections?: number,
): Promise<void> {
  const ready = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => ready.resolve(port),
  }, async (req) => {
    const wait = Number(new URL(req.url).searchParams.get("wait") ?? 0);
    if (wait) await new Promise((r) => setTimeout(r, wait));
    const bytes = await req.bytes();
    return Response.json({ length: bytes.length, method: req.method });
  });
  const guard = startGuard({ hostname: "127.0.0.1", port: 0 }, {
    hostname: "127.0.0.1",
    port: await ready.promise,
  }, { timeouts, maxConnections });
  try {
    await body(`http://127.0.0.1:${guard.addr.port}`, guard.addr.port);
  } finally {
    await server.shutdown();
    await guard.close(1000);
  }
}

/** Reads a socket until it closes; gives what came and when it closed. */
async function readToEnd(conn: Deno.Conn, started: number): Promise<{ text: string; ms: number }> {
  let text = "";
  const buffer = new Uint8Array(4096);
  try {
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += decoder.decode(buffer.subarray(0, n));
    }
  } catch {
    // reset by the peer: closed too
  }
  return { text, ms: performance.now() - started };
}

/** Writes, ignoring a socket the other side closed. */
async function send(conn: Deno.Conn, text: string): Promise<boolean> {
  try {
    await conn.write(encoder.encode(text));
    return true;
  } catch {
    return false;
  }
}

Deno.test("startGuard() passes requests through unchanged, keep-alive and chunked", async () => {
  await withFront(async (url) => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${url}/x`, { method: "POST", body: "x".repeat(1000 * i) });
      assert.deepEqual(await res.json(), { length: 1000 * i, method: "POST" });
    }
    const big = new Uint8Array(5_000_000);
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 50; i++) c.enqueue(big.subarray(i * 100_000, (i + 1) * 100_000));
        c.close();
      },
    });
    const res = await fetch(`${url}/x`, { method: "PUT", body: chunked });
    assert.deepEqual(await res.json(), { length: 5_000_000, method: "PUT" });
  });
});

Deno.test("startGuard() closes sockets that send their head one line at a time", async () => {
  await withFront(async (url, port) => {
    const started = performance.now();
    const sockets = await Promise.all(
      Array.from({ length: 5 }, () => Deno.connect({ hostname: "127.0.0.1", port })),
    );
    const ends = sockets.map((s) => readToEnd(s, started));
    let writing = true;
    const drip = (async () => {
      for (let i = 0; writing; i++) {
        for (const s of sockets) await send(s, i === 0 ? "GET / HTTP/1.1\r\n" : `X-${i}: y\r\n`);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    // The front still answers others meanwhile.
    const res = await fetch(`${url}/health`);
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const results = await Promise.all(ends);
    writing = false;
    await drip;
    for (const { text, ms } of results) {
      assert.match(text, /^HTTP\/1\.1 408 Request Timeout\r\n/);
      assert.match(text, /"error":"Request timeout: the head took over 300 ms"/);
      assert.ok(ms >= 300 && ms < CLOSES_MS, `closed after ${ms} ms`);
    }
    for (const s of sockets) s.close();
  });
});

Deno.test("startGuard() ends a body that stops or drips", async (t) => {
  await withFront(async (_url, port) => {
    await t.step("a body silent past bodyIdleMs is closed with 408", async () => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const started = performance.now();
      await send(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
      const { text, ms } = await readToEnd(conn, started);
      conn.close();
      assert.match(text, /^HTTP\/1\.1 408 /);
      assert.match(text, /the body was idle over 300 ms/);
      assert.ok(ms >= 300 && ms < CLOSES_MS, `${ms} ms`);
    });
    await t.step("a body dripped under the idle limit is ended by requestMs", async () => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const started = performance.now();
      await send(conn, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      const end = readToEnd(conn, started);
      let open = true;
      end.then(() => open = false);
      while (open && performance.now() - started < 5000) {
        await send(conn, "1\r\nz\r\n");
        await new Promise((r) => setTimeout(r, 100));
      }
      const { text, ms } = await end;
      conn.close();
      assert.match(text, /the request took over 1200 ms/);
      assert.ok(ms >= 1200 && ms < CLOSES_MS, `${ms} ms`);
    });
  });
});

Deno.test("startGuard() closes idle keep-alive connections and refuses huge heads", async (t) => {
  await withFront(async (_url, port) => {
    await t.step("an answered connection left idle closes after keepAliveMs", async () => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const started = performance.now();
      await send(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      const { text, ms } = await readToEnd(conn, started);
      conn.close();
      assert.match(text, /^HTTP\/1\.1 200 /);
      assert.ok(ms >= 500 && ms < CLOSES_MS, `${ms} ms`);
    });
    await t.step(`a head over ${MAX_HEAD_BYTES} bytes is a 431`, async () => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const started = performance.now();
      const head = `GET / HTTP/1.1\r\nX-Big: ${"b".repeat(MAX_HEAD_BYTES)}\r\n\r\n`;
      const sending = send(conn, head);
      const { text } = await readToEnd(conn, started);
      await sending;
      conn.close();
      assert.match(text, /^HTTP\/1\.1 431 /);
    });
  });
});

Deno.test("startGuard() does not count the server's own slowness against the client", async () => {
  // The server waits 900 ms, three times bodyIdleMs, before reading a body larger than the
  // sockets' buffers, so the client is held back by the server, not idle.
  await withFront(async (url) => {
    const res = await fetch(`${url}/x?wait=900`, {
      method: "POST",
      body: new Uint8Array(32_000_000),
    });
    assert.deepEqual(await res.json(), { length: 32_000_000, method: "POST" });
  }, { ...TIMEOUTS, keepAliveMs: 3000, requestMs: 3000 });
});

Deno.test("startGuard() refuses what it cannot frame, so nothing passes untimed", async (t) => {
  await withFront(async (_url, port) => {
    const refused = async (text: string) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const sending = send(conn, text);
      const { text: got } = await readToEnd(conn, performance.now());
      await sending;
      conn.close();
      return got;
    };
    await t.step("HTTP/2 with prior knowledge gets 505", async () => {
      const got = await refused("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
      assert.match(got, /^HTTP\/1\.1 505 /);
    });
    await t.step("a 16-digit Content-Length gets 400", async () => {
      const got = await refused(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000000\r\n\r\n",
      );
      assert.match(got, /^HTTP\/1\.1 400 /);
      assert.match(got, /Content-Length/);
    });
    await t.step("a 13-hex-digit chunk size gets 400", async () => {
      const got = await refused(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000\r\n",
      );
      assert.match(got, /^HTTP\/1\.1 400 /);
      assert.match(got, /chunk size/);
    });
    await t.step(`a chunk extension past ${MAX_CHUNK_LINE} bytes gets 400`, async () => {
      const got = await refused(
        `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;${"e".repeat(2000)}\r\n`,
      );
      assert.match(got, /^HTTP\/1\.1 400 /);
    });
  });
});

Deno.test("startGuard() refuses connections past its cap with 503 and serves again once they close", async () => {
  await withFront(
    async (url, port) => {
      const held = await Promise.all(
        Array.from({ length: 4 }, () => Deno.connect({ hostname: "127.0.0.1", port })),
      );
      // The front counts a connection once it has accepted it: wait until the cap is reached.
      let extra: { text: string } | undefined;
      for (let tries = 0; tries < 50 && !extra?.text.includes(" 503 "); tries++) {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        extra = await readToEnd(conn, performance.now());
        conn.close();
      }
      assert.match(extra!.text, /^HTTP\/1\.1 503 /);
      for (const conn of held) conn.close();
      let status = 0;
      for (let tries = 0; tries < 50 && status !== 200; tries++) {
        const res = await fetch(url).catch(() => undefined);
        status = res?.status ?? 0;
        await res?.body?.cancel();
        if (status !== 200) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(status, 200);
    },
    { ...TIMEOUTS, headersMs: 5000, keepAliveMs: 5000, requestMs: 5000 },
    4,
  );
});
