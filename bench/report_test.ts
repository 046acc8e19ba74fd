import assert from "node:assert/strict";
import { plotlyLoaderScript } from "../pipeline/mod.ts";
import { latencyFigure, reportHtml, throughputFigure } from "./report.ts";
import type { BatchMemoryFigure } from "./batch_memory.ts";
import {
  type BenchResult,
  bounds,
  formatTable,
  machineBusy,
  type ScenarioResult,
  targets,
} from "./results.ts";

function scenario(
  name: string,
  rps: number,
  p99: number,
  ceiling: number,
  load = 0.4,
): ScenarioResult {
  const reference = name === "ceiling" || name === "bare";
  return {
    name,
    group: reference ? "predict-c30" : name,
    mode: "front",
    answer_bytes: 663,
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
    ratio_to_ceiling: reference ? null : rps / ceiling,
    ratio_to_bare: reference ? null : rps / (3 * ceiling),
    ceiling_p99_ms: reference ? null : 2,
    load_1m: load,
  };
}

const MB = 1024 * 1024;

function batch(format: "multipart" | "csv", peakMb: number, afterMb: number): BatchMemoryFigure {
  return {
    format,
    rows: 1_000_000,
    bytes: 111_000_000,
    status: 200,
    answered: 1_000_000,
    errors: 0,
    seconds: 10,
    rows_per_sec: 100_000,
    rss_idle_bytes: 130 * MB,
    rss_peak_bytes: peakMb * MB,
    rss_after_bytes: afterMb * MB,
    settle_ms: 15_000,
    load_1m: 0.5,
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
    scenario("predict-c30", 6000, 4, 8000),
    scenario("predict-c256", 3000, 90, 8000),
    scenario("predict-batch100", 1000, 90, 8000, 0.7),
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
    server_rss_idle_bytes: 150 * MB,
    server_rss_peak_c256_bytes: 260 * MB,
    tfjs_tensors_before: 16,
    tfjs_tensors_after: 16,
    models: { "early-A": "a", seed: "s" },
    batch_memory: [batch("multipart", 240, 150), batch("csv", 260, 140)],
    loads: { cold_start: 0.2, idle_rss: 0.3, train: 0.5, cv: 0.6, score: 0.9 },
  },
};

/** The run with one figure taken at a 1-minute load of `load`. */
function withLoad(where: "scenario" | "score" | "batch" | "start", load: number): BenchResult {
  const r = structuredClone(RESULT);
  if (where === "scenario") r.scenarios[2].load_1m = load;
  if (where === "score") r.pipeline.loads!.score = load;
  if (where === "batch") r.pipeline.batch_memory![1].load_1m = load;
  if (where === "start") r.machine.load_start = [load, 0.2, 0.3];
  return r;
}

Deno.test("targets() says which goals of issue #14 and the pipeline the run met", () => {
  const verdicts = Object.fromEntries(targets(RESULT).map((t) => [t.figure, t.verdict]));
  assert.deepEqual(verdicts, {
    "predict-c30 / ceiling (front)": "met",
    "predict-c30 / ceiling (direct)": "not measured",
    "predict-c30 / bare Deno.serve (direct)": "not measured",
    "predict-c30 p99 / ceiling p99 (front)": "met",
    "predict-c30 p99 / ceiling p99 (direct)": "not measured",
    "predict-batch100 / ceiling (front)": "not met",
    "predict-batch100 / ceiling (direct)": "not measured",
    "server RSS (peak, predict-c256)": "not met",
    "server RSS (idle 30 s, after warm-up)": "met",
    "tfjs tensors, after - before": "met",
    "batch 1,000,000 rows as multipart: peak RSS": "met",
    "batch 1,000,000 rows as multipart: RSS after / idle": "met",
    "batch 1,000,000 rows as text/csv: peak RSS": "not met",
    "batch 1,000,000 rows as text/csv: RSS after / idle": "met",
    "batch scoring (deno task score)": "not met",
    "deno task train (early-A)": "met",
    "20 × 10-fold CV (projected)": "met",
    "cold start (median)": "met",
  });
  const partial = { ...RESULT, scenarios: [], pipeline: { ...RESULT.pipeline, score: undefined } };
  assert.equal(targets(partial)[0].value, "not measured");
  assert.equal(targets(partial)[0].verdict, "not measured");
  assert.equal(targets(partial)[0].met, undefined);
});

