import assert from "node:assert/strict";
import { mulberry32, Registry, sha256Hex } from "../../pipeline/mod.ts";
import { STUDENT } from "../../server/_testing.ts";
import type { ServerProcess } from "../server/_process.ts";
import {
  ADMIN,
  awaitJob,
  datasetId,
  FINAL_STATES,
  fixture,
  FULL,
  type JobView,
  report,
  serve,
  shuffledUpload,
  sleep,
} from "./_harness.ts";

/** Kills in all: half during an upload, half during a training job. */
const TRIALS = FULL ? 24 : 6;
/** The seed of every kill time and upload. */
const SEED = 4242;
/** Copies of the data rows per upload (a larger file keeps the write open longer). */
const COPIES = 10;
const EPOCHS = 8;

const { dir, ids } = await fixture();
const MODELS = `${dir}/models`;
const UPLOADS = `${dir}/data/uploads`;
const registry = new Registry(MODELS);
const firstRow = [STUDENT];

/** Names in a folder matching a test, or none when the folder is absent. */
async function names(path: string, test: (name: string) => boolean): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(path))).map((e) => e.name).filter(test);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** What a write cut short leaves: temporary model folders and temporary files. */
async function leftovers(): Promise<string[]> {
  const tmp = (n: string) => n.startsWith(".tmp-") || n.endsWith(".tmp");
  return [
    ...await names(MODELS, tmp),
    ...await names(`${MODELS}/.jobs`, tmp),
    ...await names(UPLOADS, tmp),
  ];
}

/**
 * Times an uninterrupted run and finds when it starts writing: the first
 * temporary file or folder seen in `dir`, polled every 2 ms.
 *
 * @returns Milliseconds from the start to the first write and to the end.
 */
async function calibrate(
  run: () => Promise<void>,
  dir: string,
): Promise<{ firstWrite: number; end: number }> {
  const t0 = performance.now();
  let firstWrite = NaN;
  let done = false;
  const watching = (async () => {
    while (!done && Number.isNaN(firstWrite)) {
      const tmp = await names(dir, (n) => n.startsWith(".tmp-") || n.endsWith(".tmp"));
      if (tmp.length > 0) firstWrite = performance.now() - t0;
      await sleep(2);
    }
  })();
  await run();
  const end = performance.now() - t0;
  done = true;
  await watching;
  return { firstWrite: Number.isNaN(firstWrite) ? end * 0.8 : firstWrite, end };
}

/**
 * Waits, polling every millisecond, until a temporary file or folder appears in `dir`.
 *
 * @returns True when one appeared; false when `done()` turned true or 30 s passed first.
 */
async function firstWriteIn(dir: string, done: () => boolean): Promise<boolean> {
  const deadline = performance.now() + 30_000;
  while (!done() && performance.now() < deadline) {
    if ((await names(dir, (n) => n.startsWith(".tmp-") || n.endsWith(".tmp"))).length > 0) {
      return true;
    }
    await sleep(1);
  }
  return false;
}

/**
 * After a restart: the registry is consistent, the active model loads and
 * answers, every listed upload is whole, and what was acknowledged survived.
 */
