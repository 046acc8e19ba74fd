import assert from "node:assert/strict";
import { plotlyLoaderScript } from "../pipeline/mod.ts";
import { latencyFigure, reportHtml, throughputFigure } from "./report.ts";
import { type BenchResult, formatTable, type ScenarioResult, targets } from "./results.ts";

function scenario(name: string, rps: number, p99: number, ceiling: number): ScenarioResult {
  return {
    name,
    description: `${name} <test>`,
    path: "/v1/predict",
    connections: 30,
    seconds: 20,
    requests_per_sec: rps,
    p50_ms: p99 / 4,
    p95_ms: p99 / 2,
    p99_ms: p99,
    p999_ms: p99 * 2,
    mean_ms: p99 / 3,
    max_ms: p99 * 3,
    responses: rps * 20,
    errors: 0,
    status_codes: { "200": rps * 20 },
    error_distribution: {},
    server_rss_peak_bytes: 200 * 1024 * 1024,
    ratio_to_ceiling: rps / ceiling,
  };
}

const RESULT: BenchResult = {
  machine: {
    cores: 2,
    cpu: "Test CPU",
    memory_bytes: 8 * 1024 ** 3,
    os: "linux",
    arch: "x86_64",
    deno: "2.9.6",
    oha: "1.16.0",
    load_start: [0.1, 0.2, 0.3],
    load_end: [0.4, 0.5, 0.6],
    started_at: "2026-01-01T00:00:00.000Z",
    scenario_seconds: 20,
    quick: false,
  },
  scenarios: [
    scenario("ceiling", 8000, 10, 8000),
    scenario("predict-c30", 4400, 4, 8000),
    scenario("predict-c256", 3000, 90, 8000),
  ],
  pipeline: {
    train: { wall_s: 2.5, training_s: 1.5, epochs: 30 },
    cv: { folds: 10, runs: 1, wall_s: 8, cv_s: 7.5, projected_20_runs_s: 150.5 },
    score: {
      rows: 1_000_000,
      bytes: 1,
      generate_s: 1,
      wall_s: 8,
      rows_per_sec: 125_000,
      task_rows_per_sec: 140_000,
    },
    cold_start_ms: [900, 700, 800],
    cold_start_median_ms: 800,
    server_rss_idle_bytes: 150 * 1024 * 1024,
    server_rss_peak_c256_bytes: 260 * 1024 * 1024,
    tfjs_tensors_before: 16,
    tfjs_tensors_after: 16,
    models: { "early-A": "a", seed: "s" },
  },
};

Deno.test("targets() says which goals the run met", () => {
  const met = Object.fromEntries(targets(RESULT).map((t) => [t.figure, t.met]));
  assert.deepEqual(met, {
    "predict-c30 / ceiling": true,
    "predict-c30 p99": true,
    "batch scoring (deno task score)": false,
    "deno task train (early-A)": true,
    "20 × 10-fold CV (projected)": true,
    "cold start (median)": true,
    "server RSS (peak, predict-c256)": false,
  });
  const partial = { ...RESULT, scenarios: [], pipeline: { ...RESULT.pipeline, score: undefined } };
  assert.equal(targets(partial)[0].value, "not measured");
  assert.equal(targets(partial)[0].met, undefined);
});

Deno.test("formatTable() prints the cores, the load and each scenario's share of the ceiling", () => {
  const text = formatTable(RESULT);
  assert.match(text, /^Machine: 2 cores, Test CPU/);
  assert.match(text, /0\.10 0\.20 0\.30 at start/);
  assert.match(text, /^predict-c30\s+30\s+4,400\s+1\.00\s+2\.00\s+4\.00\s+8\.00\s+0\s+55\.0 %$/m);
  assert.match(
    text,
    /^batch scoring \(deno task score\)\s+>= 150,000 rows\/s\s+125,000 rows\/s\s+MISSED$/m,
  );
});

Deno.test("The report draws latency percentiles and requests/s with the pipeline's layout", async (t) => {
  await t.step("one latency line per scenario, p50 to p99.9, on a log axis", () => {
    const f = latencyFigure(RESULT);
    assert.equal(f.data.length, 3);
    assert.deepEqual((f.data[1] as { y: number[] }).y, [1, 2, 4, 8]);
    assert.equal((f.layout as { yaxis: { type: string } }).yaxis.type, "log");
    assert.equal((f.layout as { template: string }).template, "plotly_white");
  });
  await t.step("one bar per scenario, labelled with its share of the ceiling", () => {
    const bars = throughputFigure(RESULT).data[0] as { y: number[]; text: string[] };
    assert.deepEqual(bars.y, [8000, 4400, 3000]);
    assert.equal(bars.text[1], "4400 (55 %)");
  });
  await t.step("the page escapes text and draws both figures", () => {
    const html = reportHtml(RESULT, { library: "" });
    assert.match(html, /id="figure-0"/);
    assert.match(html, /id="figure-1"/);
    assert.ok(html.includes("predict-c30 &lt;test&gt;"));
    assert.ok(!html.includes("<test>"));
  });
  await t.step("plotly.js is embedded from the local package, not fetched", () => {
    const library = plotlyLoaderScript();
    assert.ok(library.length > 1_000_000);
    assert.ok(!/<script[^>]+src=/.test(library));
    assert.ok(!/https?:\/\//.test(library.slice(0, 200)));
    assert.match(library, /DecompressionStream\("gzip"\)/);
  });
});
