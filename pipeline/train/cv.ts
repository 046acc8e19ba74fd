/**
 * Repeated stratified k-fold cross-validation with the whole pipeline inside
 * each fold: the preprocessor and network are fitted on the fold's training
 * part only, early stopping and the threshold use a stratified holdout of that
 * part, and the test fold is seen once, for scoring.
 *
 * @module
 */
import type { Dataset } from "../data/dataset.ts";
import { type DatasetSpec, profileOf } from "../data/spec.ts";
import { type ModelParams, modelParams } from "../models/mlp.ts";
import { repeatedStratifiedKFold, stratifiedHoldout } from "../data/split.ts";
import { evaluate, summarize, type Summary } from "../evaluate/metrics.ts";
import { type ThresholdPolicy } from "../evaluate/thresholds.ts";
import { fitOnRows, scoreRows } from "./fit.ts";
import { deriveSeed } from "../core/random.ts";
import { DEFAULT_SENSITIVE, fairnessReport } from "../evaluate/fairness.ts";

/**
 * Cortez & Silva (2008), Table 3: Portuguese class, binary pass/fail, PCC (%)
 * over 20 runs of 10-fold cross-validation. `best` is the best model of the
 * setup (A: decision tree; B and C: random forest), `naive` the paper's naive
 * predictor: pass/fail of Grade_2 (A) or Grade_1 (B), the majority class (C).
 */
export const PUBLISHED_PCC: Record<string, { setup: string; best: number; naive: number }> = {
  "early-A": { setup: "A", best: 93.0, naive: 89.7 },
  "early-B": { setup: "B", best: 90.1, naive: 87.5 },
  "early-C": { setup: "C", best: 85.0, naive: 84.6 },
};

/**
 * Cross-validation reports PCC, the share of correct decisions. On calibrated probabilities, flagging
 * a student when p >= 0.5 maximises the expected share of correct decisions, and it fits nothing to
 * the small holdout of each fold, so this is the default decision rule of `cv` and `tune`.
 */
export const DEFAULT_CV_POLICY: ThresholdPolicy = { kind: "fixed", threshold: 0.5 };

/** Options of {@linkcode crossValidate}. */
export interface CvOptions {
  profile?: string;
  folds?: number;
  runs?: number;
  seed?: number;
  /** Settings over the profile's `model` entry (as `--params` does). */
  model?: Partial<ModelParams>;
  /**
   * Settings used exactly as given, ignoring the profile's `model` entry: tuning scores each
   * candidate as it is written, whatever the profile holds at the time.
   */
  params?: ModelParams;
  /** How each fold's threshold is chosen on its holdout (default {@linkcode DEFAULT_CV_POLICY}). */
  policy?: ThresholdPolicy;
  /** Calibrate each fold's probabilities on its holdout (default true). */
  calibrate?: boolean;
  /** Share of each fold's training part held out for early stopping and the threshold. */
  holdout?: number;
  /** Columns whose groups the fairness audit compares (default: Gender, Address, School when present). */
  sensitive?: string[];
  /** Called after each fold. */
  onFold?: (done: number, total: number) => void;
}

/**
 * The fairness of one run's pooled out-of-fold decisions, summarised over runs: every student is
 * decided once per run by a model that never saw them, so the groups are the whole table's, not a
 * test split's few dozen.
 */
export interface CvFairness {
  column: string;
  equalized_odds_difference: Summary;
  demographic_parity_difference: Summary;
}

/** The cross-validation report (also the `--json` line of `deno task cv`). */
export interface CvReport {
  profile: string;
  folds: number;
  runs: number;
  seed: number;
  /** Percent correct, per run over all its folds, then summarised over runs. */
  pcc: Summary;
  balanced_accuracy: Summary;
  roc_auc: Summary;
  f1: Summary;
  /** Log loss of the pooled out-of-fold (calibrated) probabilities: tuning's default criterion. */
  log_loss: Summary;
  /** Equalized-odds and demographic-parity differences per sensitive column. */
  fairness: CvFairness[];
  /** The threshold policy the folds used. */
  policy: ThresholdPolicy;
  /** The model parameters every fold used. */
  params: ModelParams;
  published?: { setup: string; best: number; naive: number };
  seconds: number;
}

