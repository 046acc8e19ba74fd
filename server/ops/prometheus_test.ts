import assert from "node:assert/strict";
import { Metrics, type MetricsSnapshot, renderSnapshots, watchEventLoop } from "./prometheus.ts";

Deno.test("Metrics.render() writes counters and cumulative histograms in the Prometheus format", async () => {
  const m = new Metrics();
  m.request({ route: "/v1/predict", method: "POST", status: 200 }, 0.003);
  m.request({ route: "/v1/predict", method: "POST", status: 200 }, 0.2);
  m.prediction("early-A", "high", 3);
  m.batch(5);
  const text = await m.render({ "early-A": "m1" });
  const labels = 'route="/v1/predict",method="POST",status="200"';
  assert.ok(text.includes(`\ndropout_http_requests_total{${labels}} 2\n`));
  assert.ok(
    text.includes(`\ndropout_http_request_duration_seconds_bucket{${labels},le="0.005"} 1\n`),
  );
  assert.ok(
    text.includes(`\ndropout_http_request_duration_seconds_bucket{${labels},le="0.25"} 2\n`),
  );
  assert.ok(
    text.includes(`\ndropout_http_request_duration_seconds_bucket{${labels},le="+Inf"} 2\n`),
  );
  assert.ok(text.includes(`\ndropout_http_request_duration_seconds_count{${labels}} 2\n`));
  assert.match(text, /^dropout_http_request_duration_seconds_sum\{[^}]+\} 0\.203$/m);
  assert.match(text, /^dropout_predictions_total\{profile="early-A",band="high"\} 3$/m);
  assert.match(text, /^dropout_predict_batch_rows_bucket\{le="4"\} 0$/m);
  assert.match(text, /^dropout_predict_batch_rows_bucket\{le="8"\} 1$/m);
  assert.match(text, /^dropout_active_model\{profile="early-A",model="m1"\} 1$/m);
  assert.match(text, /^dropout_tfjs_tensors \d+$/m);
  assert.match(text, /^dropout_metrics_workers 1$/m);
  assert.match(text, /^dropout_heap_used_bytes [1-9]\d*$/m);
  assert.match(text, /^dropout_event_loop_lag_seconds [\d.e-]+$/m);
  assert.match(text, /^process_resident_memory_bytes [1-9]\d*$/m);
  assert.match(text, /^process_cpu_seconds_total \d+(\.\d+)?$/m);
  assert.ok(text.endsWith("\n"));
});

Deno.test("every sample's name is namespaced or a standard process metric, and declared once", async () => {
  const m = new Metrics();
  m.request({ route: "/health", method: "GET", status: 200 }, 0.001);
  const text = await m.render({});
  const declared = [...text.matchAll(/^# TYPE (\S+) /gm)].map((x) => x[1]);
  assert.equal(new Set(declared).size, declared.length);
  for (const name of declared) assert.match(name, /^(dropout_|process_)/);
  for (const line of text.split("\n").filter((l) => l && !l.startsWith("#"))) {
    const name = /^[a-z_]+/.exec(line)![0];
    assert.ok(declared.some((d) => name === d || name.startsWith(`${d}_`)), line);
  }
});

Deno.test("the request counter and the latency histogram carry the same labels", async () => {
  const m = new Metrics();
  m.request({ route: "/v1/predict", method: "POST", status: 422 }, 0.002);
  m.request({ route: "/v1/predict", method: "GET", status: 405 }, 0.002);
  const text = await m.render({});
  const labelsOf = (prefix: string) =>
    text.split("\n").filter((l) => l.startsWith(`${prefix}{`)).map((l) => /\{([^}]*)\}/.exec(l)![1])
      .sort();
  assert.deepEqual(
    labelsOf("dropout_http_requests_total"),
    labelsOf("dropout_http_request_duration_seconds_count"),
  );
  assert.equal(labelsOf("dropout_http_requests_total").length, 2);
});

Deno.test("Metrics.request() keeps the method label to a fixed set plus other", async () => {
  const m = new Metrics();
  for (let i = 0; i < 200; i++) {
    m.request({ route: "unmatched", method: `X${i}${"M".repeat(8000)}`, status: 404 }, 0.001);
  }
  m.request({ route: "unmatched", method: "DELETE", status: 404 }, 0.001);
  const text = await m.render({});
  const series = text.split("\n").filter((l) => l.startsWith("dropout_http_requests_total{"));
  assert.deepEqual(series, [
    'dropout_http_requests_total{route="unmatched",method="other",status="404"} 200',
    'dropout_http_requests_total{route="unmatched",method="DELETE",status="404"} 1',
  ]);
  assert.ok(text.length < 6000, `${text.length} characters`);
});

Deno.test("renderSnapshots() adds up the workers' counts, histograms and tensors", () => {
  const a = new Metrics();
  const b = new Metrics();
  for (let i = 0; i < 3; i++) {
    a.request({ route: "/v1/predict", method: "POST", status: 200 }, 0.01);
  }
  for (let i = 0; i < 4; i++) b.request({ route: "/v1/predict", method: "POST", status: 200 }, 1);
  b.request({ route: "/health", method: "GET", status: 200 }, 0.001);
  a.prediction("early-A", "low", 2);
  b.prediction("early-A", "low", 5);
  a.batch(1);
  b.batch(300);
  // Through structured clone, as the snapshots travel between workers.
  const text = renderSnapshots(structuredClone([a.snapshot(), b.snapshot()]), {});
  const p = 'route="/v1/predict",method="POST",status="200"';
  assert.ok(text.includes(`\ndropout_http_requests_total{${p}} 7\n`));
  assert.ok(text.includes(`\ndropout_http_request_duration_seconds_bucket{${p},le="0.01"} 3\n`));
  assert.ok(text.includes(`\ndropout_http_request_duration_seconds_bucket{${p},le="1"} 7\n`));
  assert.ok(text.includes(`\ndropout_http_request_duration_seconds_sum{${p}} 4.03\n`));
  assert.match(
    text,
    /^dropout_http_requests_total\{route="\/health",method="GET",status="200"\} 1$/m,
  );
  assert.match(text, /^dropout_predictions_total\{profile="early-A",band="low"\} 7$/m);
  assert.match(text, /^dropout_predict_batch_rows_count 2$/m);
  assert.match(text, /^dropout_predict_batch_rows_bucket\{le="256"\} 1$/m);
  assert.match(text, /^dropout_metrics_workers 2$/m);
});

Deno.test("Metrics with peers renders the sum of what the peers send", async () => {
  const other = new Metrics();
  other.request({ route: "/v1/predict", method: "POST", status: 200 }, 0.01);
  const m: Metrics = new Metrics({
    peers: (): Promise<MetricsSnapshot[]> => Promise.resolve([m.snapshot(), other.snapshot()]),
  });
  m.request({ route: "/v1/predict", method: "POST", status: 200 }, 0.01);
  const text = await m.render({});
  assert.match(text, /^dropout_http_requests_total\{route="\/v1\/predict",[^}]+\} 2$/m);
});

Deno.test("watchEventLoop() records how late its timer fires when the loop is blocked", async () => {
  const m = new Metrics();
  const stop = watchEventLoop(m);
  try {
    const until = performance.now() + 800;
    while (performance.now() < until) {
      // block the event loop
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(m.snapshot().lagSeconds >= 0.2, `${m.snapshot().lagSeconds} s`);
  } finally {
    stop();
  }
});
