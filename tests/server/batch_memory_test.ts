import assert from "node:assert/strict";
import { measureBatchMemory } from "../../bench/batch_memory.ts";
import { resampleCsv, splitRecords } from "../../bench/resample.ts";
import { DATA_PATH, STUDENT, trainedRegistry } from "../../server/_testing.ts";
import { startServer } from "./_process.ts";

const ROWS = 200_000;
const MB = 1024 * 1024;
// Measured on 2 cores: before the bodies were streamed, 200,000 rows grew the server by about
// 395 MB as multipart and 170-190 MB as text/csv; streamed, by about 60 MB either way.
const GROWTH_MB = 120;

Deno.test("POST /v1/predict/batch answers 200,000 rows in bounded memory, as multipart and as text/csv", async (t) => {
  const { dir } = await trainedRegistry(5);
  const csv = `${dir}/rows-${ROWS}.csv`;
  await resampleCsv(DATA_PATH, csv, { rows: ROWS, seed: 42 });
  // A fresh server for each format, so that each starts from the idle figure of a warm server.
  for (const format of ["multipart", "csv"] as const) {
    await t.step(format, async () => {
      const server = await startServer(dir, {});
      try {
        // Warm the prediction path, so that the idle figure includes what every request loads.
        for (let i = 0; i < 50; i++) {
          const res = await fetch(`${server.url}/v1/predict`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(STUDENT),
          });
          assert.equal(res.status, 200);
          await res.body?.cancel();
        }
        const f = await measureBatchMemory(server, csv, { format, rows: ROWS, settleMs: 0 });
        const growth = (f.rss_peak_bytes - f.rss_idle_bytes) / MB;
        console.log(
          `${format}: ${f.answered} rows in ${f.seconds.toFixed(1)} s; RSS ${
            (f.rss_idle_bytes / MB).toFixed(0)
          } MB idle, peak ${(f.rss_peak_bytes / MB).toFixed(0)} MB (+${growth.toFixed(0)} MB)`,
        );
        assert.equal(f.status, 200);
        assert.equal(f.answered, ROWS, "every row answered");
        assert.equal(f.errors, 0, "no row answered with an error");
        assert.ok(growth < GROWTH_MB, `peak RSS grew by ${growth.toFixed(0)} MB`);
      } finally {
        await server.stop();
      }
    });
  }
});

Deno.test("A client that stops reading the answers stops the upload, as multipart and as text/csv", async (t) => {
  const { dir } = await trainedRegistry(5);
  const { header, records } = splitRecords(await Deno.readTextFile(DATA_PATH));
  const enc = new TextEncoder();
  const maxRows = 1_000_000; // the route's row limit: the body is bounded even if nothing stalls
  const boundary = "stall-test-boundary";
  // Through the front (its body credit holds the upload while the route gives other requests
  // turns), and without it, as behind nginx (the route is not paced there).
  const cases = [["multipart", "on"], ["csv", "on"], ["csv", "off"]] as const;
  for (const [format, front] of cases) {
    await t.step(`${format}, front ${front}`, async () => {
      const server = await startServer(dir, { FRONT: front });
      // By hand over TCP: a write counts once the kernel has taken it, so what is sent is what
      // the server read plus the sockets' buffers. fetch() keeps pulling a request body into its
      // own buffers while the server reads nothing, which would hide whether the server stopped.
      const { port } = new URL(server.url);
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
      let rows = 0;
      let sent = 0;
      try {
        // Scores only, as the published figures were taken (reasons, the default 3, add TreeSHAP
        // per row), as NDJSON answers naming the imputed inputs (about 250 bytes a row, against 40
        // as CSV with their count): they fill the sockets' buffers within a few hundred thousand
        // rows, well before the route's row limit, whatever the loopback's buffer sizes.
        const type = format === "csv" ? "text/csv" : `multipart/form-data; boundary=${boundary}`;
        // The socket's writable stream writes every byte (conn.write() may write only some).
        const writer = conn.writable.getWriter();
        await writer.write(enc.encode(
          "POST /v1/predict/batch?reasons=0&imputed=names HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
            `Content-Type: ${type}\r\nAccept: application/x-ndjson\r\n` +
            "Transfer-Encoding: chunked\r\n\r\n",
        ));
        const chunk = async (bytes: Uint8Array) => {
          await writer.write(enc.encode(`${bytes.length.toString(16)}\r\n`));
          await writer.write(bytes);
          await writer.write(enc.encode("\r\n"));
        };
        const upload = (async () => {
          while (rows < maxRows) {
            const lines = rows === 0 ? [header] : [];
            while (lines.length < 500 && rows < maxRows) {
              lines.push(records[rows++ % records.length]);
            }
            const head = rows <= 500 && format === "multipart"
              ? `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="s.csv"\r\n\r\n`
              : "";
            const bytes = enc.encode(head + lines.join("\n") + "\n");
            await chunk(bytes);
            sent += bytes.length;
          }
          if (format === "multipart") await chunk(enc.encode(`\r\n--${boundary}--\r\n`));
          await writer.write(enc.encode("0\r\n\r\n"));
        })().catch(() => {}); // the connection is closed under a stalled write at the end
        // The answer's head and first lines, then nothing more is read.
        const first = new Uint8Array(4096);
        const n = await conn.read(first);
        assert.match(new TextDecoder().decode(first.subarray(0, n ?? 0)), /^HTTP\/1\.1 200/);
        // Once the sockets' buffers are full, the upload must stop.
        let last = -1;
        const deadline = Date.now() + 15_000;
        while (sent !== last && Date.now() < deadline) {
          last = sent;
          await new Promise((r) => setTimeout(r, 1000));
        }
        console.log(
          `${format}, front ${front}: stalled after ${(sent / MB).toFixed(0)} MB, ${
            rows.toLocaleString("en")
          } rows`,
        );
        assert.equal(sent, last, "the upload went on while no answer was read");
        assert.ok(rows < maxRows, `all ${rows} rows were read without their answers being read`);
        conn.close();
        await upload;
        const health = await fetch(`${server.url}/health`);
        assert.equal(health.status, 200);
        await health.body?.cancel();
      } finally {
        try {
          conn.close();
        } catch {
          // closed above
        }
        await server.stop();
      }
    });
  }
});
