// @ts-check
/**
 * The batch view: a CSV goes to `POST /v1/predict/batch` as it is read from
 * disk, and the scored CSV is read back chunk by chunk as the server streams
 * it, so a large file shows its progress and its first rows while the rest is
 * still being scored. The table shows the highest risks first, filtered by
 * band, each with its three main reasons and a mark when its inputs were mostly imputed; a row
 * expands to its full explanation (the row read again from the file and explained by
 * `/v1/predict`); rows the server could not score are listed with its reason; the
 * download is the CSV the server sent, its cells neutralised once more so no
 * spreadsheet runs one as a formula.
 *
 * @module
 */
import { api, ApiError } from "./api.js";
import { countLines, CsvParser, recordAt, safeCsv } from "./csv.js";
import { bandBadge, byId, count, h, label, risk, showError } from "./dom.js";
import { driftSentence } from "./drift.js";
import { fullExplanation } from "./predict.js";

/**
 * One row of the server's scored CSV.
 * @typedef {{
 *   row: number;
 *   ids: string[];
 *   probability: number;
 *   band: string;
 *   imputed: string;
 *   warning: string;
 *   reasons: string[];
 *   error: string;
 * }} Scored
 */

/** Rows drawn in the table at most; the download holds them all. */
export const SHOWN = 500;
/** Error rows listed at most. */
const ERRORS_SHOWN = 200;
/** The columns of the scored CSV that are not the file's own (ids): all but `row` and these. */
const SCORE_COLUMNS = ["probability", "at_risk", "band", "imputed", "warning", "baseline", "error"];

/**
 * The id columns of the scored CSV's header: those between `row` and the scores.
 *
 * @param {string[]} header The header.
 * @returns {string[]} The id columns.
 */
export function idColumns(header) {
  return header.slice(1).filter((name) =>
    !SCORE_COLUMNS.includes(name) && !/^reason_\d+$/.test(name)
  );
}

/**
 * Reads one record of the scored CSV by its header,
 * `row, <id columns…>, probability, at_risk, band, imputed, warning, [baseline, reason_1 …], error`.
 *
 * @param {string[]} fields The record.
 * @param {string[]} header The header.
 * @returns {Scored} The row.
 */
export function toScored(fields, header) {
  const at = (/** @type {string} */ name) => {
    const i = header.indexOf(name);
    return i < 0 ? "" : fields[i] ?? "";
  };
  const ids = idColumns(header).map((name) => fields[header.indexOf(name)] ?? "");
  const probability = at("probability");
  return {
    row: Number(fields[0]),
    ids,
    probability: probability === "" ? NaN : Number(probability),
    band: at("band"),
    imputed: at("imputed"),
    warning: at("warning"),
    reasons: header.filter((name) => /^reason_\d+$/.test(name)).map(at).filter(Boolean),
    error: at("error"),
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
 * @param {{ profile: string; spec: import("./api.js").SpecAnswer }} state The page's state.
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
  const fieldWarning = byId("batch-field-warning");

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

  /** The class list being scored, for reading a row again to explain it in full. */
  /** @type {File | undefined} */
  let scoredFile;
  /** Rows whose full explanation is open, kept open across redraws. */
  const open = new Set();

  /**
   * Opens or closes a row's full explanation: the row is read again from the file and sent to
   * `/v1/predict` asking for every input's contribution.
   *
   * @param {HTMLTableRowElement} tr The row.
   * @param {number} row Its row number.
   */
  async function toggle(tr, row) {
    const button = /** @type {HTMLButtonElement} */ (tr.querySelector("button.why"));
    const next = tr.nextElementSibling;
    if (next?.classList.contains("explain-row")) {
      next.remove();
      open.delete(row);
      button.setAttribute("aria-expanded", "false");
      return;
    }
    open.add(row);
    button.setAttribute("aria-expanded", "true");
    const cell = h("td", { colspan: tr.cells.length }, h("p", { role: "status" }, "Explaining…"));
    tr.after(h("tr", { class: "explain-row", "data-row": row }, cell));
    try {
      const record = scoredFile ? await recordAt(scoredFile, row) : undefined;
      if (!record) throw new Error(`Row ${row} could not be read again from the file`);
      const answer = await api.predict(state.profile, record, 100);
      const rate = await api.model(answer.model).then((m) => m.data.prevalence, () => undefined);
      cell.replaceChildren(
        h("h4", {}, `Row ${row}: ${risk(answer.probability)}, every input's part`),
        fullExplanation(answer, { rate, event: state.spec.texts.event }),
      );
    } catch (error) {
      cell.replaceChildren(h("p", { class: "error" }, /** @type {Error} */ (error).message));
    }
  }

  function drawTable() {
    const started = performance.now();
    const ids = idColumns(header);
    const { shown, matching } = ranked(rows, bandSelect.value);
    table.tHead?.replaceChildren(
      h(
        "tr",
        {},
        h("th", { scope: "col", class: "num" }, "Row"),
        ids.map((name) => h("th", { scope: "col" }, label(name))),
        h("th", { scope: "col", class: "num" }, "Probability"),
        h("th", { scope: "col" }, "Band"),
        h("th", { scope: "col" }, "Main reasons"),
      ),
    );
    table.tBodies[0].replaceChildren(
      ...shown.map((r) => {
        const why = h("button", {
          type: "button",
          class: "why",
          "aria-expanded": "false",
          "aria-label": `Explain row ${r.row} in full`,
        }, "Why?");
        const tr = /** @type {HTMLTableRowElement} */ (h(
          "tr",
          { "data-row": r.row, "data-band": r.band, "data-probability": r.probability },
          h("td", { class: "num", "data-label": "Row" }, r.row),
          r.ids.map((v, k) => h("td", { "data-label": label(ids[k]) }, v)),
          h("td", { class: "num", "data-label": "Probability" }, risk(r.probability)),
          h(
            "td",
            { "data-label": "Band" },
            bandBadge(r.band),
            r.warning
              ? h(
                "span",
                { class: "imputed-flag", title: r.warning, "data-warning": "" },
                " mostly imputed",
              )
              : null,
          ),
          h(
            "td",
            { class: "reasons-cell", "data-label": "Main reasons" },
            h(
              "ul",
              { class: "reason-texts" },
              // The CSV's "Grade_2 = 8 …" read as the rest of the page names inputs: "Grade 2 = 8 …".
              r.reasons.map((text) =>
                h("li", {}, text.replace(/^(\S+) = /, (_, f) => `${label(f)} = `))
              ),
            ),
            why,
          ),
        ));
        why.addEventListener("click", () => toggle(tr, r.row));
        return tr;
      }),
    );
    // Rows opened before a redraw stay open.
    for (const tr of table.tBodies[0].rows) {
      const row = Number(tr.dataset.row);
      if (open.has(row)) {
        open.delete(row);
        toggle(tr, row);
      }
    }
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
    open.clear();
    results.hidden = true;
    status.hidden = true;
    driftBox.hidden = true;
    fieldWarning.hidden = true;
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
    scoredFile = file;
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
      const warned = res.headers.get("x-field-warning");
      fieldWarning.textContent = warned ?? "";
      fieldWarning.hidden = !warned;
      const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
      const decoder = new TextDecoder();
      const parser = new CsvParser();
      /** @param {string[][]} records */
      const take = (records) => {
        for (const record of records) {
          if (header.length === 0) header = record;
          else rows.push(toScored(record, header));
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
