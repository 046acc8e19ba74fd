/**
 * The benchmark's HTML report: the latency percentiles of every scenario and
 * their requests per second against the ceiling (the pictures the original
 * system's load test drew), then the pipeline's figures and the targets. The
 * figures follow the pipeline's Plotly conventions (`baseLayout`, its colours);
 * plotly.js comes from the pinned `plotly.js-dist` package, gzipped into the
 * page as `notebooks/_display.ts` does, so the file works offline (no CDN).
 *
 * @module
 */
import {
  baseLayout,
  COLOR,
  paletteColor,
  type PlotlyFigure,
  plotlyLoaderScript,
} from "../pipeline/mod.ts";
import {
  type BenchResult,
  bounds,
  BUSY_LOAD,
  IDLE_SECONDS,
  loadText,
  machineBusy,
  pct,
  recordedLoads,
  type ScenarioResult,
  targets,
} from "./results.ts";

const PERCENTILES = [
  ["p50", "p50_ms"],
  ["p95", "p95_ms"],
  ["p99", "p99_ms"],
  ["p99.9", "p999_ms"],
] as const;

/**
 * Latency at p50, p95, p99 and p99.9, one line per scenario (log scale).
 *
 * @param result The run.
 * @returns The figure.
 */
export function latencyFigure(result: BenchResult): PlotlyFigure {
  return {
    data: result.scenarios.map((s, i) => ({
      type: "scatter",
      mode: "lines+markers",
      name: `${runLabel(s)} (${s.connections} conn.)`,
      x: PERCENTILES.map(([label]) => label),
      y: PERCENTILES.map(([, key]) => s[key]),
      line: { color: paletteColor(i), width: 2 },
      marker: { size: 8 },
      hovertemplate: `${s.name}: %{x} %{y:.2f} ms<extra></extra>`,
    })),
    layout: baseLayout("Latency percentiles per scenario", {
      xaxis: { title: { text: "Percentile" }, type: "category" },
      // "D2": ticks at 1, 2 and 5 of each decade, without the crowded minor labels.
      yaxis: { title: { text: "Latency (ms, log scale)" }, type: "log", dtick: "D2" },
    }),
  };
}

/**
 * Requests per second of every scenario, labelled with the share of the ceiling.
 *
 * @param result The run.
 * @returns The figure.
 */
export function throughputFigure(result: BenchResult): PlotlyFigure {
  const s = result.scenarios;
  const ratio = (r: number | null) => (r === null ? "" : ` (${(100 * r).toFixed(0)} %)`);
  return {
    data: [{
      type: "bar",
      name: "requests/s",
      // Every run is its own bar: the same reference runs once per scenario and mode.
      x: s.map((x, i) => `${i + 1}. ${runLabel(x)}`),
      y: s.map((x) => x.requests_per_sec),
      text: s.map((x) => `${Math.round(x.requests_per_sec)}${ratio(x.ratio_to_ceiling)}`),
      textposition: "outside",
      marker: {
        color: s.map((x) => (x.name !== x.group ? COLOR.reference : COLOR.negative)),
      },
      hovertemplate: "%{x}: %{y:.0f} requests/s<extra></extra>",
    }],
    layout: baseLayout("Requests per second (share of the ceiling)", {
      xaxis: { title: { text: "Scenario" } },
      yaxis: { title: { text: "Requests per second" } },
      showlegend: false,
    }),
  };
}

/** A run as the figures and tables name it: its mode, its scenario, and which reference it is. */
function runLabel(x: ScenarioResult): string {
  if (x.name === "bare") return `bare Deno.serve (${x.group})`;
  return `${x.mode} ${x.group}${x.name !== x.group ? ` ${x.name}` : ""}`;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function htmlTable(head: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number, tag: string) =>
    `<${tag}${typeof v === "number" ? ' class="num"' : ""}>${
      escape(typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v)
    }</${tag}>`;
  return `<table><thead><tr>${head.map((h) => cell(h, "th")).join("")}</tr></thead><tbody>${
    rows.map((r) => `<tr>${r.map((v) => cell(v, "td")).join("")}</tr>`).join("")
  }</tbody></table>`;
}

/**
 * The whole report page.
 *
 * @param result The run.
 * @param options `library`: the plotly.js script (default {@linkcode plotlyLoaderScript}; tests pass "").
 * @returns The HTML document.
 */
