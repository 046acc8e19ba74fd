/**
 * The model chosen for each table. A profile with tuned settings (a `model` entry, written by
 * `deno task tune` or by hand) keeps them; one without, as a drafted spec has, gets the candidate
 * family of least inner cross-validated log loss under the one-standard-error rule that `tune`
 * applies ({@linkcode compareCandidates}), so a table it was not shaped on is not stuck with the
 * default chosen on 649 Portuguese students.
 *
 * The work grows with the rows but is bounded (see {@linkcode choiceBudget}): the candidates are
 * scored, simplest first, by inner folds on all rows of tables of up to {@linkcode CHOICE_ROWS}
 * rows, and above on all rows or a stratified sample of {@linkcode HOLDOUT_ROWS}; the
 * slowest candidates drop out on larger tables. The winner is then fitted on every row. The budget
 * is a count of rows and candidates, not of seconds, so the same data and seed choose the same
 * model on a busy machine and an idle one.
 *
 * @module
 */
import { type Dataset, takeRows } from "../data/dataset.ts";
import { type DatasetSpec, profileOf } from "../data/spec.ts";
import { stratifiedHoldout } from "../data/split.ts";
import { type ModelParams, modelParams } from "../models/mlp.ts";
import { deriveSeed } from "../core/random.ts";
import {
  crossValidate,
  type CvOptions,
  type CvReport,
  type FoldJob,
  type FoldResult,
} from "./cv.ts";
import type { _FoldMessage } from "./_fold_worker.ts";
import { compareCandidates, TUNE_SPACE, type TuneReport } from "./tune.ts";

/** The most rows the candidates are compared on; larger tables are sampled (stratified). */
export const CHOICE_ROWS = 10_000;

/** Tables up to this many rows compare every candidate of {@linkcode CHOICE_SPACE}. */
export const FULL_SPACE_ROWS = 5_000;

/**
 * The candidates of a choice, simplest first: {@linkcode TUNE_SPACE} with, after its logistic
 * model, the same model with an indicator per input with missing cells (a missing category its
 * own), and after boosting the same booster on category codes, which splits on sets of a
 * category's codes and learns the side of missing cells as LightGBM does. Where nothing is missing
 * or no input is a category, they fit what the simpler one fits and the one-standard-error rule
 * keeps the simpler.
 */
export const CHOICE_SPACE: Partial<ModelParams>[] = TUNE_SPACE.flatMap((p) =>
  p.family === "logistic"
    ? [p, { ...p, missing: "indicator" as const }]
    : p.family === "gbm"
    ? [p, { ...p, encoding: "codes" as const }]
    : [p]
);

/**
 * The candidates compared on a table of more than {@linkcode CHOICE_ROWS} rows: the two logistic
 * models and boosting on category codes. The forest and both blends are left out: on OULAD's
 * 29,000 training rows of a fold they had more inner log loss than boosting (0.5904, 0.5883 and
 * 0.5895 against 0.5872–0.5873, 3-fold on 10,000 rows) and cost 3 to 4 times as much each; boosting
 * on one-hot columns is left out for boosting on codes, which splits on sets of categories as
 * LightGBM does, was level with it inside (0.5873 against 0.5872) and ahead on the fold's test rows
 * (log loss 0.5736 against 0.5765), at a quarter of the columns.
 */
export const LARGE_SPACE: Partial<ModelParams>[] = CHOICE_SPACE.filter((p) =>
  p.family === "logistic" || (p.family === "gbm" && p.encoding === "codes")
);

/** On a table of more than {@linkcode CHOICE_ROWS} rows, the most rows compared. */
export const HOLDOUT_ROWS = 20_000;

/** On a table of more than {@linkcode CHOICE_ROWS} rows, the inner folds. */
export const LARGE_FOLDS = 2;

/** How much work the choice does on a table of some size. */
export interface ChoiceBudget {
  /** The candidates, simplest first. */
  space: Partial<ModelParams>[];
  /** Inner folds (1 with a holdout). */
  folds: number;
  /** The share of the compared rows held out, when they are compared on one holdout, not folds. */
  holdout?: number;
  /** False when each inner fold's model is scored without its refit (see `compareCandidates`). */
  refit?: boolean;
  /** Rows the candidates are compared on (all rows when the table has no more). */
  rows: number;
  /** The budget in words, for the model card. */
  note: string;
}