Deno.test("targets() reads the edges of each goal as the issue words them", async (t) => {
  const verdict = (r: BenchResult, figure: string) =>
    targets(r).find((x) => x.figure === figure)!.verdict;
  await t.step("70 % of the ceiling and twice its p99 are met exactly at the bound", () => {
    const r = structuredClone(RESULT);
    r.scenarios[1] = scenario("predict-c30", 5600, 4, 8000);
    assert.equal(verdict(r, "predict-c30 / ceiling (front)"), "met");
    assert.equal(verdict(r, "predict-c30 p99 / ceiling p99 (front)"), "met");
    r.scenarios[1] = scenario("predict-c30", 5599, 4.01, 8000);
    assert.equal(verdict(r, "predict-c30 / ceiling (front)"), "not met");
    assert.equal(verdict(r, "predict-c30 p99 / ceiling p99 (front)"), "not met");
  });
  await t.step("with the front off, 50 % of the bare Deno.serve is met", () => {
    const r = structuredClone(RESULT);
    r.scenarios.push({
      ...scenario("predict-c30", 6000, 4, 8000),
      mode: "direct",
      ratio_to_bare: 0.5,
    });
    assert.equal(verdict(r, "predict-c30 / bare Deno.serve (direct)"), "met");
    r.scenarios[r.scenarios.length - 1].ratio_to_bare = 0.49;
    assert.equal(verdict(r, "predict-c30 / bare Deno.serve (direct)"), "not met");
  });
  await t.step("tensors that changed are not met", () => {
    const r = structuredClone(RESULT);
    r.pipeline.tfjs_tensors_after = 17;
    assert.equal(verdict(r, "tfjs tensors, after - before"), "not met");
  });
  await t.step("a batch answered in part misses its peak target whatever the memory", () => {
    const r = structuredClone(RESULT);
    r.pipeline.batch_memory![0].answered = 999_999;
    assert.equal(verdict(r, "batch 1,000,000 rows as multipart: peak RSS"), "not met");
  });
  await t.step("RSS after within 20 % of idle is met; past it is not", () => {
    const r = structuredClone(RESULT);
    r.pipeline.batch_memory![0].rss_after_bytes = 156 * MB; // 120 % of 130 MB
    assert.equal(verdict(r, "batch 1,000,000 rows as multipart: RSS after / idle"), "met");
    r.pipeline.batch_memory![0].rss_after_bytes = 157 * MB;
    assert.equal(verdict(r, "batch 1,000,000 rows as multipart: RSS after / idle"), "not met");
  });
});

Deno.test("A load above 1.0 anywhere marks the run busy and no target counts as met", async (t) => {
  assert.equal(machineBusy(RESULT), false);
  for (const where of ["scenario", "score", "batch", "start"] as const) {
    await t.step(`a busy ${where}`, () => {
      const busy = withLoad(where, 1.01);
      assert.equal(machineBusy(busy), true);
      for (const row of targets(busy)) {
        assert.ok(
          row.verdict === "not counted (busy)" || row.verdict === "not measured",
          `${row.figure}: ${row.verdict}`,
        );
      }
      // The figure itself is still judged, so a quiet re-run knows what to expect.
      assert.equal(
        targets(busy).find((x) => x.figure === "predict-c30 p99 / ceiling p99 (front)")!.met,
        true,
      );
    });
  }
  await t.step("a load of exactly 1.0 is not busy", () => {
    assert.equal(machineBusy(withLoad("scenario", 1.0)), false);
  });
});

Deno.test("formatTable() prints the cores, the load beside every figure and each scenario's share of the ceiling", () => {
  const text = formatTable(RESULT);
  assert.match(text, /^Machine: 2 cores, Test CPU/);
  assert.match(text, /0\.10 0\.20 0\.30 at start/);
  assert.doesNotMatch(text, /MACHINE BUSY/);
  assert.match(
    text,
    /^front\s+predict-c30\s+route\s+30\s+663\s+6,000\s+1\.00\s+2\.00\s+4\.00\s+8\.00\s+0\s+75\.0 %\s+25\.0 %\s+0\.40$/m,
  );
  assert.match(text, /^front\s+predict-batch100 .* 0\.70$/m);
  assert.match(text, /^front\s+predict-c30\s+ceiling\s+30\s+663\s+8,000 .*–\s+–\s+0\.40$/m);
  assert.match(text, /^train \(early-A\): .*\(load 0\.50\)$/m);
  assert.match(text, /^cold start: .*\(load 0\.20\)$/m);
  assert.match(
    text,
    /^batch 1,000,000 rows \(text\/csv\): 200, 1,000,000 answered, 0 errors, .*peak 260 MB, 140 MB 15 s after \(load 0\.50\)$/m,
  );
  assert.match(
    text,
    /^batch scoring \(deno task score\)\s+>= 150,000 rows\/s\s+125,000 rows\/s\s+0\.90\s+not met$/m,
  );
  const busy = formatTable(withLoad("scenario", 2.5));
  assert.match(
    busy,
    /^MACHINE BUSY: a 1-minute load above 1\.0 \(highest 2\.50\); no target counts as met$/m,
  );
  assert.match(
    busy,
    /^predict-c30 p99 \/ ceiling p99 \(front\)\s+<= 2\s+4\.00 \/ 2\.00 ms\s+0\.40\s+not counted \(busy\)$/m,
  );
});

