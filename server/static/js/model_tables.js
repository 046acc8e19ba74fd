// @ts-check
/**
 * The model view's tables and figure, built from the metadata and evaluation
 * the API answers: test metrics with their 95 % bootstrap intervals, the
 * confusion matrix, fairness by group, and the ROC curve as a Plotly figure.
 *
 * @module
 */
import { count, h, label, pct } from "./dom.js";

/**
 * @typedef {import("./api.js").ModelMetadata} ModelMetadata
 * @typedef {import("./api.js").EvaluationAnswer} EvaluationAnswer
 * @typedef {import("./api.js").Metrics} Metrics
 */

/** A phrase as a row label: `passed the year` → `Passed the year`. @param {string} s */
const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Metric names as people read them, in the order shown, in the spec's words for the outcome.
 *
 * @param {{ positive: string }} texts The spec's texts.
 */
const metricNames = (texts) => /** @type {const} */ ([
  ["roc_auc", "ROC-AUC"],
  ["recall", `Recall: share of those who ${texts.positive} that are flagged`],
  ["precision", `Precision: share of flagged students who ${texts.positive}`],
  ["f1", "F1"],
  ["balanced_accuracy", "Balanced accuracy"],
  ["accuracy", "Accuracy"],
  ["pr_auc", "PR-AUC"],
  ["brier", "Brier score (lower is better)"],
]);

/**
 * A metric with three decimals.
 *
 * @param {number} x The value.
 * @returns {string} For example "0.920".
 */
export const fixed = (x) => x.toFixed(3);

/**
 * The metrics table, with the 95 % interval of each metric that has one.
 *
 * @param {Metrics} test The test metrics.
 * @param {ModelMetadata["intervals"]} intervals The bootstrap intervals.
 * @param {{ positive: string }} texts The spec's words for the outcome.
 * @returns {HTMLElement} The table.
 */
export function metricsTable(test, intervals, texts) {
  return h(
    "div",
    { class: "table-wrap", tabindex: 0, role: "region", "aria-label": "Metrics" },
    h(
      "table",
      { id: "metrics-table" },
      h(
        "caption",
        {},
        `Test split (${count(test.n)} students, ${count(test.positives)} ${texts.positive}), ` +
          "with 95 % bootstrap intervals",
      ),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Metric"),
          h("th", { scope: "col", class: "num" }, "Value"),
          h("th", { scope: "col", class: "num" }, "95 % interval"),
        ),
      ),
      h(
        "tbody",
        {},
        metricNames(texts).map(([key, name]) => {
          const iv = intervals?.[key];
          return h(
            "tr",
            { "data-metric": key },
            h("th", { scope: "row" }, name),
            h("td", { class: "num" }, fixed(/** @type {number} */ (test[key]))),
            h("td", { class: "num" }, iv ? `${fixed(iv.low)} – ${fixed(iv.high)}` : "—"),
          );
        }),
      ),
    ),
  );
}

/**
 * The confusion matrix as a table.
 *
 * @param {EvaluationAnswer} ev The evaluation.
 * @param {{ positive: string; negative: string }} texts The spec's words for the outcome.
 * @returns {HTMLElement} The table.
 */
export function confusionTable(ev, texts) {
  const [[tn, fp], [fn, tp]] = ev.confusion_matrix.matrix;
  const cell = (/** @type {number} */ n) => h("td", { class: "num" }, count(n));
  return h(
    "div",
    { class: "table-wrap", tabindex: 0, role: "region", "aria-label": "Confusion matrix" },
    h(
      "table",
      { id: "confusion-table" },
      h("caption", {}, `Confusion matrix at the threshold ${pct(ev.threshold)} (test split)`),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("td", {}),
          h("th", { scope: "col", class: "num" }, "Not flagged"),
          h("th", { scope: "col", class: "num" }, "Flagged"),
        ),
      ),
      h(
        "tbody",
        {},
        h("tr", {}, h("th", { scope: "row" }, capital(texts.negative)), cell(tn), cell(fp)),
        h("tr", {}, h("th", { scope: "row" }, capital(texts.positive)), cell(fn), cell(tp)),
      ),
    ),
  );
}

/**
 * The fairness tables: decision rates per group of each audited column.
 *
 * @param {ModelMetadata["fairness"]} reports The audits.
 * @param {{ positive: string }} texts The spec's words for the outcome.
 * @returns {HTMLElement[]} One table per column.
 */
export function fairnessTables(reports, texts) {
  return (reports ?? []).map((f) =>
    h(
      "div",
      {
        class: "table-wrap",
        tabindex: 0,
        role: "region",
        "aria-label": `Fairness by ${label(f.column)}`,
      },
      h(
        "table",
        { class: "fairness", "data-column": f.column },
        h(
          "caption",
          {},
          `By ${label(f.column)}: equalized-odds gap ${fixed(f.equalized_odds_difference)}, ` +
            `demographic-parity gap ${fixed(f.demographic_parity_difference)}`,
        ),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            [
              "Group",
              "Students",
              capital(texts.positive),
              "Flagged",
              "Recall (TPR)",
              "False flags (FPR)",
              "Precision",
            ]
              .map((t, i) => h("th", { scope: "col", class: i ? "num" : "" }, t)),
          ),
        ),
        h(
          "tbody",
          {},
          f.groups.map((g) =>
            h(
              "tr",
              {},
              h("th", { scope: "row" }, g.group),
              [
                count(g.n),
                count(g.positives),
                pct(g.positive_rate, 0),
                fixed(g.tpr),
                fixed(g.fpr),
                fixed(g.precision),
              ]
                .map((v) => h("td", { class: "num" }, v)),
            )
          ),
        ),
      ),
    )
  );
}

/**
 * The ROC curve as a Plotly figure, with the operating point of the threshold.
 *
 * @param {EvaluationAnswer} ev The evaluation.
 * @returns {{ data: object[]; layout: Record<string, unknown> }} The figure.
 */
export function rocFigure(ev) {
  const t = ev.metrics.test;
  return {
    data: [
      {
        type: "scatter",
        mode: "lines",
        name: "Model",
        x: ev.roc.map((p) => p.x),
        y: ev.roc.map((p) => p.y),
        line: { color: "#1a56a8", width: 2.5, shape: "hv" },
      },
      {
        type: "scatter",
        mode: "lines",
        name: "Chance",
        x: [0, 1],
        y: [0, 1],
        line: { color: "#767680", dash: "dash", width: 1.5 },
      },
      {
        type: "scatter",
        mode: "markers",
        name: `Threshold ${pct(ev.threshold)}`,
        x: [1 - t.specificity],
        y: [t.recall],
        marker: { color: "#b3261e", size: 11, symbol: "diamond" },
      },
    ],
    layout: {
      title: { text: `ROC curve (test split), AUC ${fixed(t.roc_auc)}`, x: 0.02 },
      height: 400,
      margin: { l: 60, r: 20, t: 60, b: 60 },
      font: { family: "system-ui, sans-serif", size: 13 },
      xaxis: { title: { text: "False-positive rate" }, range: [0, 1], constrain: "domain" },
      yaxis: { title: { text: "True-positive rate (recall)" }, range: [0, 1.02] },
      // Inside the plot, bottom right: a ROC curve leaves that corner empty.
      legend: {
        x: 0.98,
        y: 0.04,
        xanchor: "right",
        yanchor: "bottom",
        bgcolor: "rgba(255,255,255,0.85)",
      },
      template: "plotly_white",
    },
  };
}
