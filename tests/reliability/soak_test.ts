import assert from "node:assert/strict";
import { SEED_STUDENT, STUDENT } from "../../server/_testing.ts";
import {
  csvText,
  DATA_ROWS,
  fixture,
  FULL,
  processGauges,
  report,
  serve,
  sleep,
} from "./_harness.ts";
import { type Shot, startLoad, summarize } from "./_load.ts";

/** The soak proper, after the warm-up. */
const SECONDS = FULL ? 60 : 3;
const CONNECTIONS = FULL ? 256 : 32;
/** Allocators and JIT settle first; the RSS baseline is taken after this. */
const WARMUP_SECONDS = FULL ? 20 : 1;
const SAMPLE_MS = FULL ? 2000 : 500;

const { dir, ids } = await fixture();
const JSON_TYPE = { "content-type": "application/json" };
const ONE = JSON.stringify(STUDENT);
const TWENTY = JSON.stringify({ students: Array.from({ length: 20 }, () => STUDENT) });
const FORM = new URLSearchParams(SEED_STUDENT).toString();
const BATCH = csvText(DATA_ROWS.slice(0, 51));

/** The mix: mostly single predictions, with explanations, lists, the old form, batches and reads. */
function mix(c: number, k: number): Shot {
  const slot = (c * 7 + k) % 20;
  if (slot < 12) {
    return {
      path: "/v1/predict?reasons=0",
      init: { method: "POST", headers: JSON_TYPE, body: ONE },
    };
  }
  if (slot < 14) {
    return { path: "/v1/predict", init: { method: "POST", headers: JSON_TYPE, body: ONE } };
  }
  if (slot < 16) {
    return {
      path: "/v1/predict?reasons=0",
      init: { method: "POST", headers: JSON_TYPE, body: TWENTY },
    };
  }
  if (slot < 18) {
    const headers = { "content-type": "application/x-www-form-urlencoded" };
    return { path: "/predict", init: { method: "POST", headers, body: FORM } };
  }
  if (slot < 19) {
    const headers = { "content-type": "text/csv" };
    return { path: "/v1/predict/batch", init: { method: "POST", headers, body: BATCH } };
  }
  return { path: k % 2 ? "/health" : "/v1/models", init: { method: "GET" } };
}

Deno.test(`soak: ${SECONDS} s at ${CONNECTIONS} connections, 0 errors, tensors flat${FULL ? ", RSS growth under 10 %" : ""}`, async () => {
  const server = await serve(dir);
  const samples: { s: number; rss: number; tensors: number }[] = [];
  let stats;
  let cold;
  let base;
  let started = 0;
  try {
    cold = await processGauges(server.url);
    const load = startLoad({
      url: server.url,
      connections: CONNECTIONS,
      next: mix,
      maxMs: (WARMUP_SECONDS + SECONDS) * 1000 + 60_000,
      maxRequests: 20_000_000,
    });
    try {
      await sleep(WARMUP_SECONDS * 1000);
      base = await processGauges(server.url);
      started = performance.now();
      while (performance.now() - started < SECONDS * 1000) {
        await sleep(Math.min(SAMPLE_MS, SECONDS * 1000 - (performance.now() - started)));
        samples.push({
          s: (performance.now() - started) / 1000,
          ...await processGauges(server.url),
        });
      }
    } finally {
      stats = await load.stop();
    }
  } finally {
    assert.equal(await server.stop(), 0, "the server stops cleanly after the soak");
  }
  const seconds = (performance.now() - started) / 1000;
  const total = summarize(stats);
  const end = samples.at(-1)!;
  // RSS saws up and down with every major GC, so one reading against another says little:
  // the trend is the mean of the last third of the samples against the mean of the first.
  const third = Math.max(1, Math.floor(samples.length / 3));
  const mean = (xs: typeof samples) => xs.reduce((a, x) => a + x.rss, 0) / xs.length;
  const growth = (mean(samples.slice(-third)) - mean(samples.slice(0, third))) /
    mean(samples.slice(0, third));
  const peak = Math.max(...samples.map((x) => x.rss));
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  report(
    `soak: ${SECONDS} s (+${WARMUP_SECONDS} s warm-up) at ${CONNECTIONS} connections, ` +
      `${total.requests} requests (${
        (total.requests / (seconds + WARMUP_SECONDS)).toFixed(0)
      }/s), ` +
      `${total.failed} failed; p50 ${total.p50.toFixed(1)} ms, p99 ${total.p99.toFixed(1)} ms, ` +
      `max ${total.max.toFixed(0)} ms; RSS cold ${mb(cold.rss)} MB, after warm-up ${
        mb(base.rss)
      } MB, ` +
      `end ${mb(end.rss)} MB, peak ${mb(peak)} MB, growth (last third vs first third) ` +
      `${(growth * 100).toFixed(1)} %; ` +
      `tensors ${cold.tensors} cold, ${base.tensors} → ${end.tensors}; model ${ids[0]}; ` +
      `RSS MB by ${SAMPLE_MS / 1000} s: ${samples.map((x) => mb(x.rss)).join(" ")}`,
  );
  assert.equal(total.failed, 0, total.errors.join("\n"));
  // A few seconds cannot show a trend: quick mode reports the growth, the full soak asserts it.
  if (FULL) assert.ok(growth < 0.1, `RSS grew ${(growth * 100).toFixed(1)} %`);
  for (const x of samples) assert.equal(x.tensors, base.tensors, `tensors at ${x.s.toFixed(0)} s`);
});
