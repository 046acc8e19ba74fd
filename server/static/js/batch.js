// @ts-check
/**
 * The batch view: a CSV goes to `POST /v1/predict/batch` as it is read from
 * disk, and the scored CSV is read back chunk by chunk as the server streams
 * it, so a large file shows its progress and its first rows while the rest is
 * still being scored. The table shows the highest risks first, filtered by
 * band; rows the server could not score are listed with its reason; the
 * download is the CSV the server sent, its cells neutralised once more so no
 * spreadsheet runs one as a formula.
 *
 * @module
 */
import { api, ApiError } from "./api.js";
import { countLines, CsvParser, safeCsv } from "./csv.js";
import { bandBadge, byId, count, h, label, showError } from "./dom.js";
import { driftSentence } from "./drift.js";

/**
 * One row of the server's scored CSV.
 * @typedef {{
 *   row: number;
 *   ids: string[];
 *   probability: number;
 *   band: string;
 *   imputed: string;
 *   error: string;
 * }} Scored
 */

/** Rows drawn in the table at most; the download holds them all. */
export const SHOWN = 500;
/** Error rows listed at most. */
const ERRORS_SHOWN = 200;

/**
 * Reads one record of the scored CSV, whose header is
 * `row, <id columns…>, probability, at_risk, band, imputed, error`.
 *
 * @param {string[]} fields The record.
 * @returns {Scored} The row.
 */
export function toScored(fields) {
  const n = fields.length;
  return {
    row: Number(fields[0]),
    ids: fields.slice(1, n - 5),
    probability: fields[n - 5] === "" ? NaN : Number(fields[n - 5]),
    band: fields[n - 3],
    imputed: fields[n - 2],
    error: fields[n - 1],
  };
}

/**
 * The rows to show: scored ones of a band (or all), highest probability first.
 *
 * @param {Scored[]} rows Every row read so far.
 * @param {string} band A band, or "" for all.
 * @param {number} [limit] The most rows.
 * @returns {{ shown: Scored[]; matching: number }} The rows and how many matched.
 */
export function ranked(rows, band, limit = SHOWN) {
  const matching = rows.filter((r) => !r.error && (band === "" || r.band === band));
  matching.sort((a, b) => b.probability - a.probability || a.row - b.row);
  return { shown: matching.slice(0, limit), matching: matching.length };
}

/**
 * Wires the batch view.
 *
 * @param {{ profile: string }} state The page's state.
 * @param {{ show(report: import("./drift.js").DriftReport, source: string): Promise<void> }} data
 *   The model view's Data section, which charts the drift of each scored class list.
 * @returns {{ profileChanged(): void }} What the page calls when the profile changes.
 */
