/**
 * The model chosen for each table. A profile with tuned settings (a `model` entry, written by
 * `deno task tune` or by hand) keeps them; one without, as a drafted spec has, gets the candidate
 * family of least inner cross-validated log loss under the one-standard-error rule that `tune`
 * applies ({@linkcode compareCandidates}), so a table it was not shaped on is not stuck with the
 * default chosen on 649 Portuguese students.
 *
 * The work grows with the rows but is bounded (see {@linkcode choiceBudget}): the candidates are
 * scored, cheapest first, on a stratified sample of at most {@linkcode CHOICE_ROWS} rows, and the
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
import { crossValidate, type CvOptions, type CvReport } from "./cv.ts";
import { compareCandidates, TUNE_SPACE, type TuneReport } from "./tune.ts";

/** The most rows the candidates are compared on; larger tables are sampled (stratified). */
export const CHOICE_ROWS = 10_000;

/** Tables up to this many rows compare every candidate of {@linkcode CHOICE_SPACE}. */
export const FULL_SPACE_ROWS = 5_000;

/**
 * The candidates of a choice, simplest first: {@linkcode TUNE_SPACE} with, after its logistic
 * model, the same model with an indicator per input with missing cells (a missing category its
 * own). Where nothing is missing, it fits what the simpler one fits and the one-standard-error rule
 * keeps the simpler. Boosting on category codes (issue-25b) is not a candidate yet: its refit on
 * the fit and stop rows refuses a category the fit rows never held (a table of 160 rows with a
 * rare code fails so).
 */
export const CHOICE_SPACE: Partial<ModelParams>[] = TUNE_SPACE.flatMap((p) =>
  p.family === "logistic" ? [p, { ...p, missing: "indicator" as const }] : [p]
);

/** How much work the choice does on a table of some size. */
export interface ChoiceBudget {
  /** The candidates, simplest first. */
  space: Partial<ModelParams>[];
  /** Inner folds. */
  folds: number;
  /** Rows the candidates are compared on (all rows when the table has no more). */
  rows: number;
  /** The budget in words, for the model card. */
  note: string;
}

/**
 * The choice's budget for a table: every candidate of {@linkcode CHOICE_SPACE} with 3 inner folds
 * up to {@linkcode FULL_SPACE_ROWS} rows; above it the network (the slowest per row, fitted by
 * tfjs) is left out; above {@linkcode CHOICE_ROWS} rows the candidates are compared on a
 * stratified sample of that many rows, so the choice costs no more on a million rows than on
 * twenty thousand, and only the winner's final fit grows with the table.
 *
 * @param rows The table's rows.
 * @returns The candidates, inner folds, rows compared on and a note.
 */
export function choiceBudget(rows: number): ChoiceBudget {
  const full = rows <= FULL_SPACE_ROWS;
  const space = full ? CHOICE_SPACE : CHOICE_SPACE.filter((p) => p.family !== "mlp");
  const compared = Math.min(rows, CHOICE_ROWS);
  return {
    space,
    folds: 3,
    rows: compared,
    note: `${space.length} candidates by 3-fold inner cross-validation on ${
      compared < rows
        ? `a stratified sample of ${compared} of the ${rows} rows`
        : `all ${rows} rows`
    }${full ? "" : ` (the network left out above ${FULL_SPACE_ROWS} rows)`}`,
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
  inner_folds: number;
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
  options: CvOptions = {},
): Promise<CvReport> {
  if (options.params || !needsChoice(spec, options.profile, options.model)) {
    return crossValidate(data, spec, options);
  }
  return crossValidate(data, spec, {
    ...options,
    choose: async (foldSpec, rows, seed) =>
      (await chooseModel(data, foldSpec, { profile: options.profile, seed, rows })).params,
  });
}