/**
 * Runs repeated stratified k-fold cross-validation of a profile.
 *
 * @param data The dataset (with labels).
 * @param spec The dataset spec.
 * @param options Folds, runs, seed and model settings.
 * @returns Mean and 95 % interval of each metric over the runs.
 */
export async function crossValidate(
  data: Dataset,
  spec: DatasetSpec,
  options: CvOptions = {},
): Promise<CvReport> {
  const started = performance.now();
  const { name, profile } = profileOf(spec, options.profile);
  const folds = options.folds ?? 10;
  const runs = options.runs ?? 1;
  const seed = options.seed ?? 42;
  const policy = options.policy ?? DEFAULT_CV_POLICY;
  const params = options.params ??
    modelParams({ ...(profile.model as Partial<ModelParams>), ...options.model });
  const plan = repeatedStratifiedKFold(data.labels, { folds, runs, seed });
  const labels = new Uint8Array(data.rows);
  const sensitive = (options.sensitive ?? DEFAULT_SENSITIVE).filter((c) => data.cells[c]);
  const gaps = sensitive.map(() => ({ eod: [] as number[], dpd: [] as number[] }));
  const perRun: {
    pcc: number;
    balanced_accuracy: number;
    roc_auc: number;
    f1: number;
    log_loss: number;
  }[] = [];
  for (let run = 0; run < runs; run++) {
    const scores = new Float32Array(data.rows);
    const decided = new Float32Array(data.rows);
    for (const fold of plan.filter((f) => f.run === run)) {
      const foldSeed = deriveSeed(seed, run, fold.fold);
      const { fit, holdout } = stratifiedHoldout(
        data.labels,
        fold.train,
        options.holdout ?? 0.15,
        foldSeed,
      );
      const fitted = await fitOnRows(data, spec, fit, holdout, {
        profile: name,
        seed: foldSeed,
        params,
        policy,
        calibrate: options.calibrate,
      });
      const threshold = fitted.threshold;
      const test = scoreRows(fitted, data, fold.test);
      fold.test.forEach((row, i) => {
        scores[row] = test.scores[i];
        decided[row] = test.scores[i] >= threshold ? 1 : 0;
        labels[row] = test.labels[i];
      });
      fitted.classifier.dispose();
      options.onFold?.(run * folds + fold.fold + 1, runs * folds);
    }
    // Pool the run's out-of-fold predictions; `decided` already holds each fold's own threshold.
    const m = evaluate(labels, decided, 0.5);
    sensitive.forEach((column, i) => {
      const f = fairnessReport(column, data.cells[column], labels, decided);
      gaps[i].eod.push(f.equalized_odds_difference);
      gaps[i].dpd.push(f.demographic_parity_difference);
    });
    const probabilistic = evaluate(labels, scores, 0.5);
    perRun.push({
      pcc: 100 * m.accuracy,
      balanced_accuracy: m.balanced_accuracy,
      roc_auc: probabilistic.roc_auc,
      f1: m.f1,
      log_loss: probabilistic.log_loss,
    });
  }
  return {
    profile: name,
    folds,
    runs,
    seed,
    pcc: summarize(perRun.map((r) => r.pcc)),
    balanced_accuracy: summarize(perRun.map((r) => r.balanced_accuracy)),
    roc_auc: summarize(perRun.map((r) => r.roc_auc)),
    f1: summarize(perRun.map((r) => r.f1)),
    log_loss: summarize(perRun.map((r) => r.log_loss)),
    fairness: sensitive.map((column, i) => ({
      column,
      equalized_odds_difference: summarize(gaps[i].eod),
      demographic_parity_difference: summarize(gaps[i].dpd),
    })),
    policy,
    params,
    published: PUBLISHED_PCC[name],
    seconds: (performance.now() - started) / 1000,
  };
}
