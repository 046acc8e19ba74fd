/**
 * Plotly figures of a model's test split, read from its `metadata.json`: ROC
 * and precision-recall curves, the confusion matrix, calibration, and
 * precision and recall against the threshold. Curves take several models and
 * overlay them, one colour per model.
 *
 * @module
 */
import type { CalibrationBin } from "../evaluate/metrics.ts";
import type { ModelView } from "./model_view.ts";
import {
  baseLayout,
  classWords,
  COLOR,
  num,
  PALETTE,
  paletteColor as color,
  pct,
  type PlotlyFigure,
} from "./style.ts";

const unitRange = { range: [-0.02, 1.02], zeroline: false };
const diagonal = (name: string) => ({
  type: "scatter",
  mode: "lines",
  x: [0, 1],
  y: [0, 1],
  name,
  line: { color: COLOR.reference, dash: "dash", width: 1 },
  hoverinfo: "skip",
});

/**
 * ROC curves on each model's test split, with the area in the legend.
 *
 * @param models One or more models.
 * @returns The figure.
 */
export function rocFigure(models: ModelView[]): PlotlyFigure {
  return {
    data: [
      ...models.map((m, i) => ({
        type: "scatter",
        mode: "lines",
        name: `${m.profile} (AUC ${m.metrics.test.roc_auc.toFixed(3)})`,
        x: m.evaluation.roc.map((p) => p.x),
        y: m.evaluation.roc.map((p) => p.y),
        customdata: m.evaluation.roc.map((p) => p.threshold ?? null),
        line: { color: color(i), width: 2, shape: "hv" },
        hovertemplate: "FPR %{x:.3f}, TPR %{y:.3f}, threshold %{customdata:.3f}<extra></extra>",
      })),
      diagonal("chance"),
    ],
    layout: baseLayout("ROC curve (test split)", {
      xaxis: { title: { text: "False positive rate" }, ...unitRange },
      yaxis: { title: { text: "True positive rate (recall)" }, ...unitRange },
    }),
  };
}

/**
 * Precision-recall curves on each model's test split, with the average
 * precision in the legend and the prevalence as the chance level.
 *
 * @param models One or more models.
 * @returns The figure.
 */
export function prFigure(models: ModelView[]): PlotlyFigure {
  const prevalence = models.length
    ? models[0].metrics.test.positives / models[0].metrics.test.n
    : 0;
  return {
    data: [
      ...models.map((m, i) => ({
        type: "scatter",
        mode: "lines",
        name: `${m.profile} (AP ${m.metrics.test.pr_auc.toFixed(3)})`,
        x: m.evaluation.pr.map((p) => p.x),
        y: m.evaluation.pr.map((p) => p.y),
        customdata: m.evaluation.pr.map((p) => p.threshold),
        line: { color: color(i), width: 2, shape: "vh" },
        hovertemplate: "recall %{x:.3f}, precision %{y:.3f}, threshold %{customdata:.3f}" +
          "<extra></extra>",
      })),
      {
        type: "scatter",
        mode: "lines",
        name: `chance (prevalence ${pct(prevalence)})`,
        x: [0, 1],
        y: [prevalence, prevalence],
        line: { color: COLOR.reference, dash: "dash", width: 1 },
      },
    ],
    layout: baseLayout("Precision-recall curve (test split)", {
      xaxis: { title: { text: "Recall" }, ...unitRange },
      yaxis: { title: { text: "Precision" }, ...unitRange },
    }),
  };
}

/**
 * The test-split confusion matrix of one model at its decision threshold.
 *
 * @param model The model.
 * @returns The figure: counts and row percentages.
 */
export function confusionFigure(model: ModelView): PlotlyFigure {
  const { tp, fp, tn, fn } = model.metrics.test.confusion;
  const words = classWords(model.spec);
  const z = [[tn, fp], [fn, tp]];
  const text = z.map((row) => {
    const sum = row[0] + row[1] || 1;
    return row.map((v) => `${v}<br>${pct(v / sum, 0)} of row`);
  });
  return {
    data: [{
      type: "heatmap",
      x: [`predicted ${words.negative.toLowerCase()}`, `predicted ${words.verb}`],
      y: [`actually ${words.negative.toLowerCase()}`, `actually ${words.verb}`],
      z,
      text,
      texttemplate: "%{text}",
      colorscale: "Blues",
      // Plotly's Blues runs from dark to light: reversed, more students read darker.
      reversescale: true,
      showscale: false,
      hovertemplate: "%{y}, %{x}: %{z}<extra></extra>",
    }],
    layout: baseLayout(
      `Confusion matrix of ${model.profile} (test split, threshold ${num(model.threshold)})`,
      {
        height: 420,
        width: 560,
        yaxis: { autorange: "reversed", automargin: true },
        xaxis: { side: "bottom", automargin: true },
      },
    ),
  };
}