async function assertRecovered(
  server: ServerProcess,
  expect: { upload?: { id: string; acknowledged: boolean }; job?: string },
): Promise<{ uploadPresent?: boolean; jobState?: string }> {
  const out: { uploadPresent?: boolean; jobState?: string } = {};
  assert.deepEqual(await leftovers(), [], "the start-up sweep removed every half-written file");
  assert.deepEqual(await names(`${MODELS}/.jobs`, (n) => n.endsWith(".lock")), [], "no stale lock");

  const active = await registry.active();
  const listed = await registry.list();
  assert.equal(new Set(listed.map((m) => m.id)).size, listed.length);
  for (const [profile, id] of Object.entries(active)) {
    assert.ok(listed.some((m) => m.id === id && m.profile === profile), `active ${id} is listed`);
  }
  for (const m of listed) {
    const predictor = await registry.load(m.id);
    try {
      const [p] = predictor.predict(predictor.read(firstRow));
      assert.ok(p.probability >= 0 && p.probability <= 1, `${m.id} scores`);
    } finally {
      predictor.dispose();
    }
  }

  const ready = await fetch(`${server.url}/ready`);
  assert.equal(ready.status, 200, await ready.text());
  const res = await fetch(`${server.url}/v1/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(STUDENT),
  });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).model, active["early-A"], "the active model answers");

  const list = await fetch(`${server.url}/v1/datasets`, { headers: ADMIN });
  const { datasets } = await list.json() as { datasets: { id: string; rows: number }[] };
  for (const d of datasets) {
    const bytes = await Deno.readFile(`${UPLOADS}/${d.id}.csv`);
    assert.equal(await sha256Hex(bytes), d.id, `stored upload ${d.id} is whole`);
  }
  if (expect.upload) {
    out.uploadPresent = datasets.some((d) => d.id === expect.upload!.id);
    if (expect.upload.acknowledged) assert.ok(out.uploadPresent, "an acknowledged upload survives");
  }
  if (expect.job) {
    const job: JobView = await (await fetch(`${server.url}/v1/jobs/${expect.job}`, {
      headers: ADMIN,
    })).json();
    assert.ok(FINAL_STATES.includes(job.state), `job left ${job.state}`);
    if (job.state === "activated") assert.equal(active["early-A"], job.model);
    out.jobState = job.state;
  }
  return out;
}

Deno.test(`faults during writes: ${TRIALS} SIGKILLs during uploads and training leave a consistent registry`, async (t) => {
  const rng = mulberry32(SEED);
  let server = await serve(dir);
  const tally = {
    survived: 0,
    midWrite: 0,
    sawWrite: 0,
    acknowledged: 0,
    uploadsPresent: 0,
    uploadsAbsent: 0,
    jobs: {} as Record<string, number>,
  };
  try {
    // Calibration, uninterrupted: when an upload and a training job write, from the request.
    const upload = await calibrate(async () => {
      const res = await fetch(`${server.url}/v1/datasets`, {
        method: "POST",
        headers: { ...ADMIN, "content-type": "text/csv" },
        body: shuffledUpload(mulberry32(SEED), COPIES),
      });
      assert.equal(res.status, 201, await res.text());
    }, UPLOADS);
    const train = await calibrate(async () => {
      const started = await fetch(`${server.url}/v1/models/train`, {
        method: "POST",
        headers: { ...ADMIN, "content-type": "application/json" },
        body: JSON.stringify({ profile: "early-A", epochs: EPOCHS, seed: 1, force: true }),
      });
      const job = await awaitJob(server.url, (await started.json()).job.id, 120_000);
      assert.equal(job.state, "activated");
    }, MODELS);
    report(
      `crash calibration: upload ${upload.end.toFixed(0)} ms, writes from ${
        upload.firstWrite.toFixed(0)
      } ms; training ${train.end.toFixed(0)} ms, writes from ${train.firstWrite.toFixed(0)} ms`,
    );

    for (let trial = 0; trial < TRIALS; trial++) {
      const kind = trial % 2 === 0 ? "upload" : "train";
      const { firstWrite, end } = kind === "upload" ? upload : train;
      // A quarter of the kills fall anywhere in the request; the rest are timed from the moment
      // its first temporary file appears, across the calibrated span of its writes.
      const triggered = rng() >= 0.25;
      const delay = triggered ? rng() * (end - firstWrite + 20) : rng() * end;
      await t.step(
        `trial ${trial + 1}: SIGKILL ${delay.toFixed(0)} ms after ${
          triggered ? "the first write of" : "sending"
        } ${kind === "upload" ? "an upload" : "a training job"}`,
        async () => {
          const expect: Parameters<typeof assertRecovered>[1] = {};
          if (kind === "upload") {
            const bytes = shuffledUpload(mulberry32(SEED + trial), COPIES);
            const id = await datasetId(bytes);
            let acknowledged = false;
            let finished = false;
            const sending = fetch(`${server.url}/v1/datasets`, {
              method: "POST",
              headers: { ...ADMIN, "content-type": "text/csv" },
              body: bytes,
            }).then(async (r) => {
              await r.body?.cancel();
              acknowledged = r.status === 201;
            }).catch(() => {}).finally(() => finished = true);
            if (triggered && await firstWriteIn(UPLOADS, () => finished)) tally.sawWrite++;
            await sleep(delay);
            await server.stop("SIGKILL");
            await sending;
            expect.upload = { id, acknowledged };
          } else {
            const sentAt = performance.now();
            const res = await fetch(`${server.url}/v1/models/train`, {
              method: "POST",
              headers: { ...ADMIN, "content-type": "application/json" },
              body: JSON.stringify({
                profile: "early-A",
                epochs: EPOCHS,
                seed: 100 + trial,
                force: true,
              }),
            });
            assert.equal(res.status, 202);
            expect.job = (await res.json()).job.id;
            if (triggered) {
              if (await firstWriteIn(MODELS, () => false)) tally.sawWrite++;
              await sleep(delay);
            } else await sleep(Math.max(0, delay - (performance.now() - sentAt)));
            await server.stop("SIGKILL");
          }
          if ((await leftovers()).length > 0) tally.midWrite++;
          if (expect.upload?.acknowledged) tally.acknowledged++;
          server = await serve(dir);
          const seen = await assertRecovered(server, expect);
          if (seen.uploadPresent !== undefined) {
            if (seen.uploadPresent) tally.uploadsPresent++;
            else tally.uploadsAbsent++;
          }
          if (seen.jobState) tally.jobs[seen.jobState] = (tally.jobs[seen.jobState] ?? 0) + 1;
          tally.survived++;
        },
      );
    }

    await t.step("after every crash, a new training job runs and activates", async () => {
      const res = await fetch(`${server.url}/v1/models/train`, {
        method: "POST",
        headers: { ...ADMIN, "content-type": "application/json" },
        body: JSON.stringify({ profile: "early-A", epochs: 3, seed: 9, force: true }),
      });
      assert.equal(res.status, 202, "no stale lock refuses it");
      const job = await awaitJob(server.url, (await res.json()).job.id, 120_000);
      assert.equal(job.state, "activated");
      await assertRecovered(server, {});
    });
  } finally {
    await server.stop();
  }
  assert.equal(tally.survived, TRIALS);
  report(
    `faults during writes: ${tally.survived}/${TRIALS} SIGKILL trials survived ` +
      `(${tally.sawWrite} timed from a write seen starting, ` +
      `${tally.midWrite} left a half-written temporary behind, swept on restart); ` +
      `uploads afterwards wholly present ${tally.uploadsPresent} ` +
      `(${tally.acknowledged} acknowledged before the kill), absent ${tally.uploadsAbsent}; ` +
      `jobs afterwards ${JSON.stringify(tally.jobs)}; models on disk ${
        (await registry.list()).length
      }, ` +
      `fixture model ${ids[0]} kept`,
  );
});