/**
 * The choice's budget for a table, in rows and candidates (never seconds, so that the same data
 * and seed choose the same model on a busy machine and an idle one):
 * - up to {@linkcode FULL_SPACE_ROWS} rows, every candidate of {@linkcode CHOICE_SPACE} by 3
 *   inner folds on all rows;
 * - up to {@linkcode CHOICE_ROWS}, the same without the network (the slowest per row, fitted by
 *   tfjs);
 * - above, the candidates of {@linkcode LARGE_SPACE} on all rows or a stratified sample of
 *   {@linkcode HOLDOUT_ROWS}, by {@linkcode LARGE_FOLDS}-fold inner cross-validation in which each
 *   fold's model is scored as fitted on its half (early stopping on 15 % of it), without the refit
 *   a fold's model gets, at half the work. The one-standard-error rule reads the standard error of
 *   the paired per-student log-loss differences over every compared row. On OULAD, a sample of
 *   10,000 and one holdout of a third chose logistic regression in 9 of 30 folds (ROC-AUC 0.6695,
 *   Brier 0.1976 at 3 × 10 folds); 20,000 and a holdout of a third chose boosting on codes in all
 *   10 folds of a run, but on the 13,529 rows of 2013 it scored only 4,510, and the rule kept
 *   logistic regression 0.0017 above boosting with a standard error of 0.0019 (cohort-forward
 *   ROC-AUC 0.636 against 0.651): two folds score every compared row. Two folds of a 10,000-row
 *   sample, at half the choice's time, chose a logistic model in 9 of 30 folds again (3 × 10
 *   ROC-AUC 0.6696, PR-AUC 0.4771, Brier 0.19761, below every peer's), so the sample stays at
 *   20,000. Candidates compared at
 *   nearer the size of the final fit also rank as they will there. The choice then costs no more
 *   on a million rows than on twenty thousand, and only the winner's final fit grows with the
 *   table.
 *
 * @param rows The table's rows.
 * @returns The candidates, inner folds or holdout, rows compared on and a note.
 */
export function choiceBudget(rows: number): ChoiceBudget {
  if (rows > CHOICE_ROWS) {
    const compared = Math.min(rows, HOLDOUT_ROWS);
    return {
      space: LARGE_SPACE,
      folds: LARGE_FOLDS,
      refit: false,
      rows: compared,
      note:
        `${LARGE_SPACE.length} candidates (the logistic models and boosting on codes, above ${CHOICE_ROWS} rows) ` +
        `by ${LARGE_FOLDS}-fold inner cross-validation, each fold's model scored as fitted on its half (not refitted), ` +
        `on ${
          compared < rows
            ? `a stratified sample of ${compared} of the ${rows} rows`
            : `all ${rows} rows`
        }`,
    };
  }
  const full = rows <= FULL_SPACE_ROWS;
  const space = full ? CHOICE_SPACE : CHOICE_SPACE.filter((p) => p.family !== "mlp");
  return {
    space,
    folds: 3,
    rows,
    note: `${space.length} candidates by 3-fold inner cross-validation on all ${rows} rows${
      full ? "" : ` (the network left out above ${FULL_SPACE_ROWS} rows)`
    }`,
  };
}

/** The choice made for a profile without tuned settings (kept in metadata and the model card). */
export interface ModelChoice {
  /** Every candidate's inner figures, in the order compared (simplest first). */
  candidates: TuneReport["candidates"];
  /** The index of the candidate chosen. */
  chosen: number;
  /** The index of least inner log loss (the rule may choose a simpler one). */
  best: number;
  /** Why, in one sentence. */
  reason: string;
  /** The settings chosen. */
  params: ModelParams;
  /** Inner folds (1 when compared on one holdout). */
  inner_folds: number;
  /** The share of the compared rows held out, when compared on one holdout. */
  inner_holdout?: number;
  /** False when the inner folds' models were scored without their refit. */
  inner_refit?: false;
  /** Rows the candidates were compared on. */
  rows: number;
  seed: number;
  /** The budget in words. */
  budget: string;
  seconds: number;
}

/**
 * Whether a profile gets its model chosen: it has no tuned settings and none are given.
 *
 * @param spec The dataset spec.
 * @param profile The profile (the spec's default when absent).
 * @param given Settings given by the caller (`--params`).
 * @returns True when the model is to be chosen.
 */
export function needsChoice(
  spec: DatasetSpec,
  profile?: string,
  given?: Partial<ModelParams>,
): boolean {
  const { profile: p } = profileOf(spec, profile);
  const none = (o?: object) => !o || Object.keys(o).length === 0;
  return none(p.model) && none(given);
}

/**
 * Chooses a model for a profile on some rows by inner cross-validated log loss and the
 * one-standard-error rule, within {@linkcode choiceBudget}.
 *
 * @param data The dataset (with labels).
 * @param spec The dataset spec.
 * @param options Profile, seed, the rows to choose on (all when absent) and a logger.
 * @returns The candidates' figures, the choice and the reason.
 */
