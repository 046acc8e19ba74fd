// @ts-check
/**
 * The predict view: a form generated from the spec for the chosen profile
 * (a select for every category, ordinal or yes/no column with its allowed
 * values, a number input with min and max otherwise, and the data
 * dictionary's line as help), and the answer: probability, band, threshold,
 * model, imputed fields and the reasons as a signed bar list. The server
 * judges every value; its field issues are shown next to their fields.
 *
 * @module
 */
import { api, ApiError } from "./api.js";
import { bandBadge, byId, h, label, pct, risk, showError } from "./dom.js";

/**
 * @typedef {import("./api.js").ColumnSpec} ColumnSpec
 * @typedef {import("./api.js").FieldIssue} FieldIssue
 * @typedef {import("./api.js").PredictionOut} PredictionOut
 * @typedef {import("./api.js").SpecAnswer} SpecAnswer
 * @typedef {{ spec: SpecAnswer; profile: string }} AppState
 */

/**
 * The help line of a column: its description, and its range when numeric.
 *
 * @param {ColumnSpec} col The column.
 * @param {string} leak The spec's leak note when the column leaks the label, else "".
 * @returns {string} One line.
 */
export function helpText(col, leak) {
  const parts = [col.description ?? ""];
  if ((col.type === "integer" || col.type === "number") && col.min !== undefined) {
    parts.push(`${col.type === "integer" ? "A whole number" : "A number"} ${col.min}–${col.max}`);
  }
  if (leak) parts.push(`Leak: ${leak}`);
  return parts.filter(Boolean).join(". ").replace(/\.\./g, ".");
}

/**
 * The allowed values of a column shown as a select, or undefined for a number input.
 *
 * @param {ColumnSpec} col The column.
 * @returns {string[] | undefined} The values.
 */
export function choices(col) {
  if (col.type === "category" || col.type === "ordinal") return (col.values ?? []).map(String);
  if (col.type === "boolean") return [col.true_values?.[0] ?? "yes", col.false_values?.[0] ?? "no"];
  return undefined;
}

/**
 * One form field.
 *
 * @param {ColumnSpec} col The column.
 * @param {string} leak The leak note when it leaks the label, else "".
 * @returns {HTMLElement} The field.
 */
function field(col, leak) {
  const id = `f-${col.name}`;
  const described = `${id}-help ${id}-error`;
  const values = choices(col);
  const control = values
    ? h(
      "select",
      { id, name: col.name, "aria-describedby": described },
      h("option", { value: "" }, "— not known —"),
      values.map((v) => h("option", { value: v }, v)),
    )
    : h("input", {
      id,
      name: col.name,
      type: "number",
      min: col.min,
      max: col.max,
      step: col.type === "integer" ? 1 : "any",
      inputmode: col.type === "integer" ? "numeric" : "decimal",
      "aria-describedby": described,
    });
  return h(
    "div",
    { class: "field", "data-field": col.name },
    h("label", { for: id }, label(col.name)),
    control,
    h("p", { class: "help", id: `${id}-help` }, helpText(col, leak)),
    h("p", { class: "error", id: `${id}-error`, hidden: true }),
  );
}

/**
 * The reasons as a signed bar list: bars to the right raise the risk, to the left lower it. Every
 * bar of the list is drawn on one scale (the list is one grid, so every bar has the same width to
 * fill), and the largest change fills its half.
 *
 * @param {NonNullable<PredictionOut["reasons"]>} reasons The reasons.
 * @param {number} [largest] The change that fills a half (default: the largest of the list).
 * @returns {HTMLElement} The list.
 */
export function reasonList(
  reasons,
  largest = Math.max(...reasons.map((r) => Math.abs(r.contribution)), 1e-9),
) {
  return h(
    "ul",
    { class: "reasons", "aria-label": "Main reasons, largest first" },
    reasons.map((r) => {
      const fill = h("span", { class: r.direction });
      fill.style.width = `${Math.max(2, (Math.abs(r.contribution) / largest) * 100)}%`;
      const points = pointsText(r.contribution);
      return h(
        "li",
        { "data-direction": r.direction },
        h(
          "span",
          { class: "feature" },
          label(r.feature),
          " = ",
          r.value === null ? h("em", {}, "not given") : String(r.value),
        ),
        h("span", { class: "bar", "aria-hidden": "true" }, fill),
        h(
          "span",
          { class: `effect ${r.direction}` },
          `${r.direction === "raises" ? "raises risk" : "lowers risk"} ${points}`,
        ),
      );
    }),
  );
}

