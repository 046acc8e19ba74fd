/**
 * Plotly figures of the data, shared by the server's visualize route and the
 * notebooks: one feature by class with its positive rate per value or bin (and
 * a sentence computed from the data), the class balance, and a correlation
 * heatmap. Figures of trained models are in `figures_model.ts`.
 *
 * Every builder returns plain JSON (`{ data, layout }`) for `Plotly.newPlot`.
 *
 * @module
 */
import type { Dataset } from "../data/dataset.ts";
import type { DatasetSpec } from "../data/spec.ts";
import type { Split } from "../data/split.ts";
import { correlationMatrix, type FeatureRates, featureRates } from "../data/feature_rates.ts";
import { baseLayout, classWords, COLOR, num, pct, type PlotlyFigure } from "./style.ts";

export type { PlotlyFigure } from "./style.ts";

/** A feature's figure with one sentence reading it. */
export interface FeatureFigure {
  figure: PlotlyFigure;
  /** What the data shows, computed from it (rates, counts, means). */
  interpretation: string;
}

/**
 * The figure of one feature by class: counts per value or bin for each class
 * (grouped bars, a histogram for numbers) above the positive rate per value or
 * bin, with the overall rate as a dashed line.
 *
 * @param data The dataset, with labels.
 * @param spec The dataset spec.
 * @param feature A column of the dataset other than the target.
 * @returns The figure and an interpretation computed from the data.
 * @throws SchemaError naming the valid features when `feature` is not one.
 * @example
 * ```ts
 * const { figure, interpretation } = featureFigure(data, spec, "Number_of_Failures");
 * ```
 */
export function featureFigure(
  data: Dataset,
  spec: DatasetSpec,
  feature: string,
  options: FeatureFigureOptions = {},
): { figure: { data: object[]; layout: object }; interpretation: string } {
  const minGroup = options.minGroup ?? 0;
  const rates = featureRates(data, spec, feature);
  if (
    rates.perfectCut &&
    Math.min(rates.perfectCut.below.count, rates.perfectCut.above.count) < minGroup
  ) {
    delete rates.perfectCut;
  }
  const hidden = (g: (typeof rates.groups)[number]) => g.count > 0 && g.count < minGroup;
  const words = classWords(spec);
  const x = rates.groups.map((g) => g.label);
  const hover = (g: (typeof rates.groups)[number]) =>
    hidden(g)
      ? `${feature} ${g.label}<br>fewer than ${minGroup} students: not shown`
      : `${feature} ${g.label}<br>${g.count} students, ${g.positives} ${words.verb}` +
        (g.count > 0 ? ` (${pct(g.rate)})` : "");
  const counts = (positive: boolean) => ({
    type: "bar",
    name: positive ? words.positive : words.negative,
    x,
    y: rates.groups.map((g) => hidden(g) ? null : positive ? g.positives : g.count - g.positives),
    marker: { color: positive ? COLOR.positive : COLOR.negative },
    hovertext: rates.groups.map(hover),
    hoverinfo: "text",
  });
  const rate = {
    type: "bar",
    name: `% ${words.verb}`,
    x,
    y: rates.groups.map((g) => (g.count > 0 && !hidden(g) ? 100 * g.rate : null)),
    yaxis: "y2",
    marker: { color: COLOR.positive, opacity: 0.55 },
    text: rates.groups.map((g) => (g.count > 0 && !hidden(g) ? pct(g.rate, 0) : "")),
    textposition: "outside",
    cliponaxis: false,
    hovertext: rates.groups.map(hover),
    hoverinfo: "text",
    showlegend: false,
  };
  const overall = 100 * rates.total.rate;
  const layout = baseLayout(`${feature} by ${spec.target.column}`, {
    height: 600,
    barmode: "group",
    xaxis: { type: "category", anchor: "y2", title: { text: feature }, automargin: true },
    yaxis: { domain: [0.48, 1], title: { text: "Students" } },
    yaxis2: { domain: [0, 0.36], title: { text: `% ${words.verb}` }, range: [0, 115] },
    shapes: [{
      type: "line",
      xref: "x domain",
      x0: 0,
      x1: 1,
      yref: "y2",
      y0: overall,
      y1: overall,
      line: { color: COLOR.reference, dash: "dash", width: 1.5 },
    }],
    annotations: [{
      xref: "x domain",
      x: 1,
      xanchor: "right",
      yref: "y2",
      y: overall,
      yanchor: "bottom",
      text: `overall ${pct(rates.total.rate)}`,
      showarrow: false,
      font: { color: COLOR.reference, size: 11 },
    }],
  });
  return {
    figure: { data: [counts(false), counts(true), rate], layout },
    interpretation: interpret(rates, data, spec, minGroup),
  };
}

