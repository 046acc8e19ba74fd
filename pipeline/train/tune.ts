/**
 * Hyper-parameter tuning with nested cross-validation. The outer folds give
 * an honest estimate: inside each outer training part, every candidate is
 * scored by inner cross-validation, the best is refitted on that part and
 * tested on the outer fold it never saw. The settings finally recorded for the
 * profile are chosen the same way on all rows. Candidates are compared by the
 * log loss of their out-of-fold calibrated probabilities, a proper scoring rule
 * that is far less noisy than percent correct on a few hundred students, or,
 * on request, by percent correct itself (over several inner runs to steady it).
 *
 * @module
 */
import { type Dataset, takeRows } from "../data/dataset.ts";
import { type DatasetSpec, profileOf, type PublishedFigures } from "../data/spec.ts";
import { type ModelParams, modelParams } from "../models/mlp.ts";
import { crossValidate, DEFAULT_CV_POLICY } from "./cv.ts";
import { repeatedStratifiedKFold, stratifiedHoldout } from "../data/split.ts";
import { evaluate, summarize, type Summary } from "../evaluate/metrics.ts";
import { type ThresholdPolicy } from "../evaluate/thresholds.ts";
import { fitOnRows, scoreRows } from "./fit.ts";
import { deriveSeed } from "../core/random.ts";
import { InputError } from "../core/errors.ts";

/**
 * The default search space, simplest first (the order the one-standard-error rule prefers): a
 * logistic model on every input (one cut point per number, fitted to convergence: family
 * `logistic`, L1 0.003 and L2 0.001 so that cut columns that separate the training rows still give
 * one optimum), gradient-boosted trees, a random forest and their blend at their untuned defaults,
 * the blend of that logistic model and the forest (the linear score ranks by the grades' steady
 * gradient, the trees by the interactions it misses), and a small network on cut points. Only the network is Platt-scaled: the others are fitted by
 * maximum likelihood or average leaf frequencies, and on a holdout of ~80 students Platt's map adds
 * noise between folds.
 *
 * Models that read only the few inputs that best separate the students on their own are not
 * candidates: they give whole groups of students one score and every reason to the same grade,
 * which fails advisers working down a ranked caseload. The one-input rule is scored beside the
 * candidates as a named baseline ({@linkcode BASELINE_RULE}).
 */
export const TUNE_SPACE: Partial<ModelParams>[] = [
  { family: "logistic", l1: 0.003, l2: 0.001, cuts: 1, calibration: "none" },
  { family: "gbm", calibration: "none" },
  { family: "forest", calibration: "none" },
  { family: "blend", calibration: "none" },
  {
    family: "blend",
    trees: { logistic: { l1: 0.003, l2: 0.001 }, forest: {} },
    cuts: 1,
    calibration: "none",
  },
  {
    family: "mlp",
    hidden: [16],
    l2: 0.01,
    l1: 0.003,
    dropout: 0.3,
    cuts: 1,
    classWeight: "none",
    calibration: "auto",
  },
];

/**
 * The one-input rule: a logistic model with one cut point on the single feature whose best split
 * separates the training students most (in setups A and B, the last grade, "G2 ≤ 8"). `tune`
 * scores it beside the candidates and never chooses it.
 */
export const BASELINE_RULE: Partial<ModelParams> = {
  family: "logistic",
  l1: 0.003,
  l2: 0.001,
  cuts: 1,
  select: 1,
  calibration: "none",
};

/**
 * How many standard errors a simpler candidate's log loss may be above the best candidate's and
 * still be chosen (the error of their difference, paired over the same students).
 */
export const ONE_SE = 1;

/** What the one-standard-error rule reads of a candidate (the shape of a `candidates` entry). */
type _Scored = Pick<TuneReport["candidates"][number], "log_loss" | "log_loss_se">;