/**
 * A change in probability in signed percentage points ("< 0.1 pts" when smaller).
 *
 * @param {number} delta The change.
 * @returns {string} For example "+12.3 pts".
 */
export function pointsText(delta) {
  const pts = delta * 100;
  if (Math.abs(pts) < 0.05) return "< 0.1 pts";
  return `${pts > 0 ? "+" : "−"}${Math.abs(pts).toFixed(1)} pts`;
}

/**
 * What the reasons are changes from, in one sentence: the baseline student's estimate beside the
 * share of training students with the outcome.
 *
 * @param {number | undefined} baseline The baseline's probability.
 * @param {number | undefined} rate The training share of the outcome.
 * @param {string} event The outcome, as the spec words it.
 * @returns {string} The sentence.
 */
export function baselineText(baseline, rate, event) {
  const from = baseline === undefined
    ? "Change in the estimate against the model's baseline student"
    : `Change in the estimate against the model's baseline student, estimated at ${risk(baseline)}`;
  const training = rate === undefined ? "" : `; the training rate of ${event} was ${pct(rate)}`;
  return `${from}${training}. In percentage points; inputs not given are never reasons.`;
}

/**
 * A student's full explanation: the baseline, then every given input's change, on one scale.
 *
 * @param {PredictionOut} p The prediction, asked with every reason.
 * @param {{ rate?: number; event: string }} context The training rate and the outcome's words.
 * @returns {HTMLElement} The explanation.
 */
export function fullExplanation(p, context) {
  const reasons = p.reasons ?? [];
  return h(
    "div",
    { class: "explanation", "data-baseline": p.baseline ?? "" },
    h("p", { class: "help" }, baselineText(p.baseline, context.rate, context.event)),
    p.warning ? h("p", { class: "warning", role: "note" }, p.warning) : null,
    reasons.length ? reasonList(reasons) : h("p", {}, "No reasons were given."),
    p.imputed.length
      ? h("p", { class: "help" }, `Not given, so imputed: ${p.imputed.map(label).join(", ")}.`)
      : null,
  );
}

/**
 * The answer for one student.
 *
 * @param {PredictionOut} p The prediction.
 * @param {string} event The outcome, as the spec words it after "the chance of".
 * @param {number | undefined} rate The share of training students with the outcome.
 * @returns {HTMLElement} The result panel.
 */
function resultPanel(p, event, rate) {
  const list = (/** @type {string[]} */ names) =>
    names.length ? names.map(label).join(", ") : h("span", {}, "none");
  return h(
    "section",
    { class: "result", "aria-labelledby": "result-title" },
    h("h3", { id: "result-title" }, "Result"),
    h(
      "p",
      { class: "probability", "data-probability": p.probability },
      risk(p.probability),
      h("span", { class: "help" }, ` estimated chance of ${event}`),
    ),
    p.warning ? h("p", { class: "warning", role: "note", "data-warning": "" }, p.warning) : null,
    p.field_warning
      ? h("p", { class: "warning", role: "note", "data-field-warning": "" }, p.field_warning)
      : null,
    h("p", {}, bandBadge(p.band), " ", p.at_risk ? "Worth a conversation with an adviser." : ""),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Threshold"),
      h("dd", {}, `${pct(p.threshold)}: students at or above it are flagged`),
      h("dt", {}, "Model"),
      h("dd", {}, h("code", { class: "id", "data-model": p.model }, p.model), ` (${p.profile})`),
      h("dt", {}, "Imputed"),
      h("dd", { "data-imputed": p.imputed.join(" ") }, list(p.imputed)),
      p.unknown.length ? [h("dt", {}, "Unseen values"), h("dd", {}, list(p.unknown))] : null,
      p.ignored?.length
        ? [
          h("dt", {}, "Not read"),
          h("dd", { "data-ignored": p.ignored.join(" ") }, list(p.ignored)),
        ]
        : null,
    ),
    h("h4", {}, "Main reasons"),
    h(
      "p",
      { class: "help", "data-baseline": p.baseline ?? "" },
      baselineText(p.baseline, rate, event),
    ),
    p.reasons?.length ? reasonList(p.reasons) : h("p", {}, "No reasons were given."),
    h(
      "p",
      { class: "help" },
      "A flag is a prompt for a conversation, not a decision about the student.",
    ),
  );
}

/**
 * Wires the predict view.
 *
 * @param {AppState} state The page's state (spec and chosen profile).
 * @returns {{ profileChanged(): void }} What the page calls when the profile changes.
 */
