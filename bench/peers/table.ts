/**
 * The comparison table of `deno task peers`: every model's out-of-fold predictions on the same
 * folds, scored by the pipeline's metric code, with the bootstrap interval over students, the
 * fit time per fold, and the corrected resampled t-test of ours against the best peer.
 *
 * @module
 */
import {
  bootstrapOof,
  correctedResampledTTest,
  type CvMetric,
  foldMetrics,
  InputError,
  type OofMetricName,
  type TTestResult,
} from "../../pipeline/mod.ts";

/** What a row of the table is. */
export type ModelKind = "ours" | "peer" | "baseline";

/** One model's out-of-fold predictions over every run. */
export interface ModelPredictions {
  name: string;
  kind: ModelKind;
  /** `[run][row]` probabilities. */
  scores: number[][];
  /** `[run][fold]` seconds of fitting. */
  fit_seconds: number[][];
}

/** One row of the table. */
export interface TableRow {
  name: string;
  kind: ModelKind;
  metrics: Record<OofMetricName, CvMetric>;
  /** Mean seconds to fit one fold. */
  fit_seconds_per_fold: number;
}

/** The metrics the t-test compares, each on every fold's test students. */
export const TESTED_METRICS = ["roc_auc", "pr_auc", "brier", "log_loss"] as const;

/** Ours against the best peer on the same folds. */
export interface Comparison {
  ours: string;
  peer: string;
  /** The peer is the one with the highest mean of this metric. */
  chosen_by: "roc_auc";
  /** n_train and n_test of the correction (means over folds). */
  train_size: number;
  test_size: number;
  /** Differences are ours − peer (lower is better for Brier and log loss). */
  tests: Record<(typeof TESTED_METRICS)[number], TTestResult>;
}

/** One profile's table. */
export interface PeerTable {
  profile: string;
  folds: number;
  runs: number;
  students: number;
  positives: number;
  /** Resamples and seed of the bootstrap, the same draws for every model. */
  interval: { resamples: number; seed: number };
  rows: TableRow[];
  comparison?: Comparison;
}

/** Options of {@linkcode buildTable}. */
export interface TableOptions {
  profile: string;
  /** Seed of the bootstrap (the same for every model, so their resamples are paired). */
  seed: number;
  /** Default 1,000. */
  resamples?: number;
}

/**
 * Scores every model on the same students and folds, decisions at p >= 0.5.
 *
 * @param labels 0/1 labels of every student.
 * @param foldOf Each student's test fold per run.
 * @param models The models' predictions, in table order.
 * @param options Profile name, bootstrap seed and resamples.
 * @returns The table.
 */
export function buildTable(
  labels: ArrayLike<number>,
  foldOf: number[][],
  models: ModelPredictions[],
  options: TableOptions,
): PeerTable {
  const runs = foldOf.length;
  const folds = foldOf[0].reduce((m, f) => Math.max(m, f + 1), 0);
  for (const m of models) {
    if (m.scores.length !== runs || m.scores.some((s) => s.length !== labels.length)) {
      throw new InputError(
        `Cannot compare ${m.name}: expected ${runs} run(s) of ${labels.length} scores`,
      );
    }
  }
  const resamples = options.resamples ?? 1000;
  const rows: TableRow[] = models.map((m) => {
    const times = m.fit_seconds.flat();
    return {
      name: m.name,
      kind: m.kind,
      metrics: bootstrapOof(labels, m.scores.map((scores) => ({ scores })), {
        resamples,
        seed: options.seed,
      }),
      fit_seconds_per_fold: times.reduce((a, b) => a + b, 0) / times.length,
    };
  });
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  return {
    profile: options.profile,
    folds,
    runs,
    students: labels.length,
    positives,
    interval: { resamples, seed: options.seed },
    rows,
    comparison: _compare(labels, foldOf, models, rows),
  };
}

