/**
 * A static SVG drawing of a Plotly bar figure, for clients that want an image rather than a
 * figure to draw (the original system's page shows `/visualize/{feature}` as a PNG). It draws what
 * {@linkcode featureFigure} uses: grouped bar traces on category x, one or two y axes stacked by
 * their `domain`, bar `text`, a horizontal line `shape` on an axis and its annotation, the title,
 * the axis titles and a legend. Plotly itself needs a browser to export an image, so the few
 * features these figures use are drawn here.
 *
 * @module
 */

/** Options of {@linkcode figureSvg}. */
export interface FigureSvgOptions {
  /** Width in pixels (default 800). */
  width?: number;
  /** Height in pixels (default: the layout's height, else 480). */
  height?: number;
  /** The font family written into the SVG (default "DejaVu Sans"). */
  fontFamily?: string;
}

interface BarTrace {
  type?: string;
  name?: string;
  x?: unknown[];
  y?: (number | null)[];
  yaxis?: string;
  text?: string[];
  showlegend?: boolean;
  marker?: { color?: string; opacity?: number };
}

interface Axis {
  domain?: [number, number];
  range?: [number, number];
  title?: { text?: string } | string;
}

interface Layout {
  title?: { text?: string } | string;
  height?: number;
  margin?: { l?: number; r?: number; t?: number; b?: number };
  xaxis?: Axis;
  [axis: string]: unknown;
}

interface LineShape {
  type?: string;
  yref?: string;
  y0?: number;
  line?: { color?: string; dash?: string; width?: number };
}

interface Annotation {
  yref?: string;
  y?: number;
  text?: string;
  font?: { color?: string; size?: number };
}

const GRID = "#e5e5e5";
const INK = "#2a3f5f";

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function titleOf(title: { text?: string } | string | undefined): string {
  return typeof title === "string" ? title : title?.text ?? "";
}

/** Round tick steps of 1, 2 or 5 times a power of ten, about five ticks over the range. */
function ticks(max: number): number[] {
  if (!(max > 0)) return [0];
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(Math.round(v * 1e9) / 1e9);
  return out;
}

/**
 * Draws a Plotly bar figure as SVG.
 *
 * @param figure The figure (`data` of bar traces and `layout`), as {@linkcode featureFigure} makes.
 * @param options Size and font.
 * @returns The SVG document.
 * @example
 * ```ts
 * const svg = figureSvg(featureFigure(data, spec, "Age").figure);
 * ```
 */