/** Options of {@linkcode featureFigure}. */
export interface FeatureFigureOptions {
  /**
   * Groups (values or bins) of fewer students than this are drawn empty and left out of the
   * interpretation, so a public figure does not give the outcome of a handful of students.
   * 0 (the default) shows every group.
   */
  minGroup?: number;
}

function interpret(
  rates: FeatureRates,
  data: Dataset,
  spec: DatasetSpec,
  minGroup: number,
): string {
  const { feature, total, perfectCut: cut } = rates;
  const { verb } = classWords(spec);
  const parts: string[] = [];
  if (cut) {
    const [yes, no] = cut.below.rate === 1 ? ["every", "no"] : ["no", "every"];
    parts.push(
      `The rate jumps from ${pct(cut.below.rate, 0)} at ${feature} = ${cut.lastBelow} to ` +
        `${pct(cut.above.rate, 0)} at ${feature} = ${cut.at}: ${yes} student below ${cut.at} ` +
        `${verb} (${students(cut.below.count)}) and ${no} student at ${cut.at} or above did ` +
        `(${students(cut.above.count)}), so ${feature} reveals the label.`,
    );
  } else if (rates.kind === "values") {
    parts.push(compareValues(rates, verb, minGroup));
  } else {
    parts.push(compareHalves(rates, data, verb, minGroup));
  }
  if (rates.missing > 0) {
    parts.push(
      `${students(rates.missing)} ${rates.missing === 1 ? "has" : "have"} no ${feature} value.`,
    );
  }
  if (spec.leak.includes(feature)) {
    parts.push(
      `The spec marks ${feature} as a leak column, so the early-warning profiles leave it out.`,
    );
  }
  if (total.count === 0) return `No student has a ${feature} value.`;
  return parts.join(" ");
}

function students(n: number): string {
  return n === 1 ? "1 student" : `${n} students`;
}

function compareValues(rates: FeatureRates, verb: string, minGroup: number): string {
  const { feature, total } = rates;
  const minCount = Math.max(Math.ceil(0.02 * total.count), minGroup);
  const seen = rates.groups.filter((g) => g.count > 0);
  const eligible = seen.filter((g) => g.count >= minCount);
  if (eligible.length < 2) {
    const top = seen.reduce((a, b) => (b.count > a.count ? b : a));
    if (top.count < minGroup) {
      return `Every ${feature} value is held by fewer than ${students(minGroup)}: ` +
        `${pct(total.rate)} overall.`;
    }
    return `${top.count} of ${total.count} students have ${feature} = ${top.label}, ` +
      `of whom ${pct(top.rate)} ${verb}; ${pct(total.rate)} overall.`;
  }
  const hi = eligible.reduce((a, b) => (b.rate > a.rate ? b : a));
  const lo = eligible.reduce((a, b) => (b.rate < a.rate ? b : a));
  const small = seen.length - eligible.length;
  return `${pct(hi.rate)} of students with ${feature} = ${hi.label} ${verb} ` +
    `(${hi.positives} of ${hi.count}), against ${pct(lo.rate)} with ${feature} = ${lo.label} ` +
    `(${lo.positives} of ${lo.count}); ${pct(total.rate)} overall.` +
    (small > 0
      ? ` Values held by fewer than ${students(minCount)} are left out of this comparison.`
      : "");
}