export function batchView(state, data) {
  const form = byId("batch-form", HTMLFormElement);
  const input = byId("batch-file", HTMLInputElement);
  const cancel = byId("batch-cancel", HTMLButtonElement);
  const status = byId("batch-status");
  const progress = byId("batch-progress", HTMLProgressElement);
  const counter = byId("batch-count");
  const errorBox = byId("batch-error");
  const results = byId("batch-results");
  const bandSelect = byId("batch-band", HTMLSelectElement);
  const download = byId("batch-download", HTMLButtonElement);
  const shownText = byId("batch-shown");
  const table = byId("batch-table", HTMLTableElement);
  const errorsBox = byId("batch-errors");
  const driftBox = byId("batch-drift");

  /** @type {Scored[]} */
  let rows = [];
  /** @type {string[]} */
  let header = [];
  /** @type {string[]} */
  let chunks = [];
  let fileName = "scored.csv";
  /** @type {AbortController | undefined} */
  let running;
  let lastDraw = 0;
  let drawCost = 0;

  function drawTable() {
    const started = performance.now();
    const ids = header.slice(1, header.length - 5);
    const { shown, matching } = ranked(rows, bandSelect.value);
    table.tHead?.replaceChildren(
      h(
        "tr",
        {},
        h("th", { scope: "col", class: "num" }, "Row"),
        ids.map((name) => h("th", { scope: "col" }, label(name))),
        h("th", { scope: "col", class: "num" }, "Probability"),
        h("th", { scope: "col" }, "Band"),
        h("th", { scope: "col" }, "Imputed"),
      ),
    );
    table.tBodies[0].replaceChildren(
      ...shown.map((r) =>
        h(
          "tr",
          { "data-row": r.row, "data-band": r.band, "data-probability": r.probability },
          h("td", { class: "num" }, r.row),
          r.ids.map((v) => h("td", {}, v)),
          h("td", { class: "num" }, `${(r.probability * 100).toFixed(1)} %`),
          h("td", {}, bandBadge(r.band)),
          h("td", {}, r.imputed ? r.imputed.split(" ").map(label).join(", ") : ""),
        )
      ),
    );
    shownText.textContent = matching > shown.length
      ? `Showing the ${count(shown.length)} highest risks of ${count(matching)} rows. ` +
        "The download has every row."
      : `${count(matching)} row${matching === 1 ? "" : "s"} shown.`;
    const failed = rows.filter((r) => r.error);
    errorsBox.hidden = failed.length === 0;
    const list = /** @type {HTMLElement} */ (errorsBox.querySelector("ul"));
    list.replaceChildren(
      ...failed.slice(0, ERRORS_SHOWN).map((r) => h("li", { "data-row": r.row }, r.error)),
    );
    if (failed.length > ERRORS_SHOWN) {
      list.append(
        h("li", {}, `… and ${count(failed.length - ERRORS_SHOWN)} more (see the download)`),
      );
    }
    drawCost = performance.now() - started;
    lastDraw = performance.now();
  }

  /** @param {number | undefined} total */
  function showProgress(total) {
    if (total && total > 0) {
      progress.max = total;
      progress.value = Math.min(rows.length, total);
      counter.textContent = `Scored ${count(rows.length)} of about ${count(total)} rows`;
    } else {
      progress.removeAttribute("value");
      counter.textContent = `Scored ${count(rows.length)} rows`;
    }
  }

  function summary() {
    /** @type {Record<string, number>} */
    const bands = { high: 0, medium: 0, low: 0 };
    let failed = 0;
    for (const r of rows) r.error ? failed++ : bands[r.band]++;
    return `Scored ${count(rows.length - failed)} rows: ${count(bands.high)} high, ` +
      `${count(bands.medium)} medium, ${count(bands.low)} low` +
      (failed ? `; ${count(failed)} could not be scored` : "");
  }

  function reset() {
    running?.abort();
    rows = [];
    chunks = [];
    header = [];
    results.hidden = true;
    status.hidden = true;
    driftBox.hidden = true;
    showError(errorBox);
  }

  /**
   * After the batch, off the scoring stream: the scored rows against the model's training data.
   *
   * @param {File} file The class list.
   * @param {AbortController} controller The batch's controller (a new batch drops this report).
   */
  async function checkDrift(file, controller) {
    try {
      const report = await api.drift(state.profile, file);
      if (running !== undefined && running !== controller) return;
      await data.show(report, `Class list ${file.name}`);
      if (report.drifted.length === 0) return;
      driftBox.replaceChildren(
        `${driftSentence(report)} Their scores deserve less trust; see the Data section of the `,
        h("a", { href: "#model" }, "Model"),
        " view.",
      );
      driftBox.hidden = false;
    } catch {
      // A model saved before drift statistics, or no readable row: the scores stand alone.
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = input.files?.[0];
    if (!file) return;
    reset();
    fileName = file.name.replace(/\.csv$/i, "") + "-scored.csv";
    const controller = new AbortController();
    running = controller;
    /** @type {number | undefined} */
    let total;
    countLines(file).then((lines) => {
      total = Math.max(0, lines - 1);
      showProgress(total);
    }).catch(() => {});
    status.hidden = false;
    cancel.hidden = false;
    showProgress(total);
    try {
      const res = await api.batch(state.profile, file, controller.signal);
      const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
      const decoder = new TextDecoder();
      const parser = new CsvParser();
      /** @param {string[][]} records */
      const take = (records) => {
        for (const record of records) {
          if (header.length === 0) header = record;
          else rows.push(toScored(record));
        }
      };
      results.hidden = false;
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        chunks.push(text);
        take(parser.push(text));
        showProgress(total);
        // Redraw at most every 400 ms, and less often when drawing is slow (very large files).
        if (performance.now() - lastDraw > Math.max(400, 4 * drawCost)) drawTable();
      }
      const rest = decoder.decode();
      chunks.push(rest);
      take([...parser.push(rest), ...parser.end()]);
      drawTable();
      progress.max = 1;
      progress.value = 1;
      counter.textContent = summary();
      checkDrift(file, controller);
    } catch (error) {
      if (controller.signal.aborted) {
        counter.textContent = `Cancelled after ${count(rows.length)} rows`;
      } else {
        status.hidden = rows.length === 0;
        const e = /** @type {Error} */ (error);
        const issues = e instanceof ApiError ? e.issues : [];
        showError(errorBox, e.message);
        if (issues.length > 1) {
          errorBox.append(h("ul", {}, issues.slice(0, 20).map((i) => h("li", {}, i.message))));
        }
      }
    } finally {
      cancel.hidden = true;
      if (running === controller) running = undefined;
    }
  });

  cancel.addEventListener("click", () => running?.abort());
  bandSelect.addEventListener("change", drawTable);
  download.addEventListener("click", () => {
    const url = URL.createObjectURL(new Blob(safeCsv(chunks), { type: "text/csv" }));
    const link = h("a", { href: url, download: fileName, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  });

  return { profileChanged: reset };
}
