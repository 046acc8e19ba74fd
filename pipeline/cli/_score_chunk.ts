/**
 * One chunk of `deno task score`: its rows scored and written as CSV lines, field by field, the
 * bytes `csvLine` would write.
 *
 * @module
 */
import { csvField, csvLine, formatIssue } from "../core/mod.ts";
import { type Dataset, rowAt } from "../data/mod.ts";
import { pointsText, type Reason, reasonText } from "../explain/mod.ts";
import { imputedWarning, type Prediction, type Predictor } from "../registry/mod.ts";

/** A chunk of rows as `parseDatasetChunks` gives it, every feature column present. */
export type ScoreChunk = Dataset & { offset: number };

/** What one chunk gave: its CSV lines and its counts. */
export interface ScoredChunk {
  /** The chunk's CSV lines, one per row in order, each ending in a newline. */
  text: string;
  /** Rows scored at risk. */
  flagged: number;
  /** Rows not scored (their `error` cell says why). */
  failed: number;
  /** The first failed row's error, or "". */
  firstError: string;
}

/**
 * Scores a chunk and writes its rows as the scored CSV's lines: `row`, the `extras`, the score,
 * band, imputed inputs and warning, the baseline and `reasons` reasons when asked, and the error
 * of a row that could not be scored.
 *
 * @param predictor The loaded model.
 * @param chunk The rows, with their row errors (`rowErrors`).
 * @param reasons Reasons per row (0: none, and no baseline column).
 * @param extras The columns carried through, as in the header.
 * @returns The lines and the counts.
 */
export function scoreChunk(
  predictor: Predictor,
  chunk: ScoreChunk,
  reasons: number,
  extras: readonly string[],
): ScoredChunk {
  const errors = chunk.rowErrors ?? new Map();
  const predictions: Prediction[] = reasons > 0
    ? predictor.predict(
      Array.from({ length: chunk.rows }, (_, i) => rowAt(chunk, i)),
      { reasons: Array.from({ length: chunk.rows }, (_, i) => errors.has(i) ? 0 : reasons) },
    )
    : predictor.predictDataset(chunk);
  const blank = new Array<string>(reasons > 0 ? reasons + 1 : 0).fill("");
  const columns = extras.map((e) => chunk.extra[e]);
  const reasonCell = reasonCells();
  let text = "";
  let flagged = 0;
  let failed = 0;
  let firstError = "";
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i];
    // The row number, then the carried columns: csvLine's fields, written one by one.
    let line = String(chunk.offset + i + 1);
    for (let e = 0; e < columns.length; e++) line += "," + csvField(columns[e][i]);
    const issues = errors.get(i);
    if (issues) {
      const error = issues.map(formatIssue).join("; ");
      if (failed++ === 0) firstError = error;
      text += line + csvLine(["", "", "", "", "", ...blank, error]).replace(/^/, ",");
      continue;
    }
    if (p.at_risk) flagged++;
    // A probability and a band never need quoting; the imputed names and the warning may.
    line += "," + p.probability.toFixed(6) + "," + p.at_risk + "," + csvField(p.band) + "," +
      (p.imputed.length ? csvField(p.imputed.join(" ")) : "") + "," +
      (p.imputed.length ? csvField(imputedWarning(predictor, p.imputed)) : "");
    if (reasons > 0) {
      line += "," + (p.baseline === undefined ? "" : csvField(p.baseline.toFixed(6)));
      for (let k = 0; k < reasons; k++) {
        const reason = p.reasons?.[k];
        line += "," + (reason ? reasonCell(reason) : "");
      }
    }
    text += line + ",\n";
  }
  return { text, flagged, failed, firstError };
}

/**
 * The CSV cell of a reason, as `csvField(reasonText(reason))` writes it, with the part before the
 * direction (the input and the student's value) quoted and neutralised once per input and value.
 * The rest, the direction and the points, holds no comma, quote or line break, and the cell never
 * reads as a plain number, so the whole cell is quoted exactly when that part needs it.
 *
 * @returns A function from a reason to its cell, keeping what it learns between calls.
 */
export function reasonCells(): (reason: Reason) => string {
  const cells = new Map<string, Map<unknown, { cell: string; quoted: boolean } | null>>();
  return (reason) => {
    let values = cells.get(reason.feature);
    if (!values) cells.set(reason.feature, values = new Map());
    let known = values.get(reason.value);
    if (known === undefined) {
      // A continuous input may bring a value per student: past this many, cells are written whole.
      if (values.size >= REASON_CELLS_PER_INPUT) return csvField(reasonText(reason));
      const value = reason.value === null ? "not given" : String(reason.value);
      const sample = csvField(`${reason.feature} = ${value} raises risk ${pointsText(0.5)}`);
      const quoted = sample.startsWith('"');
      const cell = sample.slice(quoted ? 1 : 0, sample.lastIndexOf("raises risk "));
      // Only a start that stays a prefix of the whole cell is kept; anything else is written whole.
      known = cell.endsWith(" ") ? { cell, quoted } : null;
      values.set(reason.value, known);
    }
    if (known === null) return csvField(reasonText(reason));
    const rest = `${reason.direction} risk ${pointsText(reason.contribution)}`;
    return known.quoted ? `"${known.cell}${rest}"` : known.cell + rest;
  };
}

/** The most values of one input whose reason cells are kept (a category's values all are). */
const REASON_CELLS_PER_INPUT = 4096;