/**
 * The one-standard-error rule over candidates listed simplest first: the first whose log loss is
 * within `ONE_SE` standard errors of the best's (the error of their paired difference) and no
 * higher than any simpler candidate's. The second condition keeps the rule from passing over a
 * simpler candidate for a worse one whose wider error alone lets it through: a noisy candidate is
 * not thereby one the data cannot tell from the best.
 *
 * @param candidates Each candidate's inner log loss and the standard error of its difference from
 *   the best's, simplest first.
 * @param best The index of the least log loss.
 * @returns The index chosen (`best` when no simpler candidate qualifies).
 * @example
 * ```ts
 * // The second is within its wider error of the best but has more loss than the simpler first,
 * // which is not within its own: the rule takes the best, the third.
 * oneStandardErrorChoice([
 *   { log_loss: 0.1594, log_loss_se: 0.0041 },
 *   { log_loss: 0.1607, log_loss_se: 0.0060 },
 *   { log_loss: 0.1549, log_loss_se: 0 },
 * ], 2); // 2
 * ```
 */
export function oneStandardErrorChoice(
  candidates: readonly { log_loss: number; log_loss_se: number }[],
  best: number,
): number {
  let leastSoFar = Infinity;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    if (_withinOneSe(c, candidates[best]) && c.log_loss <= leastSoFar) return i;
    leastSoFar = Math.min(leastSoFar, c.log_loss);
  }
  return best;
}

/** Whether a candidate's log loss is within `ONE_SE` errors of its difference from the best's. */
function _withinOneSe(c: _Scored, best: _Scored): boolean {
  return c.log_loss - best.log_loss <= ONE_SE * c.log_loss_se;
}

/** Whether a candidate simpler than the best was within its error but passed over as worse. */
function _passedOver(candidates: readonly _Scored[], best: number): boolean {
  return candidates.slice(0, best).some((c) => _withinOneSe(c, candidates[best]));
}

/** What `tune` compares candidates by. */
export type TuneCriterion = "log_loss" | "pcc";