export function reportHtml(result: BenchResult, options: { library?: string } = {}): string {
  const m = result.machine;
  const figures = [latencyFigure(result), throughputFigure(result)];
  const p = result.pipeline;
  const MB = 1024 * 1024;
  const scenarioTable = htmlTable(
    [
      "run",
      "what",
      "connections",
      "answer bytes",
      "requests/s",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "p99.9 ms",
      "errors",
      "of ceiling",
      "of bare",
      "load (1 min)",
    ],
    result.scenarios.map((s) => [
      runLabel(s),
      s.description,
      s.connections,
      s.answer_bytes,
      Math.round(s.requests_per_sec),
      s.p50_ms,
      s.p95_ms,
      s.p99_ms,
      s.p999_ms,
      s.errors,
      pct(s.ratio_to_ceiling),
      pct(s.ratio_to_bare),
      loadText(s.load_1m),
    ]),
  );
  const loads = p.loads ?? {};
  const pipelineRows: (string | number)[][] = [];
  if (p.train) {
    pipelineRows.push([
      "deno task train (early-A), wall",
      `${p.train.wall_s.toFixed(1)} s`,
      loadText(loads.train),
    ]);
  }
  if (p.cv) {
    pipelineRows.push([
      "deno task cv, 1 × 10-fold, wall",
      `${p.cv.wall_s.toFixed(1)} s`,
      loadText(loads.cv),
    ]);
    pipelineRows.push([
      "20 × 10-fold CV, projected",
      `${p.cv.projected_20_runs_s.toFixed(0)} s`,
      loadText(loads.cv),
    ]);
  }
  if (p.score) {
    pipelineRows.push([
      `deno task score, ${p.score.rows.toLocaleString("en")} rows`,
      `${Math.round(p.score.rows_per_sec).toLocaleString("en")} rows/s (${
        p.score.wall_s.toFixed(2)
      } s)`,
      loadText(loads.score),
    ]);
  }
  pipelineRows.push([
    "cold start (median)",
    `${p.cold_start_median_ms.toFixed(0)} ms`,
    loadText(loads.cold_start),
  ]);
  if (p.server_rss_warm_bytes !== undefined) {
    pipelineRows.push([
      "server RSS as warm-up ends",
      `${(p.server_rss_warm_bytes / MB).toFixed(0)} MB`,
      loadText(loads.idle_rss),
    ]);
  }
  if (p.server_rss_idle_bytes !== undefined) {
    pipelineRows.push([
      `server RSS, ${IDLE_SECONDS} s idle after warm-up`,
      `${(p.server_rss_idle_bytes / MB).toFixed(0)} MB`,
      loadText(loads.idle_rss),
    ]);
  }
  if (p.server_rss_peak_c256_bytes !== undefined) {
    pipelineRows.push([
      "server RSS, peak during predict-c256",
      `${(p.server_rss_peak_c256_bytes / MB).toFixed(0)} MB`,
      loadText(result.scenarios.find((s) => s.name === "predict-c256")?.load_1m),
    ]);
  }
  if (p.tfjs_tensors_before !== undefined) {
    pipelineRows.push([
      "tfjs tensors before → after",
      `${p.tfjs_tensors_before} → ${p.tfjs_tensors_after}`,
      loadText(loads.idle_rss),
    ]);
  }
  for (const b of p.batch_memory ?? []) {
    pipelineRows.push([
      `/v1/predict/batch, ${b.rows.toLocaleString("en")} rows as ${
        b.format === "csv" ? "text/csv" : "multipart"
      }`,
      `${b.status}, ${b.answered.toLocaleString("en")} answered in ${b.seconds.toFixed(1)} s; RSS ${
        (b.rss_idle_bytes / MB).toFixed(0)
      } MB idle, peak ${(b.rss_peak_bytes / MB).toFixed(0)} MB, ${
        (b.rss_after_bytes / MB).toFixed(0)
      } MB ${(b.settle_ms / 1000).toFixed(0)} s after`,
      loadText(b.load_1m),
    ]);
  }
  const targetTable = htmlTable(
    ["figure", "target", "this run", "load (1 min)", ""],
    targets(result).map((t) => [t.figure, t.target, t.value, loadText(t.load), t.verdict]),
  );
  const boundRows = bounds(result);
  const boundTable = boundRows.length === 0 ? "" : `<h3>What bounds the ratios</h3>\n${
    htmlTable(
      ["reference run", "front", "direct", "load (1 min)"],
      boundRows.map((b) => [b.figure, pct(b.front), pct(b.direct), loadText(b.load)]),
    )
  }`;
  const busy = machineBusy(result)
    ? `<p class="busy"><strong>Machine busy</strong>: a 1-minute load above ${
      BUSY_LOAD.toFixed(1)
    } (highest ${
      Math.max(...recordedLoads(result)).toFixed(2)
    }) while figures were taken, so no target counts as met.</p>`
    : "";
  // "<" escaped so that no string in a figure can close the script element.
  const json = JSON.stringify(figures).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Benchmark ${escape(m.started_at)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: left; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.figure { width: 100%; min-height: 480px; }
.busy { background: #fff3cd; padding: 0.5rem 0.8rem; border-left: 4px solid #d39e00; }
</style>
${options.library ?? plotlyLoaderScript()}
</head>
<body>
<h1>Benchmark of ${escape(m.started_at)}</h1>
<p>${m.cores} cores, ${escape(m.cpu)}, ${(m.memory_bytes / 1024 ** 3).toFixed(1)} GB, ${
    escape(`${m.os}/${m.arch}`)
  };
deno ${escape(m.deno)}, oha ${escape(m.oha)}; load average ${
    m.load_start.map((x) => x.toFixed(2)).join(" ")
  } at start,
${m.load_end.map((x) => x.toFixed(2)).join(" ")} at end; ${m.scenario_seconds} s per scenario${
    m.quick ? " (quick)" : ""
  }.</p>
${busy}
<h2>Load scenarios</h2>
${scenarioTable}
<div id="figure-0" class="figure"></div>
<div id="figure-1" class="figure"></div>
<h2>Pipeline and server process</h2>
${htmlTable(["figure", "value", "load (1 min)"], pipelineRows)}
<h2>Targets</h2>
${targetTable}
${boundTable}
<script>
(function () {
  var figures = ${json};
  function draw() {
    if (!window.Plotly) return setTimeout(draw, 50);
    figures.forEach(function (f, i) {
      window.Plotly.newPlot("figure-" + i, f.data, f.layout, { responsive: true, displaylogo: false });
    });
  }
  draw();
})();
</script>
</body>
</html>
`;
}
