/**
 * One chunk of `deno task score`: its rows scored and written as CSV lines, in the main thread or
 * in a worker (`_score_worker.ts`), so that the lines are the same either way.
 *
 * @module
 */
import { csvLine, formatIssue } from "../core/mod.ts";
import { type Dataset, rowAt } from "../data/mod.ts";
import { reasonText } from "../explain/mod.ts";
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
  let text = "";
  let flagged = 0;
  let failed = 0;
  let firstError = "";
  predictions.forEach((p, i) => {
    const ids = extras.map((e) => chunk.extra[e][i]);
    const issues = errors.get(i);
    if (issues) {
      const error = issues.map(formatIssue).join("; ");
      if (failed++ === 0) firstError = error;
      text += csvLine([chunk.offset + i + 1, ...ids, "", "", "", "", "", ...blank, error]);
      return;
    }
    if (p.at_risk) flagged++;
    text += csvLine([
      chunk.offset + i + 1,
      ...ids,
      p.probability.toFixed(6),
      p.at_risk,
      p.band,
      p.imputed.join(" "),
      imputedWarning(predictor, p.imputed) ?? "",
      ...(reasons > 0
        ? [
          p.baseline?.toFixed(6) ?? "",
          ...Array.from({ length: reasons }, (_, k) =>
            p.reasons?.[k] ? reasonText(p.reasons[k]) : ""),
        ]
        : []),
      "",
    ]);
  });
  return { text, flagged, failed, firstError };
}
