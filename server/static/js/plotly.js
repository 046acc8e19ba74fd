// @ts-check
/**
 * plotly.js, loaded once and only when a chart is first drawn: the server
 * serves it from the pinned `plotly.js-dist` package at `/vendor/plotly.js`
 * (no CDN), and it is large, so the predict and batch views never wait for it.
 *
 * @module
 */

/**
 * The part of plotly.js the page uses.
 * @typedef {{
 *   newPlot(el: HTMLElement, data: object[], layout?: object, config?: object): Promise<HTMLElement>;
 *   purge(el: HTMLElement): void;
 *   Plots: { resize(el: HTMLElement): Promise<void> };
 * }} Plotly
 */

/** @type {Promise<Plotly> | undefined} */
let loading;

/**
 * Loads plotly.js.
 *
 * @returns {Promise<Plotly>} The library.
 */
export function loadPlotly() {
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/vendor/plotly.js";
    script.onload = () =>
      resolve(/** @type {{ Plotly: Plotly }} */ (/** @type {unknown} */ (globalThis)).Plotly);
    script.onerror = () => {
      loading = undefined;
      script.remove();
      reject(new Error("Cannot load the chart library from /vendor/plotly.js"));
    };
    document.head.append(script);
  });
  return loading;
}

/**
 * Draws a figure, sized to its container.
 *
 * @param {HTMLElement} el The container.
 * @param {{ data: object[]; layout?: Record<string, unknown> }} figure The Plotly figure.
 * @param {string} description What the chart shows, for screen readers.
 * @returns {Promise<void>}
 */
export async function draw(el, figure, description) {
  const Plotly = await loadPlotly();
  Plotly.purge(el);
  el.setAttribute("role", "img");
  el.setAttribute("aria-label", description);
  const narrow = el.clientWidth < 500;
  const layout = {
    ...figure.layout,
    autosize: true,
    width: undefined,
    ...(narrow ? { margin: { l: 50, r: 10, t: 80, b: 50 } } : {}),
  };
  await Plotly.newPlot(el, figure.data, layout, {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["sendDataToCloud"],
  });
}

/**
 * Fits the charts inside an element to their containers again: a chart drawn
 * while its view was hidden, or before the window was resized, keeps its old
 * width until told.
 *
 * @param {HTMLElement} root The element holding charts (a view).
 */
export function resizeCharts(root) {
  const charts = root.querySelectorAll(".js-plotly-plot");
  if (charts.length === 0 || !loading) return;
  loading.then((Plotly) => {
    for (const chart of charts) Plotly.Plots.resize(/** @type {HTMLElement} */ (chart));
  });
}