Deno.test("bounds() shows what the ceiling, the unframed constant and the parsing ceiling reach, by mode", () => {
  const r = structuredClone(RESULT);
  const ref = (
    name: string,
    group: string,
    mode: "front" | "direct",
    toCeiling: number | null,
    toBare: number,
  ) => ({
    ...scenario(name, 1000, 5, 1000),
    group,
    mode,
    ratio_to_ceiling: toCeiling,
    ratio_to_bare: toBare,
    ceiling_p99_ms: null,
    load_1m: mode === "front" ? 0.3 : 0.6,
  });
  r.scenarios = [
    ref("ceiling", "predict-c30", "front", null, 0.3),
    ref("ceiling", "predict-c30", "front", null, 0.4),
    ref("ceiling", "predict-c30", "direct", null, 0.42),
    ref("unframed", "predict-c30", "direct", 2, 0.84),
    ref("roundtrip", "predict-batch100", "front", 0.38, 0.2),
    ref("roundtrip", "predict-batch100", "direct", 0.4, 0.25),
  ];
  const rows = bounds(r);
  assert.deepEqual(rows.map((b) => [b.front, b.direct, b.load]), [
    [0.35, 0.42, 0.6],
    [undefined, 0.84, 0.6],
    [0.38, 0.4, 0.6],
  ]);
  const text = formatTable(r);
  assert.match(text, /^predict-c30: ceiling \/ bare Deno\.serve .*\s35\.0 %\s+42\.0 %\s+0\.60$/m);
  assert.match(text, /^predict-batch100: roundtrip \/ ceiling .*\s38\.0 %\s+40\.0 %\s+0\.60$/m);
  assert.match(reportHtml(r, { library: "" }), /What bounds the ratios/);
  // A run without the reference runs prints no bounds.
  assert.deepEqual(bounds(RESULT), []);
  assert.doesNotMatch(formatTable(RESULT), /what bounds the ratios/);
});

Deno.test("The report draws latency percentiles and requests/s with the pipeline's layout", async (t) => {
  await t.step("one latency line per scenario, p50 to p99.9, on a log axis", () => {
    const f = latencyFigure(RESULT);
    assert.equal(f.data.length, 4);
    assert.deepEqual((f.data[1] as { y: number[] }).y, [1, 2, 4, 8]);
    assert.equal((f.layout as { yaxis: { type: string } }).yaxis.type, "log");
    assert.equal((f.layout as { template: string }).template, "plotly_white");
  });
  await t.step("one bar per scenario, labelled with its share of the ceiling", () => {
    const bars = throughputFigure(RESULT).data[0] as { y: number[]; text: string[] };
    assert.deepEqual(bars.y, [8000, 6000, 3000, 1000]);
    assert.equal(bars.text[1], "6000 (75 %)");
  });
  await t.step("the page escapes text and draws both figures", () => {
    const html = reportHtml(RESULT, { library: "" });
    assert.match(html, /id="figure-0"/);
    assert.match(html, /id="figure-1"/);
    assert.ok(html.includes("predict-c30 &lt;test&gt;"));
    assert.ok(!html.includes("<test>"));
    assert.ok(!html.includes("Machine busy"));
    assert.match(
      reportHtml(withLoad("batch", 1.5), { library: "" }),
      /<strong>Machine busy<\/strong>/,
    );
  });
  await t.step("plotly.js is embedded from the local package, not fetched", () => {
    const library = plotlyLoaderScript();
    assert.ok(library.length > 1_000_000);
    assert.ok(!/<script[^>]+src=/.test(library));
    assert.ok(!/https?:\/\//.test(library.slice(0, 200)));
    assert.match(library, /DecompressionStream\("gzip"\)/);
  });
});
