// @ts-check
/**
 * The Caseload view: the signed-in user's students in a cohort, ranked by risk or by change,
 * with each student's top reasons and a change arrow; filters by band and "no action yet"; and a
 * student's panel with the history of scorings, the reasons and the actions, where an adviser
 * records what they did. The user's token (from `deno task users add`) is kept for the tab only.
 *
 * @module
 */
import { ApiError } from "./api.js";
import { bandBadge, byId, h, label, risk, setOptions, showError } from "./dom.js";

const TOKEN_KEY = "caseload-token";
const KINDS = ["contacted", "meeting", "referred", "no_action_needed", "incorrectly_flagged"];

/**
 * @typedef {{ feature: string; value: unknown; contribution: number; direction: string }} Reason
 * @typedef {{ student_id: string; adviser: string; probability: number; band: string;
 *   reasons: Reason[]; change: number; previous: number | null; open: boolean; acted: boolean;
 *   model: string; scored_at: string }} Row
 * @typedef {{ scoring: number; at: string; model: string; probability: number; band: string;
 *   at_risk: boolean }} Point
 * @typedef {{ id: number; kind: string; note: string; author: string; at: string }} Action
 * @typedef {Row & { cohort: number; history: Point[]; actions: Action[]; outcome: number | null }} StudentRecord
 */

/**
 * Calls a caseload route with the user's token.
 *
 * @template T
 * @param {string} path The path and query.
 * @param {{ json?: unknown }} [options] A JSON body to POST.
 * @returns {Promise<T>} The answer.
 */