export function predictView(state) {
  const form = byId("predict-form", HTMLFormElement);
  const fields = byId("predict-fields");
  const summary = byId("predict-summary");
  const result = byId("predict-result");

  const features = () => state.spec.profiles[state.profile].features;
  const columns = () => new Map(state.spec.spec.columns.map((c) => [c.name, c]));

  function clearErrors() {
    summary.hidden = true;
    summary.replaceChildren();
    for (const el of fields.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    for (const el of fields.querySelectorAll(".error")) showError(/** @type {HTMLElement} */ (el));
  }

  /** @param {{ field?: string; text: string }[]} problems */
  function showProblems(problems) {
    const items = problems.map(({ field, text }) => {
      const control = field ? document.getElementById(`f-${field}`) : null;
      if (!control) return h("li", {}, text);
      control.setAttribute("aria-invalid", "true");
      showError(byId(`f-${field}-error`), text);
      return h("li", {}, h("a", { href: `#f-${field}` }, `${label(field ?? "")}: ${text}`));
    });
    summary.replaceChildren(
      h("p", {}, h("strong", {}, "Please correct the highlighted fields:")),
      h("ul", {}, items),
    );
    summary.hidden = false;
    summary.focus();
  }

  /**
   * The share of training students with the outcome, for a model (undefined when unknown).
   *
   * @param {string} id The model.
   */
  async function trainingRate(id) {
    try {
      return (await api.model(id)).data.prevalence;
    } catch {
      return undefined;
    }
  }

  /** Says which fields the active model reads, when it was fitted to read only some. */
  async function showReads() {
    const note = byId("predict-reads");
    const profile = state.profile;
    try {
      const id = (await api.models()).active[profile];
      const meta = id ? await api.model(id) : undefined;
      if (profile !== state.profile) return;
      note.hidden = !meta?.selection;
      note.textContent = meta?.selection
        ? `The active ${profile} model reads only ${
          meta.selection.read.map(label).join(", ")
        }: the other fields are accepted but do not change its estimate.`
        : "";
    } catch {
      note.hidden = true; // only a hint: predictions work without it
    }
  }

  function render() {
    const cols = columns();
    const leaks = state.spec.profiles[state.profile].leaks;
    fields.replaceChildren(
      ...features().map((name) =>
        field(
          /** @type {ColumnSpec} */ (cols.get(name)),
          leaks.includes(name) ? state.spec.texts.leakNote : "",
        )
      ),
    );
    clearErrors();
    result.replaceChildren();
    showReads();
  }

  summary.addEventListener("click", (event) => {
    const link = /** @type {HTMLElement} */ (event.target).closest("a");
    if (!link) return;
    event.preventDefault();
    document.getElementById(link.getAttribute("href")?.slice(1) ?? "")?.focus();
  });

  form.addEventListener("reset", () => {
    clearErrors();
    result.replaceChildren();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    /** @type {Record<string, string>} */
    const student = {};
    /** @type {{ field: string; text: string }[]} */
    const local = [];
    for (const name of features()) {
      const control =
        /** @type {HTMLInputElement | HTMLSelectElement} */ (form.elements.namedItem(name));
      // A number input holding text that is not a number reports "" as its value.
      if (control instanceof HTMLInputElement && control.validity.badInput) {
        local.push({ field: name, text: "Enter a number" });
      } else if (control.value.trim() !== "") student[name] = control.value.trim();
    }
    if (local.length) return showProblems(local);
    if (Object.keys(student).length === 0) {
      // One message, not one per field: nothing was entered.
      summary.replaceChildren(
        h("p", {}, h("strong", {}, "Enter at least one field to get an estimate.")),
      );
      summary.hidden = false;
      summary.focus();
      return;
    }
    const button = /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
    button.disabled = true;
    result.replaceChildren(h("p", { role: "status" }, "Scoring…"));
    try {
      const answer = await api.predict(state.profile, student);
      result.replaceChildren(
        resultPanel(answer, state.spec.texts.event, await trainingRate(answer.model)),
      );
      showReads(); // a retrain may have changed the active model
    } catch (error) {
      result.replaceChildren();
      if (error instanceof ApiError && error.issues.length) {
        showProblems(error.issues.map((i) => ({
          field: i.field,
          text: `Expected ${i.expected}${
            i.value !== undefined ? `; got ${JSON.stringify(i.value)}` : ""
          }`,
        })));
      } else {
        result.replaceChildren(
          h("p", { class: "error", role: "alert" }, String(/** @type {Error} */ (error).message)),
        );
      }
    } finally {
      button.disabled = false;
    }
  });

  render();
  return { profileChanged: render };
}