function _compare(
  labels: ArrayLike<number>,
  foldOf: number[][],
  models: ModelPredictions[],
  rows: TableRow[],
): Comparison | undefined {
  const ours = models.findIndex((m) => m.kind === "ours");
  const peers = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.kind === "peer");
  // One fold (a cohort split) has no spread over folds to test with.
  const folds = foldOf[0].reduce((m, f) => Math.max(m, f + 1), 0);
  if (ours < 0 || peers.length === 0 || folds * foldOf.length < 2) return undefined;
  const best = peers.reduce((
    b,
    c,
  ) => (c.r.metrics.roc_auc.mean > b.r.metrics.roc_auc.mean ? c : b));
  const perFold = (m: ModelPredictions) =>
    m.scores.flatMap((scores, run) => foldMetrics(labels, { scores }, foldOf[run]));
  const a = perFold(models[ours]);
  const b = perFold(models[best.i]);
  const n = labels.length;
  const testSize = n / folds;
  const trainSize = n - testSize;
  return {
    ours: models[ours].name,
    peer: models[best.i].name,
    chosen_by: "roc_auc",
    train_size: trainSize,
    test_size: testSize,
    tests: Object.fromEntries(TESTED_METRICS.map((key) => [
      key,
      correctedResampledTTest(a.map((f) => f[key]), b.map((f) => f[key]), {
        trainSize,
        testSize,
      }),
    ])) as Comparison["tests"],
  };
}

/** The table's columns: metric, heading, digits. */
const COLUMNS: [OofMetricName, string, number][] = [
  ["roc_auc", "ROC-AUC", 3],
  ["pr_auc", "PR-AUC", 3],
  ["brier", "Brier", 4],
  ["log_loss", "log loss", 3],
  ["recall_at_10", "recall top 10 %", 3],
  ["recall_at_20", "recall top 20 %", 3],
  ["pcc", "PCC at 0.5 (%)", 1],
];

/**
 * Writes a table as Markdown: one line per model, each cell `mean [low, high]`, then the t-test.
 *
 * @param table The table.
 * @returns Markdown text ending with a newline.
 */
export function tableMarkdown(table: PeerTable): string {
  const cell = (m: CvMetric, digits: number) =>
    `${m.mean.toFixed(digits)} [${m.low.toFixed(digits)}, ${m.high.toFixed(digits)}]`;
  const lines = [
    `### ${table.profile}: ${
      table.folds === 1 && table.runs === 1
        ? "one cohort-forward split"
        : `${table.runs} × ${table.folds}-fold CV`
    }, ${table.students} students tested (${table.positives} positive)`,
    "",
    `Mean over runs [95 % interval: stratified bootstrap over students, ${table.interval.resamples} resamples]; decisions at p ≥ 0.5.`,
    "",
    `| model | ${COLUMNS.map(([, h]) => h).join(" | ")} | fit s / fold |`,
    `|---|${COLUMNS.map(() => "---").join("|")}|---|`,
    ...table.rows.map((r) =>
      `| ${r.name} | ${COLUMNS.map(([k, , d]) => cell(r.metrics[k], d)).join(" | ")} | ${
        r.fit_seconds_per_fold < 0.01
          ? r.fit_seconds_per_fold.toExponential(1)
          : r.fit_seconds_per_fold.toFixed(2)
      } |`
    ),
  ];
  const c = table.comparison;
  if (c) {
    const any = Object.values(c.tests)[0];
    lines.push(
      "",
      `${c.ours} − ${c.peer} (the peer with the best ROC-AUC), corrected resampled t-test over ${any.n} folds (df ${any.df}, n_test/n_train ${
        (c.test_size / c.train_size).toFixed(3)
      }):`,
      "",
      "| metric | mean difference | 95 % interval | t | p |",
      "|---|---|---|---|---|",
      ...TESTED_METRICS.map((key) => {
        const t = c.tests[key];
        const name = COLUMNS.find(([k]) => k === key)![1];
        const [low, high] = t.ci95.map((v) => v.toFixed(4));
        return `| ${name} | ${t.mean_difference.toFixed(4)} | [${low}, ${high}] | ${
          t.t.toFixed(2)
        } | ${t.p < 0.001 ? t.p.toExponential(1) : t.p.toFixed(3)} |`;
      }),
    );
  }
  return lines.join("\n") + "\n";
}