/**
 * Reliability diagram: mean predicted probability against the observed rate
 * per probability bin of each model's test split (marker size: rows in the bin).
 *
 * @param models One or more models.
 * @returns The figure.
 */
export function calibrationFigure(models: ModelView[]): PlotlyFigure {
  return calibrationCurvesFigure(
    models.map((m) => ({
      name: `${m.profile} (Brier ${m.metrics.test.brier.toFixed(3)})`,
      bins: m.evaluation.calibration,
    })),
    "Calibration (test split)",
  );
}

/** One curve of {@linkcode calibrationCurvesFigure}: its legend entry and its bins. */
export interface CalibrationCurve {
  name: string;
  bins: CalibrationBin[];
}

/**
 * Reliability diagram of any predictions, one curve per set (a time point, a cohort, a model
 * outside the registry): mean predicted probability against the observed rate per bin, marker
 * size growing with the rows in the bin.
 *
 * @param curves The curves, each from `calibrationBins(labels, scores)`.
 * @param title The figure's title.
 * @returns The figure.
 * @example
 * ```ts
 * const figure = calibrationCurvesFigure([
 *   { name: "day 30", bins: calibrationBins(labels30, scores30) },
 *   { name: "day 60", bins: calibrationBins(labels60, scores60) },
 * ], "Calibration by day");
 * ```
 */
export function calibrationCurvesFigure(curves: CalibrationCurve[], title: string): PlotlyFigure {
  const most = Math.max(1, ...curves.flatMap((c) => c.bins.map((b) => b.count)));
  return {
    data: [
      ...curves.map((c, i) => ({
        type: "scatter",
        mode: "lines+markers",
        name: c.name,
        x: c.bins.map((b) => b.mean_predicted),
        y: c.bins.map((b) => b.observed_rate),
        customdata: c.bins.map((b) => b.count),
        // Area grows with the students in a bin, the largest bin of the figure at 30 px wide,
        // so thousands of students do not cover the plot.
        marker: { color: color(i), size: c.bins.map((b) => 6 + 24 * Math.sqrt(b.count / most)) },
        line: { color: color(i), width: 1.5 },
        hovertemplate: "predicted %{x:.2f}, observed %{y:.2f} (%{customdata} students)" +
          "<extra></extra>",
      })),
      diagonal("perfect calibration"),
    ],
    layout: baseLayout(title, {
      xaxis: { title: { text: "Mean predicted probability" }, ...unitRange },
      yaxis: { title: { text: "Observed rate" }, ...unitRange },
    }),
  };
}

/**
 * Precision, recall and F1 on the test split against the decision threshold of
 * one model, with its chosen threshold and the start of its medium band.
 *
 * @param model The model.
 * @returns The figure.
 */
export function thresholdFigure(model: ModelView): PlotlyFigure {
  const pr = model.evaluation.pr;
  const threshold = pr.map((p) => p.threshold);
  const line = (name: string, y: number[], colour: string) => ({
    type: "scatter",
    mode: "lines",
    name,
    x: threshold,
    y,
    line: { color: colour, width: 2, shape: "hv" },
    hovertemplate: `${name} %{y:.3f} at threshold %{x:.3f}<extra></extra>`,
  });
  const marks = [{ x: model.threshold, text: `threshold ${num(model.threshold)}` }];
  if (model.bands.medium < model.threshold) {
    marks.push({ x: model.bands.medium, text: `medium band from ${num(model.bands.medium)}` });
  }
  return {
    data: [
      line("precision", pr.map((p) => p.y), PALETTE[0]),
      line("recall", pr.map((p) => p.x), PALETTE[3]),
      line("F1", pr.map((p) => (p.x + p.y > 0 ? (2 * p.x * p.y) / (p.x + p.y) : 0)), PALETTE[2]),
    ],
    layout: baseLayout(
      `Precision and recall against the threshold: ${model.profile} (test split)`,
      {
        xaxis: { title: { text: "Threshold (flag when probability ≥ threshold)" }, range: [0, 1] },
        yaxis: { title: { text: "Value" }, ...unitRange },
        shapes: marks.map(({ x }) => ({
          type: "line",
          x0: x,
          x1: x,
          yref: "paper",
          y0: 0,
          y1: 1,
          line: { color: COLOR.reference, dash: "dash", width: 1 },
        })),
        annotations: marks.map(({ x, text }, i) => ({
          x,
          yref: "paper",
          y: 0.06 + 0.08 * i,
          xanchor: "left",
          text: ` ${text}`,
          showarrow: false,
          font: { size: 11, color: COLOR.reference },
        })),
      },
    ),
  };
}