async function call(path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = {
    accept: "application/json",
    authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ""}`,
  };
  if (options.json !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, {
    method: options.json === undefined ? "GET" : "POST",
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  const body = await res.json().catch(() => ({
    error: `Request failed with status ${res.status}`,
  }));
  if (res.status === 401) body.error = "The token was refused: type the token you were given";
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/**
 * The change since the last scoring as an arrow and points: ▲ risk rose, ▼ fell, – unchanged.
 *
 * @param {number} change Probability now minus before.
 * @param {number | null} previous The probability before (null: first scoring).
 * @returns {HTMLSpanElement} The arrow with an accessible text.
 */
export function changeArrow(change, previous) {
  if (previous === null) return h("span", { class: "change none" }, "new");
  const points = Math.round(change * 1000) / 10;
  if (points === 0) return h("span", { class: "change flat", title: "unchanged" }, "–");
  const up = points > 0;
  return h(
    "span",
    {
      class: `change ${up ? "up" : "down"}`,
      title: `${up ? "rose" : "fell"} ${Math.abs(points)} points`,
    },
    `${up ? "▲" : "▼"} ${Math.abs(points)}`,
  );
}

/**
 * A reason in words: "Grade_1 = 8 raises".
 *
 * @param {Reason} r The reason.
 * @returns {string} The text.
 */
export function reasonText(r) {
  return `${label(r.feature)} ${r.value === null ? "(missing)" : `= ${r.value}`} ${r.direction}`;
}

/**
 * Builds the view.
 *
 * @returns {{ show(): Promise<void> }} The view.
 */
export function caseloadView() {
  const tokenForm = byId("caseload-token-form", HTMLFormElement);
  const tokenInput = byId("caseload-token", HTMLInputElement);
  const filters = byId("caseload-filters", HTMLFormElement);
  const cohortSelect = byId("caseload-cohort", HTMLSelectElement);
  const bandSelect = byId("caseload-band", HTMLSelectElement);
  const sortSelect = byId("caseload-sort", HTMLSelectElement);
  const openOnly = byId("caseload-open", HTMLInputElement);
  const list = byId("caseload-list");
  const panel = byId("caseload-panel");
  const error = byId("caseload-error");
  const status = byId("caseload-status");
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) ?? "";

  async function loadCohorts() {
    /** @type {{ cohorts: { id: number; name: string; students: number }[] }} */
    const { cohorts } = await call("/v1/cohorts");
    const current = cohortSelect.value;
    setOptions(
      cohortSelect,
      cohorts.map((c) => ({ value: String(c.id), text: `${c.name} (${c.students} students)` })),
      current || (cohorts[0] ? String(cohorts[0].id) : undefined),
    );
    filters.hidden = cohorts.length === 0;
    if (cohorts.length === 0) status.textContent = "No cohort has been imported yet.";
  }

  async function loadList() {
    if (!cohortSelect.value) return;
    const q = new URLSearchParams({ cohort: cohortSelect.value, sort: sortSelect.value });
    if (bandSelect.value) q.set("band", bandSelect.value);
    if (openOnly.checked) q.set("open", "1");
    /** @type {{ students: Row[]; adviser: string | null }} */
    const { students, adviser } = await call(`/v1/caseload?${q}`);
    status.textContent = `${students.length} student${students.length === 1 ? "" : "s"}` +
      (adviser ? ` assigned to ${adviser}` : " in the cohort");
    list.replaceChildren(
      h(
        "ol",
        { class: "caseload-rows" },
        students.map((s) =>
          h(
            "li",
            { class: "caseload-row", "data-student": s.student_id },
            h(
              "button",
              {
                type: "button",
                class: "caseload-open",
                "aria-label": `Open ${s.student_id}`,
                onclick: () => openStudent(s.student_id),
              },
              h("span", { class: "id" }, s.student_id),
              h("span", { class: "risk" }, risk(s.probability)),
              bandBadge(s.band),
              changeArrow(s.change, s.previous),
              s.open
                ? h("span", { class: "flag" }, "flag open")
                : s.acted
                ? h("span", { class: "acted" }, "acted")
                : "",
            ),
            h("p", { class: "caseload-reasons" }, s.reasons.map(reasonText).join(" · ")),
          )
        ),
      ),
    );
  }

  /** @param {string} student */
  async function openStudent(student) {
    /** @type {StudentRecord} */
    const s = await call(
      `/v1/cohorts/${cohortSelect.value}/students/${encodeURIComponent(student)}`,
    );
    const form = h(
      "form",
      { class: "action-form", id: "caseload-action-form" },
      h("label", { for: "caseload-kind" }, "Action"),
      h(
        "select",
        { id: "caseload-kind", name: "kind" },
        KINDS.map((k) => h("option", { value: k }, k.replaceAll("_", " "))),
      ),
      h("label", { for: "caseload-note" }, "Note"),
      h("textarea", { id: "caseload-note", name: "note", maxlength: 2000, rows: 2 }),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Record action")),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(/** @type {HTMLFormElement} */ (form));
      guard(async () => {
        await call(
          `/v1/cohorts/${cohortSelect.value}/students/${encodeURIComponent(student)}/actions`,
          {
            json: { kind: data.get("kind"), note: data.get("note") ?? "" },
          },
        );
        await loadList();
        await openStudent(student);
      });
    });
    panel.hidden = false;
    panel.replaceChildren(
      h("h3", { id: "caseload-panel-title", tabindex: -1 }, `Student ${s.student_id}`),
      h(
        "p",
        {},
        risk(s.probability),
        " ",
        bandBadge(s.band),
        " ",
        changeArrow(s.change, s.previous),
        ` · adviser ${s.adviser} · ${s.open ? "flag open" : "no open flag"}`,
      ),
      h("h4", {}, "Reasons"),
      h("ul", { class: "plain" }, s.reasons.map((r) => h("li", {}, reasonText(r)))),
      h("h4", {}, "History"),
      h(
        "ol",
        { class: "plain history" },
        s.history.map((p) =>
          h(
            "li",
            {},
            `${p.at.slice(0, 10)}: ${risk(p.probability)} `,
            bandBadge(p.band),
            ` (${p.model})`,
          )
        ),
      ),
      h("h4", {}, "Actions"),
      s.actions.length
        ? h(
          "ul",
          { class: "plain actions-list" },
          s.actions.map((a) =>
            h(
              "li",
              {},
              `${a.at.slice(0, 16).replace("T", " ")} ${a.author}: ${a.kind.replaceAll("_", " ")}`,
              a.note ? ` — ${a.note}` : "",
            )
          ),
        )
        : h("p", { class: "help" }, "No action yet."),
      form,
    );
    byId("caseload-panel-title").focus();
  }

  /** @param {() => Promise<void>} work */
  async function guard(work) {
    showError(error);
    try {
      await work();
    } catch (e) {
      showError(error, /** @type {Error} */ (e).message);
    }
  }

  tokenForm.addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim());
    guard(async () => {
      await loadCohorts();
      await loadList();
    });
  });
  for (const el of [cohortSelect, bandSelect, sortSelect, openOnly]) {
    el.addEventListener("change", () => {
      panel.hidden = true;
      guard(loadList);
    });
  }

  return {
    async show() {
      if (!sessionStorage.getItem(TOKEN_KEY)) return;
      await guard(async () => {
        await loadCohorts();
        await loadList();
      });
    },
  };
}
