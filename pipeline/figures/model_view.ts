/**
 * Plotly figures of trained models, read from their `metadata.json` (so the
 * server draws a saved model exactly as a notebook draws a fresh one): training
 * curves, a metrics comparison, cross-validated accuracy beside the published
 * figures, and permutation importance beside the paper's most relevant inputs. The test-split evaluation figures (ROC, precision-recall,
 * confusion, calibration, threshold) are in `figures_eval.ts`.
 *
 * @module
 */
import type { ModelMetadata } from "../registry/metadata.ts";
import type { CvReport } from "../train/cv.ts";
import type { Importance } from "../evaluate/importance.ts";
import type { Metrics, Summary } from "../evaluate/metrics.ts";
import { baseLayout, COLOR, PALETTE, paletteColor as color, type PlotlyFigure } from "./style.ts";

/** The parts of a model's metadata the figures read. */
export type ModelView = Pick<
  ModelMetadata,
  "id" | "profile" | "spec" | "threshold" | "bands" | "metrics" | "evaluation" | "training" | "data"
>;

/**
 * Training and validation loss per epoch, the kept (best) epoch marked.
 *
 * @param models One or more models.
 * @returns The figure.
 */
export function trainingCurvesFigure(models: ModelView[]): PlotlyFigure {
  const data = models.flatMap((m, i) => {
    const h = m.training.history;
    const epochs = h.map((e) => e.epoch);
    const best = h.find((e) => e.epoch === m.training.best_epoch);
    const line = (key: "loss" | "val_loss", dash: string) => ({
      type: "scatter",
      mode: "lines",
      name: `${m.profile} ${key === "loss" ? "training" : "validation"} loss`,
      legendgroup: m.profile,
      x: epochs,
      y: h.map((e) => e[key]),
      line: { color: color(i), dash, width: 2 },
    });
    return [
      line("loss", "solid"),
      line("val_loss", "dot"),
      ...(best
        ? [{
          type: "scatter",
          mode: "markers",
          name: `${m.profile} kept epoch ${best.epoch}`,
          legendgroup: m.profile,
          x: [best.epoch],
          y: [best.val_loss],
          marker: { color: color(i), size: 11, symbol: "star" },
          hovertemplate: `${m.profile}: kept epoch %{x}, validation loss %{y:.3f}<extra></extra>`,
        }]
        : []),
    ];
  });
  return {
    data,
    layout: baseLayout(`Loss per epoch: ${models.map((m) => m.profile).join(", ")}`, {
      xaxis: { title: { text: "Epoch" } },
      yaxis: { title: { text: "Weighted cross-entropy" } },
    }),
  };
}

/** The metrics {@linkcode metricsFigure} compares, by default (and the CLI's metrics table, before Brier and log loss). */
export const COMPARED_METRICS: (keyof Metrics)[] = [
  "accuracy",
  "balanced_accuracy",
  "precision",
  "recall",
  "f1",
  "roc_auc",
  "pr_auc",
];

/**
 * Test metrics of several models side by side (grouped bars).
 *
 * @param models The models.
 * @param options Which metrics, and which split (`test` by default).
 * @returns The figure.
 */
export function metricsFigure(
  models: ModelView[],
  options: { metrics?: (keyof Metrics)[]; split?: "test" | "validation" } = {},
): PlotlyFigure {
  const metrics = options.metrics ?? COMPARED_METRICS;
  const split = options.split ?? "test";
  return {
    data: models.map((m, i) => {
      const y = metrics.map((k) => m.metrics[split][k] as number);
      return {
        type: "bar",
        name: m.profile,
        x: metrics,
        y,
        text: y.map((v) => v.toFixed(2)),
        textposition: "outside",
        marker: { color: color(i) },
        hovertemplate: `${m.profile} %{x}: %{y:.3f}<extra></extra>`,
      };
    }),
    layout: baseLayout(`Metrics by profile (${split} split)`, {
      barmode: "group",
      yaxis: { title: { text: "Value" }, range: [0, 1.1] },
    }),
  };
}

/**
 * Cross-validated percent correct (mean over runs ± half the 95 % bootstrap interval over
 * students) of each profile beside Cortez & Silva (2008), Table 3: their best model and the
 * naive baseline.
 *
 * @param reports One report per profile from `crossValidate`.
 * @returns The figure.
 */
