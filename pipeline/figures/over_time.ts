/**
 * A figure of figures taken at several points of a term (a day, a week): one line per series,
 * for predictions made through the term, where each point has its own table and its own model.
 *
 * @module
 */
import { baseLayout, paletteColor as color, type PlotlyFigure } from "./style.ts";

/** One line of {@linkcode overTimeFigure}. */
export interface PointSeries {
  /** The legend entry. */
  name: string;
  /** One value per point (`NaN` leaves a gap). */
  values: number[];
  /** Series of one group share a colour (default: the name). */
  group?: string;
  /** Draw dashed, e.g. for a second evaluation of the same group. */
  dashed?: boolean;
}

/** Options of {@linkcode overTimeFigure}. */
export interface OverTimeOptions {
  title: string;
  /** The points' axis title, e.g. `Day of the term`. */
  x: string;
  /** The values' axis title. */
  y: string;
  /** Fix the value axis to [0, 1] (rates and areas under curves). */
  unit?: boolean;
}

/**
 * Lines of values against the points of a term at which they were measured.
 *
 * @param points The points, in order (e.g. days 0, 30, 60).
 * @param series The lines, each with one value per point.
 * @param options Titles and the value range.
 * @returns The figure.
 * @example
 * ```ts
 * overTimeFigure([0, 30, 60], [
 *   { name: "ROC-AUC, random folds", group: "ROC-AUC", values: [0.6, 0.7, 0.75] },
 *   { name: "ROC-AUC, next year", group: "ROC-AUC", values: [0.58, 0.66, 0.7], dashed: true },
 * ], { title: "Ranking by day", x: "Day of the term", y: "ROC-AUC", unit: true });
 * ```
 */
export function overTimeFigure(
  points: number[],
  series: PointSeries[],
  options: OverTimeOptions,
): PlotlyFigure {
  const groups = [...new Set(series.map((s) => s.group ?? s.name))];
  return {
    data: series.map((s) => {
      if (s.values.length !== points.length) {
        throw new RangeError(
          `Series "${s.name}" has ${s.values.length} values for ${points.length} points`,
        );
      }
      const c = color(groups.indexOf(s.group ?? s.name));
      return {
        type: "scatter",
        mode: "lines+markers",
        name: s.name,
        legendgroup: s.group ?? s.name,
        x: points,
        y: s.values.map((v) => (Number.isFinite(v) ? v : null)),
        line: { color: c, width: 2, dash: s.dashed ? "dash" : "solid" },
        marker: { color: c, size: 7 },
        hovertemplate: `${s.name}: %{y:.3f} at ${options.x.toLowerCase()} %{x}<extra></extra>`,
      };
    }),
    layout: baseLayout(options.title, {
      xaxis: { title: { text: options.x }, tickvals: points },
      yaxis: {
        title: { text: options.y },
        ...(options.unit ? { range: [0, 1.02], zeroline: false } : {}),
      },
    }),
  };
}
