import assert from "node:assert/strict";
import { Metrics } from "./prometheus.ts";

Deno.test("Metrics.render() writes counters and cumulative histograms in the Prometheus format", () => {
  const m = new Metrics();
  m.request({ route: "/v1/predict", method: "POST", status: 200 }, 0.003);
  m.request({ route: "/v1/predict", method: "POST", status: 200 }, 0.2);
  m.prediction("early-A", "high", 3);
  m.batch(5);
  const text = m.render({ "early-A": "m1" });
  assert.match(
    text,
    /^http_requests_total\{route="\/v1\/predict",method="POST",status="200"\} 2$/m,
  );
  assert.match(
    text,
    /^http_request_duration_seconds_bucket\{route="\/v1\/predict",status="200",le="0\.005"\} 1$/m,
  );
  assert.match(
    text,
    /^http_request_duration_seconds_bucket\{route="\/v1\/predict",status="200",le="\+Inf"\} 2$/m,
  );
  assert.match(text, /^predictions_total\{profile="early-A",band="high"\} 3$/m);
  assert.match(text, /^predict_batch_rows_bucket\{le="4"\} 0$/m);
  assert.match(text, /^predict_batch_rows_bucket\{le="8"\} 1$/m);
  assert.match(text, /^active_model\{profile="early-A",model="m1"\} 1$/m);
  assert.match(text, /^process_resident_memory_bytes [1-9]\d*$/m);
  assert.match(text, /^tfjs_tensors \d+$/m);
  assert.ok(text.endsWith("\n"));
});

Deno.test("Metrics.request() keeps the method label to a fixed set plus other", () => {
  const m = new Metrics();
  for (let i = 0; i < 200; i++) {
    m.request({ route: "unmatched", method: `X${i}${"M".repeat(8000)}`, status: 404 }, 0.001);
  }
  m.request({ route: "unmatched", method: "DELETE", status: 404 }, 0.001);
  const text = m.render({});
  const series = text.split("\n").filter((l) => l.startsWith("http_requests_total{"));
  assert.deepEqual(series, [
    'http_requests_total{route="unmatched",method="other",status="404"} 200',
    'http_requests_total{route="unmatched",method="DELETE",status="404"} 1',
  ]);
  assert.ok(text.length < 5000, `${text.length} characters`);
});
