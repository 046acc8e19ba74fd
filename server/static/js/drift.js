// @ts-check
/**
 * Drift on the page: the "Data" section of the model view charts the population stability index
 * (PSI) of each input of a CSV against the data the active model learned from, as
 * `POST /v1/drift` reports it; the batch view's summary and the retrain form warn with the same
 * report. A class list just scored is compared after the batch, off the scoring stream.
 *
 * @module
 */
import { api } from "./api.js";
import { byId, count, h, label, showError } from "./dom.js";
import { draw } from "./plotly.js";

/**
 * @typedef {import("../../../pipeline/mod.ts").DriftReport} DriftReport
 */

/**
 * One sentence on a report: which inputs drifted, with their PSI.
 *
 * @param {DriftReport} report The report.
 * @returns {string} For example "2 of 32 inputs differ from the training data (PSI ≥ 0.2): …".
 */
export function driftSentence(report) {
  const n = report.features.length;
  if (report.too_few_rows) {
    return `Too few rows to tell whether these students differ from the training data ` +
      `(${report.rows}; at least ${report.min_rows} are needed).`;
  }
  if (report.drifted.length === 0) {
    return `No input differs from the training data by more than sampling explains (${n} inputs).`;
  }
  const psi = new Map(report.features.map((f) => [f.feature, f.psi]));
  const listed = report.drifted.map((f) => `${label(f)} (${(psi.get(f) ?? 0).toFixed(2)})`);
  return `${report.drifted.length} of ${n} inputs differ from the data the model learned from ` +
    `by more than sampling explains (PSI ≥ ${report.threshold}): ${listed.join(", ")}.`;
}

/**
 * The Plotly figure of a report: PSI per input, drifted ones in red, the threshold as a line.
 *
 * @param {DriftReport} report The report.
 * @returns {{ data: object[]; layout: Record<string, unknown> }} The figure.
 */
export function driftFigure(report) {
  const features = [...report.features].sort((a, b) => a.psi - b.psi);
  // A PSI of 0 would vanish on a log axis: drawn at a floor and labelled with its true value.
  const floor = 1e-4;
  return {
    data: [{
      type: "bar",
      orientation: "h",
      name: "PSI",
      y: features.map((f) => label(f.feature)),
      x: features.map((f) => Math.max(f.psi, floor)),
      text: features.map((f) => f.psi.toFixed(3)),
      textposition: "outside",
      hovertemplate: "%{y}: PSI %{text}<extra></extra>",
      marker: { color: features.map((f) => (f.drifted ? "#b3261e" : "#1a56a8")) },
    }],
    layout: {
      title: {
        text: `Drift of ${count(report.rows)} rows against the training data, PSI per input`,
        x: 0.02,
      },
      height: Math.max(260, 70 + 22 * features.length),
      margin: { l: 200, r: 60, t: 60, b: 50 },
      font: { family: "system-ui, sans-serif", size: 13 },
      xaxis: { title: { text: "Population stability index (log scale)" }, type: "log" },
      yaxis: { automargin: true },
      shapes: [{
        type: "line",
        x0: report.threshold,
        x1: report.threshold,
        yref: "paper",
        y0: 0,
        y1: 1,
        line: { color: "#b3261e", dash: "dash", width: 1.5 },
      }],
      annotations: [{
        x: Math.log10(report.threshold),
        y: 1,
        yref: "paper",
        text: `drifted from ${report.threshold}`,
        showarrow: false,
        xanchor: "left",
        yanchor: "bottom",
        font: { color: "#b3261e" },
      }],
      showlegend: false,
    },
  };
}

/**
 * The drifted inputs as a table: PSI, missing rate beside the training one, unseen values.
 *
 * @param {DriftReport} report The report.
 * @returns {HTMLElement | ""} The table, or nothing when no input drifted.
 */
export function driftTable(report) {
  const drifted = report.features.filter((f) => f.drifted).sort((a, b) => b.psi - a.psi);
  if (drifted.length === 0) return "";
  const pct = (/** @type {number} */ x) => `${(100 * x).toFixed(1)} %`;
  return h(
    "div",
    { class: "table-wrap", tabindex: 0, role: "region", "aria-labelledby": "drift-caption" },
    h(
      "table",
      { id: "drift-table" },
      h("caption", { id: "drift-caption" }, "Drifted inputs"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Input"),
          h("th", { scope: "col", class: "num" }, "PSI"),
          h("th", { scope: "col", class: "num" }, "Missing (training)"),
          h("th", { scope: "col" }, "Values training never saw"),
        ),
      ),
      h(
        "tbody",
        {},
        drifted.map((f) =>
          h(
            "tr",
            { "data-feature": f.feature },
            h("th", { scope: "row" }, label(f.feature)),
            h("td", { class: "num" }, f.psi.toFixed(3)),
            h("td", { class: "num" }, `${pct(f.missing_rate)} (${pct(f.training_missing_rate)})`),
            h(
              "td",
              {},
              f.unseen.length === 0 ? "none" : f.unseen.slice(0, 5)
                .map((u) => `${u.value} (${count(u.rows)} rows)`).join(", ") +
                (f.unseen.length > 5 ? `, … ${f.unseen.length} in all` : ""),
            ),
          )
        ),
      ),
    ),
  );
}

/**
 * Wires the model view's Data section.
 *
 * @param {{ profile: string }} state The page's state.
 * @returns {{ show(report: DriftReport, source: string): Promise<void>; clear(): void }} What the
 *   batch view calls with the report of a class list it scored.
 */
export function dataSection(state) {
  const form = byId("drift-form", HTMLFormElement);
  const input = byId("drift-file", HTMLInputElement);
  const summary = byId("drift-summary");
  const errorBox = byId("drift-error");
  const chart = byId("drift-chart");
  const table = byId("drift-details");

  /**
   * @param {DriftReport} report
   * @param {string} source
   */
  async function show(report, source) {
    showError(errorBox);
    summary.replaceChildren(
      h("strong", {}, `${source}: `),
      driftSentence(report),
    );
    summary.className = report.drifted.length ? "warning" : "";
    summary.dataset.drifted = report.drifted.join(",");
    table.replaceChildren(driftTable(report));
    chart.hidden = false;
    await draw(chart, driftFigure(report), `PSI per input: ${driftSentence(report)}`);
  }

  function clear() {
    summary.replaceChildren();
    summary.className = "";
    table.replaceChildren();
    chart.hidden = true;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = input.files?.[0];
    if (!file) return;
    showError(errorBox);
    const button = /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
    button.disabled = true;
    try {
      await show(await api.drift(state.profile, file), file.name);
    } catch (error) {
      clear();
      showError(errorBox, /** @type {Error} */ (error).message);
    } finally {
      button.disabled = false;
    }
  });
  clear();
  return { show, clear };
}