/** Options of {@linkcode tune}. */
export interface TuneOptions {
  profile?: string;
  /** Candidate settings (default {@linkcode TUNE_SPACE}). */
  space?: Partial<ModelParams>[];
  outerFolds?: number;
  innerFolds?: number;
  /** Runs of inner cross-validation per candidate (default 1); more runs steady a noisy criterion. */
  innerRuns?: number;
  seed?: number;
  policy?: ThresholdPolicy;
  /**
   * How candidates are compared (default `log_loss`, lower wins). `pcc` compares percent correct at
   * the policy's threshold, higher wins, ties going to the lower log loss: choose it when percent
   * correct is the figure to beat and log loss prefers a model that decides worse.
   */
  criterion?: TuneCriterion;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** The tuning report, also what `--write` records in the profile's `tuning` entry. */
export interface TuneReport {
  profile: string;
  space: Partial<ModelParams>[];
  seed: number;
  outer_folds: number;
  inner_folds: number;
  inner_runs: number;
  criterion: TuneCriterion;
  /**
   * Nested-CV estimate over the outer folds: each outer fold is scored by the candidate its own
   * inner search chose. `log_loss`, `brier`, `roc_auc` and `pr_auc` are those of the pooled
   * outer-fold predictions; the Summaries are over the outer folds.
   */
  nested: {
    pcc: Summary;
    roc_auc: Summary;
    balanced_accuracy: Summary;
    choices: number[];
    pooled: { log_loss: number; brier: number; roc_auc: number; pr_auc: number; pcc: number };
  };
  /**
   * Each candidate's inner-CV figures on all rows; `log_loss_se` is the standard error of the
   * difference between its log loss and the best candidate's, paired over the same students.
   */
  candidates: {
    params: Partial<ModelParams>;
    log_loss: number;
    log_loss_se: number;
    brier: number;
    pcc: number;
    roc_auc: number;
    pr_auc: number;
  }[];
  /** The one-input rule's inner-CV figures on all rows, beside the candidates (never chosen). */
  baseline: TuneReport["candidates"][number];
  /** The index and settings chosen on all rows. */
  chosen: number;
  /** The candidate of least inner log loss on all rows (the rule may choose a simpler one). */
  best: number;
  /** Why the chosen candidate was chosen, in one sentence. */
  reason: string;
  params: ModelParams;
  /** The profile's published figures, from the spec. */
  published?: PublishedFigures;
  seconds: number;
}

/**
 * Chooses model settings for a profile by nested cross-validation.
 *
 * @param data The dataset (with labels).
 * @param spec The dataset spec.
 * @param options Search space, fold counts, seed, policy and logger.
 * @returns The nested estimate, the candidates' scores and the chosen settings.
 */
export async function tune(
  data: Dataset,
  spec: DatasetSpec,
  options: TuneOptions = {},
): Promise<TuneReport> {
  const started = performance.now();
  const { name } = profileOf(spec, options.profile);
  const space = options.space ?? TUNE_SPACE;
  space.forEach((p) => modelParams(p)); // fail fast on a bad candidate
  const outerFolds = options.outerFolds ?? 5;
  const innerFolds = options.innerFolds ?? 3;
  const innerRuns = options.innerRuns ?? 1;
  const criterion = options.criterion ?? "log_loss";
  if (!["log_loss", "pcc"].includes(criterion)) {
    throw new InputError(`Invalid tuning criterion "${criterion}": expected log_loss or pcc`);
  }
  const seed = options.seed ?? 42;
  const policy = options.policy ?? DEFAULT_CV_POLICY;
  const pick = (rows: Dataset, innerSeed: number) =>
    compareCandidates(rows, spec, {
      profile: name,
      space,
      folds: innerFolds,
      runs: innerRuns,
      seed: innerSeed,
      policy,
      criterion,
    });

  const outer = repeatedStratifiedKFold(data.labels, { folds: outerFolds, runs: 1, seed });
  const pcc: number[] = [];
  const auc: number[] = [];
  const balanced: number[] = [];
  const choices: number[] = [];
  const pooled = new Float32Array(data.rows);
  for (const fold of outer) {
    const { chosen: best } = await pick(takeRows(data, fold.train), deriveSeed(seed, 7, fold.fold));
    choices.push(best);
    const foldSeed = deriveSeed(seed, 8, fold.fold);
    const { fit, holdout } = stratifiedHoldout(data.labels, fold.train, 0.15, foldSeed);
    const fitted = await fitOnRows(data, spec, fit, holdout, {
      profile: name,
      seed: foldSeed,
      params: modelParams({ ...space[best] }),
      policy,
    });
    const test = scoreRows(fitted, data, fold.test);
    fold.test.forEach((row, i) => (pooled[row] = test.scores[i]));
    fitted.classifier.dispose();
    const m = evaluate(test.labels, test.scores, fitted.threshold);
    pcc.push(100 * m.accuracy);
    auc.push(m.roc_auc);
    balanced.push(m.balanced_accuracy);
    options.log?.(
      `outer fold ${fold.fold + 1}/${outerFolds}: chose ${JSON.stringify(space[best])}, PCC ${
        (100 * m.accuracy).toFixed(1)
      }`,
    );
  }
  const final = await pick(data, deriveSeed(seed, 9));
  const rule = await crossValidate(data, spec, {
    profile: name,
    folds: innerFolds,
    runs: innerRuns,
    seed: deriveSeed(seed, 9),
    params: modelParams(BASELINE_RULE),
    policy,
    resamples: 0,
  });
  const baseline = {
    params: BASELINE_RULE,
    log_loss: rule.log_loss.mean,
    log_loss_se: NaN,
    brier: rule.brier.mean,
    pcc: rule.pcc.mean,
    roc_auc: rule.roc_auc.mean,
    pr_auc: rule.pr_auc.mean,
  };
  const all = evaluate(data.labels, pooled, 0.5);
  return {
    profile: name,
    space,
    seed,
    outer_folds: outerFolds,
    inner_folds: innerFolds,
    inner_runs: innerRuns,
    criterion,
    nested: {
      pcc: summarize(pcc),
      roc_auc: summarize(auc),
      balanced_accuracy: summarize(balanced),
      choices,
      pooled: {
        log_loss: all.log_loss,
        brier: all.brier,
        roc_auc: all.roc_auc,
        pr_auc: all.pr_auc,
        pcc: 100 * all.accuracy,
      },
    },
    candidates: final.scored,
    baseline,
    chosen: final.chosen,
    best: final.best,
    reason: final.reason,
    params: modelParams({ ...space[final.chosen] }),
    published: spec.profiles[name].published,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Options of {@linkcode compareCandidates}. */
export interface CompareOptions {
  profile?: string;
  /** Candidate settings, simplest first. */
  space: Partial<ModelParams>[];
  /** Inner folds. */
  folds: number;
  /**
   * Instead of the folds, one stratified holdout of this share of the rows: each candidate is
   * fitted once on the rest and scored on it (how large tables are compared; `runs` does not
   * apply).
   */
  holdout?: number;
  /**
   * False: each fold's (or the holdout's) model is scored as fitted on its training part, without
   * the refit on that part's stop rows a cross-validation fold's model gets (half the work, every
   * candidate alike; `runs` does not apply). A holdout is never refitted.
   */
  refit?: boolean;
  /** Runs of inner cross-validation per candidate (default 1). */
  runs?: number;
  seed: number;
  policy?: ThresholdPolicy;
  criterion?: TuneCriterion;
  /** Called after each candidate is scored. */
  onCandidate?: (candidate: TuneReport["candidates"][number], index: number) => void;
}

/** What {@linkcode compareCandidates} found. */
export interface CandidateComparison {
  /** Each candidate's inner figures, in the order of the space. */
  scored: TuneReport["candidates"];
  /** The index of the least inner log loss (highest percent correct under `pcc`). */
  best: number;
  /** The index chosen by the one-standard-error rule (or `best` under `pcc`). */
  chosen: number;
  /** Why, in one sentence. */
  reason: string;
}

/**
 * Scores every candidate by the same inner cross-validation on the same rows and chooses one by
 * the one-standard-error rule on log loss ({@linkcode oneStandardErrorChoice}), or by percent
 * correct. `tune` calls it inside each outer fold and on all rows; `train` calls it to choose a
 * model for a profile without tuned settings.
 *
 * @param rows The rows to choose on (with labels).
 * @param spec The dataset spec.
 * @param options The candidates, inner folds, runs, seed, policy and criterion.
 * @returns Every candidate's figures, the best, the chosen and the reason.
 */
export async function compareCandidates(
  rows: Dataset,
  spec: DatasetSpec,
  options: CompareOptions,
): Promise<CandidateComparison> {
  const criterion = options.criterion ?? "log_loss";
  // Percent correct moves in steps of one student, so differences below a thousandth are ties.
  const better = (c: _Candidate, b: _Candidate) =>
    criterion === "pcc" && Math.abs(c.pcc - b.pcc) > 1e-3 ? c.pcc > b.pcc : c.log_loss < b.log_loss;
  const scored: TuneReport["candidates"] = [];
  // Each candidate's log loss per student, averaged over the inner runs: candidates are scored on
  // the same students, so they are compared student by student.
  const losses: Float64Array[] = [];
  const all = Array.from({ length: rows.rows }, (_, i) => i);
  // One holdout, or folds whose models are not refitted: each part fitted and scored here.
  const parts = options.holdout !== undefined
    ? [stratifiedHoldout(rows.labels, all, options.holdout, options.seed)].map((h) => ({
      train: h.fit,
      test: h.holdout,
    }))
    : options.refit === false
    ? repeatedStratifiedKFold(rows.labels, { folds: options.folds, runs: 1, seed: options.seed })
    : undefined;
  // Candidates are compared student by student on the rows the parts test.
  const tested = parts?.flatMap((p) => p.test);
  const labels = tested ? Uint8Array.from(tested, (r) => rows.labels[r]) : rows.labels;
  for (const params of options.space) {
    if (parts && tested) {
      const scores = new Float32Array(tested.length);
      let at = 0;
      for (const [k, part] of parts.entries()) {
        const s = await _partScores(rows, spec, part, k, modelParams(params), options);
        scores.set(s, at);
        at += s.length;
      }
      const m = evaluate(labels, scores, 0.5);
      losses.push(_studentLosses(labels, [Array.from(scores)]));
      scored.push({
        params,
        log_loss: m.log_loss,
        log_loss_se: 0,
        brier: m.brier,
        pcc: 100 * m.accuracy,
        roc_auc: m.roc_auc,
        pr_auc: m.pr_auc,
      });
      options.onCandidate?.(scored[scored.length - 1], scored.length - 1);
      continue;
    }
    const r = await crossValidate(rows, spec, {
      profile: options.profile,
      folds: options.folds,
      runs: options.runs ?? 1,
      seed: options.seed,
      params: modelParams(params),
      policy: options.policy ?? DEFAULT_CV_POLICY,
      resamples: 0,
      predictions: true,
    });
    losses.push(_studentLosses(rows.labels, r.predictions!.scores));
    scored.push({
      params,
      log_loss: r.log_loss.mean,
      log_loss_se: 0,
      brier: r.brier.mean,
      pcc: r.pcc.mean,
      roc_auc: r.roc_auc.mean,
      pr_auc: r.pr_auc.mean,
    });
    options.onCandidate?.(scored[scored.length - 1], scored.length - 1);
  }
  const best = scored.reduce((b, c, i) => (better(c, scored[b]) ? i : b), 0);
  // Each candidate's error is that of its difference from the best, over the same students.
  scored.forEach((c, i) => (c.log_loss_se = _pairedSe(losses[i], losses[best])));
  const chosen = criterion === "log_loss" ? oneStandardErrorChoice(scored, best) : best;
  const chosenOne = scored[chosen];
  const least = scored[best];
  const reason = criterion === "pcc"
    ? `Highest inner percent correct (${chosenOne.pcc.toFixed(2)})`
    : chosen === best
    ? `Least inner log loss (${chosenOne.log_loss.toFixed(4)}); ${
      _passedOver(scored, best)
        ? "the simpler candidates within one standard error of it have more loss than one simpler still"
        : "no simpler candidate within one standard error of it"
    }`
    : `Simplest candidate within one standard error of the least inner log loss (${
      least.log_loss.toFixed(4)
    }, candidate ${best + 1}): ${chosenOne.log_loss.toFixed(4)}, ${
      (chosenOne.log_loss - least.log_loss).toFixed(4)
    } above it, standard error of the difference ${chosenOne.log_loss_se.toFixed(4)}`;
  return { scored, best, chosen, reason };
}

/**
 * One candidate fitted on a part's training rows (as a fold is: early stopping on a stratified
 * 15 % of them) and its test rows' probabilities. It is not refitted on all of the training rows,
 * as a cross-validation fold's model is: that adds 15 % more rows at twice the work, for every
 * candidate alike.
 */
async function _partScores(
  rows: Dataset,
  spec: DatasetSpec,
  part: { train: number[]; test: number[] },
  k: number,
  params: ModelParams,
  options: CompareOptions,
): Promise<Float32Array> {
  const seed = deriveSeed(options.seed, 0, k);
  const { fit, holdout } = stratifiedHoldout(rows.labels, part.train, 0.15, seed);
  const fitted = await fitOnRows(rows, spec, fit, holdout, {
    profile: profileOf(spec, options.profile).name,
    seed,
    params,
    policy: options.policy ?? DEFAULT_CV_POLICY,
    refit: false,
  });
  const test = scoreRows(fitted, rows, part.test);
  fitted.classifier.dispose();
  return test.scores;
}

/** A scored candidate. */
type _Candidate = TuneReport["candidates"][number];

/** Each student's log loss under out-of-fold scores, averaged over runs. */
function _studentLosses(labels: ArrayLike<number>, scores: number[][]): Float64Array {
  const eps = 1e-7;
  const out = new Float64Array(labels.length);
  for (const run of scores) {
    for (let i = 0; i < labels.length; i++) {
      const p = Math.min(1 - eps, Math.max(eps, run[i]));
      out[i] -= (labels[i] === 1 ? Math.log(p) : Math.log(1 - p)) / scores.length;
    }
  }
  return out;
}

/** The standard error of the mean difference of two per-student losses. */
function _pairedSe(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (a[i] - b[i]) / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (a[i] - b[i] - mean) ** 2;
  return n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0;
}