function compareHalves(
  rates: FeatureRates,
  data: Dataset,
  verb: string,
  minGroup: number,
): string {
  const { feature } = rates;
  const pairs: [number, number][] = [];
  data.cells[feature].forEach((c, i) => c !== null && pairs.push([c as number, data.labels[i]]));
  const values = pairs.map((p) => p[0]).sort((a, b) => a - b);
  const median = values[Math.floor((values.length - 1) / 2)];
  const mean = (label: number) => {
    const xs = pairs.filter((p) => p[1] === label).map((p) => p[0]);
    return xs.length ? num(xs.reduce((a, b) => a + b, 0) / xs.length) : "n/a";
  };
  const inLow = values[0] < median ? (v: number) => v < median : (v: number) => v <= median;
  const side = (low: boolean) => {
    const part = pairs.filter((p) => inLow(p[0]) === low);
    const positives = part.reduce((a, p) => a + p[1], 0);
    return { count: part.length, positives, rate: positives / (part.length || 1) };
  };
  const [low, high] = [side(true), side(false)];
  const [lowText, highText] = values[0] < median
    ? [`below ${num(median)} (the median)`, `at ${num(median)} or above`]
    : [`at ${num(median)} (the median) or below`, `above ${num(median)}`];
  const means = `Students who ${verb} have a mean ${feature} of ${mean(1)} against ` +
    `${mean(0)} for the others`;
  if (high.count === 0 || Math.min(low.count, high.count) < minGroup) return `${means}.`;
  return `${means}; ${pct(low.rate)} of students with ${feature} ${lowText} ${verb} ` +
    `(${low.positives} of ${low.count}), against ${pct(high.rate)} ${highText} ` +
    `(${high.positives} of ${high.count}).`;
}

/** Options of {@linkcode classBalanceFigure}. */
export interface ClassBalanceOptions {
  /** Also show each part of this split. */
  split?: Split;
}

/**
 * The class balance: rows of each class, for the whole data set and for each
 * part of a split, with the positive rate above each bar.
 *
 * @param data The dataset, with labels.
 * @param spec The dataset spec.
 * @param options A split to show part by part.
 * @returns The figure.
 */
export function classBalanceFigure(
  data: Dataset,
  spec: DatasetSpec,
  options: ClassBalanceOptions = {},
): PlotlyFigure {
  const words = classWords(spec);
  const all = Array.from({ length: data.rows }, (_, i) => i);
  const parts: [string, number[]][] = [["all", all]];
  if (options.split) {
    parts.push(
      ["train", options.split.train],
      ["validation", options.split.validation],
      ["test", options.split.test],
    );
  }
  const counted = parts.map(([name, rows]) => {
    const positives = rows.reduce((a, r) => a + data.labels[r], 0);
    return { name, rows: rows.length, positives };
  });
  const x = counted.map((c) => c.name);
  const trace = (positive: boolean) => {
    const y = counted.map((c) => (positive ? c.positives : c.rows - c.positives));
    return {
      type: "bar",
      name: positive ? words.positive : words.negative,
      x,
      y,
      text: y.map(String),
      textposition: "inside",
      marker: { color: positive ? COLOR.positive : COLOR.negative },
    };
  };
  return {
    data: [trace(false), trace(true)],
    layout: baseLayout(`Class balance of ${spec.target.column}`, {
      barmode: "stack",
      bargap: parts.length === 1 ? 0.6 : 0.3,
      height: 420,
      xaxis: { type: "category", title: { text: options.split ? "Part" : "" } },
      yaxis: { title: { text: "Students" } },
      annotations: counted.map((c) => ({
        x: c.name,
        y: c.rows,
        yanchor: "bottom",
        text: `${pct(c.positives / (c.rows || 1))} ${words.verb}`,
        showarrow: false,
      })),
    }),
  };
}

/**
 * A heatmap of the Pearson correlations between the numeric, ordinal and
 * yes/no columns, the two-valued categories and the label.
 *
 * @param data The dataset, with labels.
 * @param spec The dataset spec.
 * @returns The figure.
 */
export function correlationFigure(data: Dataset, spec: DatasetSpec): PlotlyFigure {
  const { names, matrix } = correlationMatrix(data, spec);
  const z = matrix.map((row) => row.map((v) => (Number.isFinite(v) ? Number(v.toFixed(3)) : null)));
  const size = Math.max(420, 22 * names.length + 220);
  return {
    data: [{
      type: "heatmap",
      x: names,
      y: names,
      z,
      zmin: -1,
      zmax: 1,
      // Plotly's RdBu runs blue (low) to red (high): positive correlations read red.
      colorscale: "RdBu",
      colorbar: { title: { text: "r" } },
      hovertemplate: "%{y} × %{x}: r = %{z:.2f}<extra></extra>",
      ...(names.length <= 15 ? { texttemplate: "%{z:.2f}" } : {}),
    }],
    layout: baseLayout("Pearson correlation between columns", {
      height: size,
      width: size + 80,
      margin: { l: 230, r: 30, t: 70, b: 200 },
      xaxis: { tickangle: -60, automargin: true },
      yaxis: { autorange: "reversed", automargin: true },
    }),
  };
}
