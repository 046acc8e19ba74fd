import assert from "node:assert/strict";
import { mulberry32 } from "../../pipeline/mod.ts";
import { STUDENT } from "../../server/_testing.ts";
import {
  ADMIN,
  awaitJob,
  datasetId,
  fixture,
  FULL,
  report,
  serve,
  shuffledUpload,
  until,
} from "./_harness.ts";
import { type Shot, startLoad, summarize } from "./_load.ts";

const CONNECTIONS = 64;
const { dir, ids } = await fixture();

/** A prediction request: mostly single students without reasons, some with, some in pairs. */
function predict(_c: number, k: number): Shot {
  const headers = { "content-type": "application/json" };
  if (k % 10 === 9) {
    return {
      path: "/v1/predict?reasons=0",
      init: { method: "POST", headers, body: JSON.stringify({ students: [STUDENT, STUDENT] }) },
    };
  }
  return {
    path: k % 10 === 4 ? "/v1/predict" : "/v1/predict?reasons=0",
    init: { method: "POST", headers, body: JSON.stringify(STUDENT) },
  };
}

Deno.test(`retrain under load: ${CONNECTIONS} connections see 0 failures and exactly one model change each`, async () => {
  const server = await serve(dir);
  const load = startLoad({
    url: server.url,
    connections: CONNECTIONS,
    next: predict,
    maxMs: 180_000,
    maxRequests: 5_000_000,
  });
  let model = "";
  let trainingMs = 0;
  let duringTraining = 0;
  let stats;
  try {
    await until(() => load.stats.every((s) => s.ok >= 3), 60_000, "every connection to answer");

    const bytes = shuffledUpload(mulberry32(101));
    const uploaded = await fetch(`${server.url}/v1/datasets?name=retrain.csv`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "text/csv" },
      body: bytes,
    });
    const { dataset } = await uploaded.json();
    assert.equal(uploaded.status, 201);
    assert.equal(dataset.id, await datasetId(bytes));

    const sentBefore = summarize(load.stats).requests;
    const started = performance.now();
    const res = await fetch(`${server.url}/v1/models/train`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({
        dataset: dataset.id,
        profile: "early-A",
        seed: 5,
        epochs: FULL ? 40 : 8,
        force: true,
      }),
    });
    assert.equal(res.status, 202);
    const { job } = await res.json();
    const done = await awaitJob(server.url, job.id, 180_000);
    trainingMs = performance.now() - started;
    duringTraining = summarize(load.stats).requests - sentBefore;
    assert.equal(done.state, "activated", JSON.stringify(done));
    model = done.model!;
    assert.notEqual(model, ids[0]);

    await until(
      () => load.stats.every((s) => (s.modelCounts.get(model) ?? 0) >= 3),
      60_000,
      "every connection to see the new model",
    );
  } finally {
    stats = await load.stop();
    assert.equal(await server.stop(), 0);
  }

  const total = summarize(stats);
  assert.equal(total.failed, 0, `failed requests: ${total.errors.join("\n")}`);
  stats.forEach((s, c) => {
    assert.deepEqual(s.models, [ids[0], model], `connection ${c} saw ${s.models.join(" → ")}`);
  });
  assert.ok(duringTraining >= CONNECTIONS, `only ${duringTraining} requests during training`);
  report(
    `retrain under load: ${CONNECTIONS} connections, ${total.requests} requests ` +
      `(${duringTraining} while the training job ran ${(trainingMs / 1000).toFixed(1)} s), ` +
      `${total.failed} failed, every connection saw exactly one change ${ids[0]} → ${model}; ` +
      `latency p50 ${total.p50.toFixed(1)} ms, p99 ${total.p99.toFixed(1)} ms, max ${
        total.max.toFixed(0)
      } ms`,
  );
});