export async function chooseModel(
  data: Dataset,
  spec: DatasetSpec,
  options: {
    profile?: string;
    seed: number;
    /** The rows to choose on (all when absent). */
    rows?: number[];
    /** Another budget than {@linkcode choiceBudget}'s (a smaller space in tests). */
    budget?: ChoiceBudget;
    log?: (line: string) => void;
  },
): Promise<ModelChoice> {
  const started = performance.now();
  const { name } = profileOf(spec, options.profile);
  const all = options.rows ?? Array.from({ length: data.rows }, (_, i) => i);
  const budget = options.budget ?? choiceBudget(all.length);
  const rows = budget.rows < all.length
    ? stratifiedHoldout(
      data.labels,
      all,
      budget.rows / all.length,
      deriveSeed(options.seed, CHOICE_STREAM),
    ).holdout
    : all;
  const seed = deriveSeed(options.seed, CHOICE_STREAM, 1);
  const comparison = await compareCandidates(takeRows(data, rows), spec, {
    profile: name,
    space: budget.space,
    folds: budget.folds,
    holdout: budget.holdout,
    refit: budget.refit,
    seed,
    onCandidate: (c, i) =>
      options.log?.(
        `  candidate ${i + 1}/${budget.space.length} ${JSON.stringify(c.params)}: log loss ${
          c.log_loss.toFixed(4)
        }`,
      ),
  });
  return {
    candidates: comparison.scored,
    chosen: comparison.chosen,
    best: comparison.best,
    reason: comparison.reason,
    params: modelParams({ ...budget.space[comparison.chosen] }),
    inner_folds: budget.folds,
    ...(budget.holdout === undefined ? {} : { inner_holdout: budget.holdout }),
    ...(budget.refit === false ? { inner_refit: false } : {}),
    rows: rows.length,
    seed,
    budget: budget.note,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Keeps the choice's sample and inner folds apart from the split's for the same user seed. */
const CHOICE_STREAM = 13;

/**
 * Cross-validates a profile as `deno task cv` does: with its tuned settings (or those given) when
 * it has them; otherwise the whole procedure, nested: each outer fold chooses its own model on its
 * own training rows ({@linkcode chooseModel}) and is scored on its test rows, never the winner's
 * inner score. The report's `choices` name each fold's choice.
 *
 * @param data The dataset (with labels).
 * @param spec The dataset spec.
 * @param options As {@linkcode crossValidate}.
 * @returns The cross-validation report.
 */
export function crossValidateProfile(
  data: Dataset,
  spec: DatasetSpec,
  options: CvOptions & {
    /**
     * Workers the folds run in when each chooses its model on a table of more than
     * {@linkcode CHOICE_ROWS} rows (default 1: here, one after another). The figures are the
     * same either way. On 2 cores busy with other work, 2 workers were slower than none (OULAD,
     * 1 × 10 folds: 37 s against 26 s at a 1-minute load of 5.6, 21 s against 16 s at 2.4), so
     * they are asked for, not assumed.
     */
    workers?: number;
  } = {},
): Promise<CvReport> {
  if (options.params || !needsChoice(spec, options.profile, options.model)) {
    return crossValidate(data, spec, options);
  }
  const workers = options.workers ?? 1;
  const parallel = workers > 1 && data.rows > CHOICE_ROWS && !options.cohort;
  return crossValidate(data, spec, {
    ...options,
    choose: async (foldSpec, rows, seed) =>
      (await chooseModel(data, foldSpec, { profile: options.profile, seed, rows })).params,
    ...(parallel
      ? {
        runFolds: (foldSpec, jobs, onDone) => foldsInWorkers(data, foldSpec, jobs, workers, onDone),
      }
      : {}),
  });
}

/**
 * Runs folds that choose their own models in workers, each fold as `runFold` runs it here (the
 * same seeds, so the same figures), handing each worker the next fold as it finishes one. Each
 * worker is sent the table once. Choosing and fitting a fold on a large table takes about a
 * second, against a few tenths to start a worker and copy the table, so only tables of more than
 * {@linkcode CHOICE_ROWS} rows use them.
 *
 * @param data The dataset.
 * @param spec The spec the folds fit.
 * @param jobs The folds.
 * @param workers How many workers.
 * @param onDone Called as each fold finishes.
 * @returns The folds' results, in the jobs' order.
 * @throws Error with the worker's message when a fold fails.
 */
export async function foldsInWorkers(
  data: Dataset,
  spec: DatasetSpec,
  jobs: FoldJob[],
  workers: number,
  onDone: () => void = () => {},
): Promise<FoldResult[]> {
  const results = new Array<FoldResult>(jobs.length);
  const pool = Array.from(
    { length: Math.min(workers, jobs.length) },
    () => new Worker(new URL("./_fold_worker.ts", import.meta.url).href, { type: "module" }),
  );
  let next = 0;
  try {
    await Promise.all(pool.map((worker) => {
      worker.postMessage({ kind: "data", data } satisfies _FoldMessage);
      return new Promise<void>((resolve, reject) => {
        const send = () => {
          if (next >= jobs.length) return resolve();
          const index = next++;
          worker.postMessage(
            { kind: "fold", index, spec, job: jobs[index] } satisfies _FoldMessage,
          );
        };
        worker.onmessage = (
          event: MessageEvent<{ index: number; result?: FoldResult; error?: string }>,
        ) => {
          const { index, result, error } = event.data;
          if (error !== undefined) {
            return reject(new Error(`Fold ${index + 1} failed in a worker: ${error}`));
          }
          results[index] = result!;
          onDone();
          send();
        };
        worker.onerror = (event) => {
          event.preventDefault();
          reject(new Error(`A fold worker failed: ${event.message}`));
        };
        send();
      });
    }));
  } finally {
    for (const worker of pool) worker.terminate();
  }
  return results;
}
