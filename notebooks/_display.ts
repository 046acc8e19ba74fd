/**
 * Showing pipeline results in the notebooks (Deno kernel): Plotly figures as
 * `application/vnd.plotly.v1+json` with a `text/html` fallback drawn by the
 * local plotly.js (embedded once per notebook, no CDN, so an exported HTML file
 * works offline), tables as HTML, and sentences as Markdown. Also the paths
 * the notebooks use, which tests can redirect. Notebook-only: the server never
 * imports this file.
 *
 * @module
 */
import { isAbsolute } from "node:path";
import { type PlotlyFigure, plotlyLoaderScript } from "../pipeline/mod.ts";

/** A value shown in a table cell. */
export type TableValue = string | number | boolean | null | undefined;

/** Where the notebooks read and write, relative to `notebooks/` (their working directory). */
export const paths = {
  /** The project root, for `resolveDataPath(undefined, paths.root)`. */
  root: "..",
  spec: "../data/specs/student_dropout.json",
  /**
   * The notebooks' own registry, `notebooks/out/models/`, so that no notebook changes what a server
   * serves; `MODELS_DIR` (relative to the root, as for the server) names another, such as `models/`.
   */
  models: Deno.env.get("MODELS_DIR") ? fromRoot(Deno.env.get("MODELS_DIR")!) : "out/models",
  /** Where split manifests go, as with `deno task split`: `SPLITS_DIR` or `data/splits/`. */
  splits: fromRoot(Deno.env.get("SPLITS_DIR") ?? "data/splits"),
  /** The OULAD release's folder: `OULAD_DIR` (relative to the root) or `../shared/data/oulad`. */
  oulad: fromRoot(Deno.env.get("OULAD_DIR") ?? "../shared/data/oulad"),
  /** Where notebooks write tables and specs derived from the data (never committed). */
  out: "out",
};

function fromRoot(path: string): string {
  return isAbsolute(path) ? path : `../${path}`;
}

let plotlyEmbedded = false;
let shown = 0;

/**
 * The MIME bundle of a figure: Plotly JSON for frontends with a Plotly
 * renderer, and HTML that draws it with plotly.js for the others.
 *
 * @param figure The figure.
 * @param options `library`: a script loading plotly.js, put before the figure (the first figure of a notebook).
 * @returns The bundle.
 */
export function figureBundle(
  figure: PlotlyFigure,
  options: { library?: string } = {},
): Record<string, string | object> {
  const id = `plotly-${crypto.randomUUID()}`;
  const height = (figure.layout as { height?: number }).height ?? 450;
  // "<" escaped so that no string in the figure can close the script element.
  const json = JSON.stringify(figure).replace(/</g, "\\u003c");
  const html = `${
    options.library ?? ""
  }<div id="${id}" class="plotly-figure" style="width:100%;min-height:${height}px"></div>
<script type="text/javascript">
(function () {
  var figure = ${json};
  function draw() {
    if (!window.Plotly) return setTimeout(draw, 50);
    window.Plotly.newPlot("${id}", figure.data, figure.layout, { responsive: true, displaylogo: false });
  }
  draw();
})();
</script>`;
  const title = (figure.layout as { title?: { text?: string } }).title?.text ?? "figure";
  return {
    "application/vnd.plotly.v1+json": figure,
    "text/html": html,
    "text/plain": `<Plotly figure: ${title}>`,
  };
}

/**
 * Displays a figure; the first one of the notebook carries plotly.js.
 *
 * @param figure The figure.
 */
export async function showFigure(figure: PlotlyFigure): Promise<void> {
  const library = plotlyEmbedded ? undefined : plotlyLoaderScript();
  plotlyEmbedded = true;
  await display(figureBundle(figure, { library }));
}

/**
 * The MIME bundle of a table: HTML and aligned plain text.
 *
 * @param rows One object per row; the keys of the first row are the columns unless given.
 * @param options `columns` to show and their order; `digits` after the point (default 3).
 * @returns The bundle.
 */
export function tableBundle(
  rows: Record<string, TableValue>[],
  options: { columns?: string[]; digits?: number } = {},
): Record<string, string> {
  const columns = options.columns ?? Object.keys(rows[0] ?? {});
  const cell = (v: TableValue) => format(v, options.digits ?? 3);
  const numeric = columns.map((c) => rows.every((r) => typeof r[c] === "number" || r[c] == null));
  const align = (i: number) => (numeric[i] ? "right" : "left");
  const head = columns.map((c, i) => `<th style="text-align:${align(i)}">${escape(c)}</th>`);
  const body = rows.map((r) =>
    `<tr>${
      columns.map((c, i) => `<td style="text-align:${align(i)}">${escape(cell(r[c]))}</td>`)
        .join("")
    }</tr>`
  );
  const html = `<table class="dataframe"><thead><tr>${head.join("")}</tr></thead>` +
    `<tbody>${body.join("")}</tbody></table>`;
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) =>
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join("  ")
      .trimEnd();
  const text = [line(columns), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))];
  return { "text/html": html, "text/plain": text.join("\n") };
}

/**
 * Displays a table.
 *
 * @param rows One object per row.
 * @param options As {@linkcode tableBundle}.
 */
export async function showTable(
  rows: Record<string, TableValue>[],
  options: { columns?: string[]; digits?: number } = {},
): Promise<void> {
  await display(tableBundle(rows, options));
}

/**
 * Displays a sentence or paragraph (Markdown).
 *
 * @param markdown The text.
 */
export async function showText(markdown: string): Promise<void> {
  await display({ "text/markdown": markdown, "text/plain": markdown });
}

function format(value: TableValue, digits: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    return Number.isInteger(value) ? String(value) : value.toFixed(digits);
  }
  return String(value);
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

async function display(bundle: Record<string, string | object>): Promise<void> {
  const jupyter = (Deno as { jupyter?: typeof Deno.jupyter }).jupyter;
  if (!jupyter) {
    console.log(bundle["text/plain"]); // run outside a kernel (deno run): print the text
    return;
  }
  await jupyter.display(bundle, { raw: true });
  shown++;
  // The Deno kernel can end a cell before its display messages are sent (they then land in the
  // next cell or are lost), and its iopub socket drops a message sent while a large one is still
  // being written. A pause after each display, longer after a large one, lets each message go.
  const bytes = JSON.stringify(bundle).length;
  await new Promise((resolve) => setTimeout(resolve, 15 + (300 * bytes) / 1e6));
}

/** The marker {@linkcode showEnd} displays; the runner reads the count from it. */
export const END_MARKER = "End of notebook:";

/**
 * Displays the closing line with the number of outputs displayed before it,
 * so the runner can check that the kernel delivered every one.
 */
export async function showEnd(): Promise<void> {
  const count = shown;
  await display({
    "text/markdown": `*${END_MARKER} ${count} outputs displayed.*`,
    "text/plain": `${END_MARKER} ${count} outputs displayed.`,
  });
}
