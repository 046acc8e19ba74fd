// @ts-check
/**
 * Small DOM helpers: an element builder that only ever sets text (never
 * HTML), number formats, and inline field errors.
 *
 * @module
 */

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {Record<string, string | number | boolean | undefined | null | ((event: Event) => void)>} Attrs
 */

/**
 * Makes an element. Attributes named `on…` with a function become listeners;
 * `true` sets a boolean attribute; `false`, null and undefined are skipped.
 * Children are nodes or text (never parsed as HTML).
 *
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag The tag name.
 * @param {Attrs} [attrs] Attributes and listeners.
 * @param {...(Child | Child[])} children Nodes or text.
 * @returns {HTMLElementTagNameMap[K]} The element.
 *
 * @example
 * h("p", { class: "help" }, "Blank fields are ", h("em", {}, "imputed"));
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, "");
    else if (value !== false && value !== null && value !== undefined) {
      el.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "object" ? child : String(child));
  }
  return el;
}

/**
 * Finds an element by id, failing loudly when the page lacks it.
 *
 * @template {HTMLElement} T
 * @param {string} id The element id.
 * @param {new () => T} [type] The expected element class.
 * @returns {T} The element.
 */
export function byId(id, type) {
  const el = document.getElementById(id);
  if (!el || (type && !(el instanceof type))) throw new Error(`Page element #${id} is missing`);
  return /** @type {T} */ (el);
}

/**
 * A probability as a percentage.
 *
 * @param {number} p A probability in [0, 1].
 * @param {number} [digits] Decimals.
 * @returns {string} For example "21.3 %".
 */
export function pct(p, digits = 1) {
  return `${(p * 100).toFixed(digits)} %`;
}

/**
 * A student's probability as a percentage a reader can trust: "0.0 %" would claim a certainty
 * no model has, so the ends read "< 1 %" and "> 99 %" (as the pipeline's `percentText`).
 *
 * @param {number} p A probability in [0, 1].
 * @returns {string} For example "21.3 %" or "< 1 %".
 */
export function risk(p) {
  if (!Number.isFinite(p)) return "";
  if (p < 0.01) return "< 1 %";
  if (p > 0.99) return "> 99 %";
  return `${(p * 100).toFixed(1)} %`;
}

/**
 * A count with thousands separators.
 *
 * @param {number} n The count.
 * @returns {string} For example "12,345".
 */
export function count(n) {
  return n.toLocaleString("en");
}

/**
 * A column name as people read it.
 *
 * @param {string} name A column name such as `Number_of_Failures`.
 * @returns {string} For example "Number of Failures".
 */
export function label(name) {
  return name.replaceAll("_", " ");
}

/** @type {Record<string, string>} */
const BAND_WORDS = {
  high: "High risk: flagged",
  medium: "Medium: watch",
  low: "Low risk",
};

/**
 * The band badge: colour and words, so colour is never the only signal.
 *
 * @param {string} band `low`, `medium` or `high`.
 * @returns {HTMLSpanElement} The badge.
 */
export function bandBadge(band) {
  return h("span", { class: `band ${band}`, "data-band": band }, BAND_WORDS[band] ?? band);
}

/**
 * Shows or clears a message in an error element.
 *
 * @param {HTMLElement} el The element (hidden when the message is empty).
 * @param {string} [message] The message.
 */
export function showError(el, message = "") {
  el.textContent = message;
  el.hidden = message === "";
}

/**
 * Swaps a `<select>`'s options.
 *
 * @param {HTMLSelectElement} select The select.
 * @param {{ value: string; text: string }[]} options The options, in order.
 * @param {string} [selected] The value to select.
 */
export function setOptions(select, options, selected) {
  select.replaceChildren(
    ...options.map((o) => h("option", { value: o.value, selected: o.value === selected }, o.text)),
  );
}
