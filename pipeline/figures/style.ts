/**
 * What the figure builders share: the figure type, colours, the base layout
 * and number formatting. Used by `figures*.ts`; `mod.ts` exports the layout and
 * colours for figures drawn outside the pipeline (the benchmark report).
 *
 * @module
 */
import type { DatasetSpec } from "../data/spec.ts";

/** A Plotly figure: the `data` traces and the `layout`, as plain JSON for `Plotly.newPlot`. */
export interface PlotlyFigure {
  data: object[];
  layout: object;
}

/** Colours of the two classes (positive: at risk) and of the reference lines. */
export const COLOR = { positive: "#d62728", negative: "#1f77b4", reference: "#7f7f7f" } as const;

/** Plotly's default colour cycle, for one colour per model or profile. */
export const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
];

/**
 * A layout with the house defaults (white template, horizontal legend under the title).
 *
 * @param title The figure title.
 * @param extra Layout fields that override the defaults.
 * @returns The layout.
 */
export function baseLayout(title: string, extra: Record<string, unknown> = {}): object {
  return {
    title: { text: title, x: 0.02, xanchor: "left", y: 0.98, yanchor: "top" },
    template: "plotly_white",
    font: { family: "system-ui, sans-serif", size: 13 },
    margin: { l: 70, r: 30, t: 90, b: 60 },
    // "normal": a horizontal legend otherwise stacks each legend group's entries vertically.
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", traceorder: "normal" },
    height: 480,
    ...extra,
  };
}

/**
 * Formats a rate as a percentage with a thin space, e.g. `44.8 %`.
 *
 * @param rate A number in [0, 1].
 * @param digits Decimals.
 * @returns The text.
 */
export function pct(rate: number, digits = 1): string {
  return `${(100 * rate).toFixed(digits)} %`;
}

/** Rounds for display without trailing zeros: 0.1234 → "0.123", 12 → "12". */
export function num(value: number, digits = 3): string {
  return String(Number(value.toPrecision(digits)));
}

/**
 * Words for the two classes, from the spec's target: `Dropped_Out` gives
 * "Dropped out", "Not dropped out" and the verb "dropped out".
 *
 * @param spec The dataset spec.
 * @returns The class names and the verb used in sentences.
 */
export function classWords(
  spec: DatasetSpec,
): { positive: string; negative: string; verb: string } {
  const words = spec.target.column.replace(/[_-]+/g, " ").trim().toLowerCase();
  const positive = words.charAt(0).toUpperCase() + words.slice(1);
  return { positive, negative: `Not ${words}`, verb: words };
}

/**
 * The colour of the i-th model or profile.
 *
 * @param i Its position.
 * @returns A colour of {@linkcode PALETTE}, cycling.
 */
export function paletteColor(i: number): string {
  return PALETTE[i % PALETTE.length];
}