export function cvFigure(
  reports: (Pick<CvReport, "profile" | "folds" | "runs" | "published"> & {
    pcc: Summary;
  })[],
): PlotlyFigure {
  const x = reports.map((r) => r.profile);
  const published = (key: "best" | "naive") => reports.map((r) => r.published?.[key] ?? null);
  const runs = [...new Set(reports.map((r) => `${r.runs} × ${r.folds}-fold`))].join(", ");
  const source = reports.find((r) => r.published)?.published?.source ?? "published";
  return {
    data: [
      {
        type: "scatter",
        mode: "markers",
        name: `this pipeline (${runs}, mean ± 95 % CI)`,
        x,
        y: reports.map((r) => r.pcc.mean),
        error_y: { type: "data", array: reports.map((r) => r.pcc.ci95), visible: true },
        marker: { color: PALETTE[0], size: 12 },
      },
      {
        type: "scatter",
        mode: "markers",
        name: `${source}, best model`,
        x,
        y: published("best"),
        marker: { color: PALETTE[1], size: 12, symbol: "diamond" },
      },
      {
        type: "scatter",
        mode: "markers",
        name: `${source}, naive baseline`,
        x,
        y: published("naive"),
        marker: { color: COLOR.reference, size: 11, symbol: "x" },
      },
    ],
    layout: baseLayout("Cross-validated percent correct (PCC)", {
      xaxis: { type: "category", title: { text: "Profile" } },
      yaxis: { title: { text: "PCC (%)" } },
    }),
  };
}

/** The legend entry of the inputs {@linkcode importanceFigure} highlights. */
export const HIGHLIGHT_LABEL = "in Cortez & Silva's Table 6";

/**
 * Permutation importance of one model's most important features: horizontal
 * bars of the mean drop in test ROC-AUC when a feature is shuffled, ± its
 * standard deviation over the repeats, largest at the top. Features named in
 * `highlight` (the paper's most relevant inputs) get their own colour and
 * legend entry.
 *
 * @param model The model, with its `importance` from `metadata.json`.
 * @param options `top`: how many features to show (default 10); `highlight`: feature names to mark.
 * @returns The figure.
 * @example
 * ```ts
 * importanceFigure(metadata, { top: 10, highlight: PUBLISHED_TOP_INPUTS["early-C"] });
 * ```
 */
export function importanceFigure(
  model: ModelView & { importance: Importance[] },
  options: { top?: number; highlight?: string[] } = {},
): PlotlyFigure {
  const shown = [...model.importance].sort((a, b) => b.importance - a.importance)
    .slice(0, options.top ?? 10);
  const marked = new Set(options.highlight ?? []);
  const bars = (name: string, rows: Importance[], colour: string) => ({
    type: "bar",
    orientation: "h",
    name,
    y: rows.map((r) => r.feature),
    x: rows.map((r) => r.importance),
    error_x: { type: "data", array: rows.map((r) => r.sd), visible: true, color: COLOR.reference },
    marker: { color: colour },
    hovertemplate: "%{y}: ROC-AUC drops by %{x:.4f}<extra></extra>",
  });
  const others = shown.filter((r) => !marked.has(r.feature));
  const paper = shown.filter((r) => marked.has(r.feature));
  return {
    data: [
      ...(others.length || !paper.length
        ? [bars(marked.size ? "other inputs" : "inputs", others, PALETTE[0])]
        : []),
      ...(paper.length ? [bars(HIGHLIGHT_LABEL, paper, PALETTE[1])] : []),
    ],
    layout: baseLayout(`Permutation importance: ${model.profile} (test split)`, {
      height: 160 + 28 * shown.length,
      // Each feature is in one trace only; "overlay" keeps every bar centred on its row.
      barmode: "overlay",
      xaxis: { title: { text: "Drop in ROC-AUC when shuffled (mean ± sd over repeats)" } },
      yaxis: {
        type: "category",
        categoryorder: "array",
        categoryarray: shown.map((r) => r.feature),
        autorange: "reversed",
        automargin: true,
      },
    }),
  };
}
