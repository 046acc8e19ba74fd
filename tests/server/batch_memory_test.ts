import assert from "node:assert/strict";
import { measureBatchMemory } from "../../bench/batch_memory.ts";
import { resampleCsv } from "../../bench/resample.ts";
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