export function figureSvg(
  figure: { data: object[]; layout: object },
  options: FigureSvgOptions = {},
): string {
  const layout = figure.layout as Layout;
  const traces = (figure.data as BarTrace[]).filter((t) => (t.type ?? "bar") === "bar");
  const width = options.width ?? 800;
  const height = options.height ?? layout.height ?? 480;
  const font = options.fontFamily ?? "DejaVu Sans";
  const m = { l: 70, r: 30, t: 90, b: 60, ...layout.margin };
  const plot = { left: m.l, right: width - m.r, top: m.t, bottom: height - m.b };
  const categories = [...new Set(traces.flatMap((t) => (t.x ?? []).map(String)))];
  const band = (plot.right - plot.left) / Math.max(1, categories.length);
  const out: string[] = [];
  const text = (x: number, y: number, body: string, attrs = "") =>
    out.push(`<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${escape(body)}</text>`);

  const axisNames = [...new Set(traces.map((t) => t.yaxis ?? "y"))];
  const axes = new Map<string, { top: number; bottom: number; max: number }>();
  for (const name of axisNames) {
    const axis = (layout[name === "y" ? "yaxis" : `yaxis${name.slice(1)}`] ?? {}) as Axis;
    const [d0, d1] = axis.domain ?? [0, 1];
    const span = plot.bottom - plot.top;
    const values = traces.filter((t) => (t.yaxis ?? "y") === name)
      .flatMap((t) => (t.y ?? []).filter((v): v is number => typeof v === "number"));
    const max = axis.range?.[1] ?? Math.max(1, ...values) * 1.1;
    const box = { top: plot.top + (1 - d1) * span, bottom: plot.top + (1 - d0) * span, max };
    axes.set(name, box);
    const y = (v: number) => box.bottom - (v / max) * (box.bottom - box.top);
    for (const tick of ticks(max)) {
      out.push(
        `<line x1="${plot.left}" x2="${plot.right}" y1="${y(tick).toFixed(1)}" y2="${
          y(tick).toFixed(1)
        }" stroke="${GRID}"/>`,
      );
      text(plot.left - 6, y(tick) + 4, String(tick), 'text-anchor="end" font-size="11"');
    }
    const title = titleOf(axis.title);
    const middle = (box.top + box.bottom) / 2;
    if (title) {
      text(18, middle, title, `text-anchor="middle" transform="rotate(-90 18 ${middle})"`);
    }
    const group = traces.filter((t) => (t.yaxis ?? "y") === name);
    const barWidth = (band * 0.8) / group.length;
    group.forEach((trace, k) => {
      const color = trace.marker?.color ?? INK;
      const opacity = trace.marker?.opacity ?? 1;
      (trace.x ?? []).forEach((x, i) => {
        const v = trace.y?.[i];
        if (typeof v !== "number") return;
        const left = plot.left + categories.indexOf(String(x)) * band + band * 0.1 + k * barWidth;
        out.push(
          `<rect x="${left.toFixed(1)}" y="${y(v).toFixed(1)}" width="${barWidth.toFixed(1)}" ` +
            `height="${
              (box.bottom - y(v)).toFixed(1)
            }" fill="${color}" fill-opacity="${opacity}"/>`,
        );
        const label = trace.text?.[i];
        if (label) {
          text(left + barWidth / 2, y(v) - 4, label, 'text-anchor="middle" font-size="11"');
        }
      });
    });
  }
  for (const shape of (layout.shapes ?? []) as LineShape[]) {
    const box = axes.get(shape.yref ?? "y");
    if (shape.type !== "line" || !box || typeof shape.y0 !== "number") continue;
    const y = box.bottom - (shape.y0 / box.max) * (box.bottom - box.top);
    const dash = shape.line?.dash ? ' stroke-dasharray="6 4"' : "";
    out.push(
      `<line x1="${plot.left}" x2="${plot.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" ` +
        `stroke="${shape.line?.color ?? INK}" stroke-width="${shape.line?.width ?? 1}"${dash}/>`,
    );
  }
  for (const note of (layout.annotations ?? []) as Annotation[]) {
    const box = axes.get(note.yref ?? "y");
    if (!box || typeof note.y !== "number" || !note.text) continue;
    const y = box.bottom - (note.y / box.max) * (box.bottom - box.top);
    text(
      plot.right,
      y - 4,
      note.text,
      `text-anchor="end" font-size="${note.font?.size ?? 11}" fill="${note.font?.color ?? INK}"`,
    );
  }
  const lowest = Math.max(...[...axes.values()].map((a) => a.bottom), plot.top);
  categories.forEach((c, i) => {
    text(plot.left + (i + 0.5) * band, lowest + 16, c, 'text-anchor="middle" font-size="11"');
  });
  const xTitle = titleOf(layout.xaxis?.title);
  if (xTitle) text((plot.left + plot.right) / 2, lowest + 38, xTitle, 'text-anchor="middle"');
  let legendX = plot.left;
  for (const trace of traces) {
    if (trace.showlegend === false || !trace.name) continue;
    out.push(
      `<rect x="${legendX}" y="${plot.top - 26}" width="12" height="12" fill="${
        trace.marker?.color ?? INK
      }"/>`,
    );
    text(legendX + 18, plot.top - 16, trace.name, 'font-size="12"');
    legendX += 30 + trace.name.length * 7.5;
  }
  const title = titleOf(layout.title);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${escape(font)}" font-size="13" fill="${INK}">` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>` +
    (title ? `<text x="${m.l}" y="36" font-size="17">${escape(title)}</text>` : "") +
    out.join("") + `</svg>`;
}
