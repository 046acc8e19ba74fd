// @ts-check
/**
 * The explore view: pick a feature, see its Plotly chart and the
 * interpretation the server computes from the data (`/v1/visualize/{feature}`).
 *
 * @module
 */
import { api } from "./api.js";
import { byId, label, setOptions, showError } from "./dom.js";
import { draw } from "./plotly.js";

/**
 * Wires the explore view.
 *
 * @param {{ spec: import("./api.js").SpecAnswer }} state The page's state.
 * @returns {{ show(): void }} What the page calls when the view is opened.
 */
export function exploreView(state) {
  const select = byId("explore-feature", HTMLSelectElement);
  const help = byId("explore-help");
  const text = byId("explore-interpretation");
  const chart = byId("explore-chart");
  const errorBox = byId("explore-error");
  const { spec } = state.spec;
  const columns = spec.columns.filter((c) => c.name !== spec.target.column);
  let drawn = "";
  let request = 0;

  setOptions(
    select,
    columns.map((c) => ({
      value: c.name,
      text: spec.leak.includes(c.name) ? `${label(c.name)} (leak)` : label(c.name),
    })),
    "Number_of_Failures",
  );

  async function show() {
    const feature = select.value;
    if (feature === drawn) return;
    const mine = ++request;
    help.textContent = columns.find((c) => c.name === feature)?.description ?? "";
    showError(errorBox);
    text.textContent = "Loading…";
    try {
      const answer = await api.visualize(feature);
      if (mine !== request) return;
      text.textContent = answer.interpretation;
      await draw(chart, answer.figure, `Chart of ${label(feature)}: ${answer.interpretation}`);
      drawn = feature;
    } catch (error) {
      if (mine !== request) return;
      text.textContent = "";
      showError(errorBox, /** @type {Error} */ (error).message);
    }
  }

  select.addEventListener("change", show);
  return { show };
}
