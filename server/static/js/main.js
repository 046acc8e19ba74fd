// @ts-check
/**
 * The page's entry point: reads the spec from `/v1/spec`, fills the profile
 * selector (the spec's default first; `seed` marked as leaky), and switches
 * between the five views by the URL's hash, so each view has an address and
 * the browser's back button works.
 *
 * @module
 */
import { api } from "./api.js";
import { batchView } from "./batch.js";
import { caseloadView } from "./caseload.js";
import { byId, h, setOptions, showError } from "./dom.js";
import { dataSection } from "./drift.js";
import { exploreView } from "./explore.js";
import { modelView } from "./model.js";
import { resizeCharts } from "./plotly.js";
import { predictView } from "./predict.js";

const VIEWS = ["predict", "batch", "explore", "model", "caseload"];

/**
 * The text of a profile's option.
 *
 * @param {string} name The profile.
 * @param {import("./api.js").ProfileInfo} info Its description from `/v1/spec`.
 * @param {string} fallback The default profile.
 * @returns {string} For example "seed: uses Final_Grade (a leak), not for early warning".
 */
export function profileText(name, info, fallback) {
  if (info.leaks.length) {
    return `${name}: uses ${info.leaks.join(", ")} (a leak), not for early warning`;
  }
  return name === fallback ? `${name} (default)` : name;
}

/**
 * Writes the spec's own words into the page: the data set, the outcome, the default profile and
 * the leak note. Nothing about one data set is written into the page itself.
 *
 * @param {import("./api.js").SpecAnswer} answer The answer of `/v1/spec`.
 */
export function showTexts(answer) {
  const { texts } = answer;
  byId("dataset-note").replaceChildren(
    h("strong", {}, texts.title),
    texts.description ? `: ${texts.description}.` : "",
  );
  for (const el of document.querySelectorAll("[data-text=event]")) el.textContent = texts.event;
  const fallback = answer.profiles[answer.default_profile];
  const leaky = Object.entries(answer.profiles).filter(([, p]) => p.leaks.length > 0);
  byId("profile-help").replaceChildren(
    h("code", {}, answer.default_profile),
    ` is the default${fallback.description ? `: ${fallback.description}` : ""}.`,
    ...leaky.flatMap(([name, p]) => [
      " The ",
      h("code", {}, name),
      " profile uses ",
      h("code", {}, p.leaks.join(", ")),
      `: ${texts.leakNote}. It must not be used to warn early.`,
    ]),
  );
}

async function start() {
  const select = byId("profile", HTMLSelectElement);
  const warning = byId("profile-warning");
  const answer = await api.spec();
  // Only profiles with an active model are offered; the others are named with who can train one.
  const untrained = Object.keys(answer.profiles).filter((n) => !answer.profiles[n].active_model);
  const names = Object.keys(answer.profiles).filter((n) => answer.profiles[n].active_model);
  if (names.length === 0) {
    throw new Error(
      "no model is trained yet. An operator can train one with `deno task train` " +
        "(or `deno task start`), or with the admin token in the Model view",
    );
  }
  const first = names.includes(answer.default_profile) ? answer.default_profile : names[0];
  // The default first, the leaky ones last.
  names.sort((a, b) =>
    Number(b === answer.default_profile) - Number(a === answer.default_profile) ||
    answer.profiles[a].leaks.length - answer.profiles[b].leaks.length
  );
  setOptions(
    select,
    names.map((n) => ({
      value: n,
      text: profileText(n, answer.profiles[n], answer.default_profile),
    })),
    first,
  );
  const state = { spec: answer, profile: first };
  showTexts(answer);
  if (untrained.length > 0) {
    byId("profile-help").append(
      ` No model is trained yet for ${untrained.join(", ")}, so ${
        untrained.length === 1 ? "it is" : "they are"
      } not offered: an operator can train one with `,
      h("code", {}, "deno task train --profile P"),
      " or, with the admin token, in the Model view.",
    );
  }

  const predict = predictView(state);
  const data = dataSection(state);
  const batch = batchView(state, data);
  const explore = exploreView(state);
  const model = modelView(state);
  const caseload = caseloadView();

  let current = "";
  function route() {
    const wanted = location.hash.slice(1);
    const view = VIEWS.includes(wanted) ? wanted : "predict";
    for (const name of VIEWS) byId(`view-${name}`).hidden = name !== view;
    for (const link of document.querySelectorAll("nav a[data-view]")) {
      if (/** @type {HTMLElement} */ (link).dataset.view === view) {
        link.setAttribute("aria-current", "page");
      } else link.removeAttribute("aria-current");
    }
    resizeCharts(byId(`view-${view}`));
    if (view === "explore") explore.show();
    if (view === "model") model.show();
    if (view === "caseload") caseload.show();
    // Moving focus to the view's heading tells screen readers the view changed.
    if (current && current !== view) byId(`${view}-title`).focus();
    current = view;
  }

  select.addEventListener("change", () => {
    state.profile = select.value;
    const info = answer.profiles[state.profile];
    warning.hidden = info.leaks.length === 0;
    warning.textContent = info.leaks.length
      ? `The ${state.profile} profile uses ${info.leaks.join(", ")}: ` +
        `${answer.texts.leakNote}.${info.description ? ` ${info.description}.` : ""}`
      : "";
    predict.profileChanged();
    batch.profileChanged();
    data.clear();
    if (current === "model") model.show();
  });
  addEventListener("hashchange", route);
  route();
  document.body.dataset.ready = "true";
}

start().catch((error) => {
  showError(byId("load-error"), `The page could not start: ${error.message}`);
});
