/**
 * Plotly figure builders shared by the notebooks, the server and the page: data exploration,
 * model evaluation and model comparison, figures taken through a term, plus the offline plotly.js loader and a static SVG
 * drawing of a bar figure.
 *
 * @module
 */
export {
  classBalanceFigure,
  type ClassBalanceOptions,
  correlationFigure,
  type FeatureFigure,
  featureFigure,
  type PlotlyFigure,
} from "./explore.ts";
export { baseLayout, COLOR, paletteColor } from "./style.ts";
export { plotlyLoaderScript } from "./plotly_embed.ts";
export { figureSvg, type FigureSvgOptions } from "./svg.ts";
export {
  COMPARED_METRICS,
  cvFigure,
  HIGHLIGHT_LABEL,
  importanceFigure,
  metricsFigure,
  type ModelView,
  trainingCurvesFigure,
} from "./model_view.ts";
export {
  type CalibrationCurve,
  calibrationCurvesFigure,
  calibrationFigure,
  confusionFigure,
  prFigure,
  rocFigure,
  thresholdFigure,
} from "./evaluation.ts";
export { overTimeFigure, type OverTimeOptions, type PointSeries } from "./over_time.ts";
