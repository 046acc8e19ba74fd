import { deepEqual, ok, throws } from "node:assert/strict";
import { InputError } from "../core/errors.ts";
import { bootstrapOof, foldMetrics, OOF_METRICS, oofMetrics } from "./oof.ts";
import { mulberry32 } from "../core/random.ts";

// No ties, 4 positives and 4 negatives (as in metrics_test.ts).
const LABELS = [1, 1, 0, 1, 0, 0, 1, 0];
const SCORES = [0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1];

function close(actual: number, expected: number, tolerance = 1e-12): void {
  ok(
    Math.abs(actual - expected) <= tolerance,
    `Expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

/** 200 students, 30 positives, scores that rank them well but not perfectly. */
function noisy(seed: number): { labels: number[]; scores: number[] } {
  const rng = mulberry32(seed);
  const labels = Array.from({ length: 200 }, (_, i) => (i % 20 < 3 ? 1 : 0));
  const scores = labels.map((y) => Math.min(1, Math.max(0, 0.3 + 0.25 * y + 0.6 * (rng() - 0.5))));
  return { labels, scores };
}

Deno.test("oofMetrics() matches hand-computed values", async (t) => {
  const m = oofMetrics(LABELS, { scores: SCORES });
  await t.step("decisions default to score >= 0.5", () => {
    // >= 0.5: 0.9 0.8 0.6 (1), 0.7 (0) -> tp 3, fp 1, tn 3, fn 1
    close(m.pcc, 75);
    close(m.balanced_accuracy, 0.75);
    close(m.f1, 6 / 8);
  });
  await t.step("the ranking and probability metrics are those of metrics.ts", () => {
    close(m.roc_auc, 0.75);
    close(m.pr_auc, 93 / 112);
    close(m.brier, 0.2);
    // 10 % of 8 -> 1 place (0.9, positive); 20 % -> 2 places (both positive)
    close(m.recall_at_10, 1 / 4);
    close(m.recall_at_20, 2 / 4);
  });
  await t.step("given decisions are used as they are", () => {
    const none = oofMetrics(LABELS, { scores: SCORES, decided: new Array(8).fill(0) });
    close(none.pcc, 50);
    close(none.f1, 0);
    close(none.roc_auc, 0.75);
  });
  await t.step("every metric is reported", () => {
    deepEqual(Object.keys(m), [...OOF_METRICS]);
  });
});

Deno.test("bootstrapOof() gives the interval of the run-averaged estimate", async (t) => {
  const a = noisy(1);
  const b = noisy(2);
  const report = bootstrapOof(a.labels, [{ scores: a.scores }, { scores: b.scores }], {
    seed: 7,
    resamples: 400,
  });

  await t.step("the mean is the mean over runs, with the spread over runs kept apart", () => {
    const ma = oofMetrics(a.labels, { scores: a.scores });
    const mb = oofMetrics(a.labels, { scores: b.scores });
    close(report.roc_auc.mean, (ma.roc_auc + mb.roc_auc) / 2);
    deepEqual(report.roc_auc.over_runs.n, 2);
    deepEqual([report.roc_auc.n, report.roc_auc.sd], [2, report.roc_auc.over_runs.sd]);
  });

  await t.step("every interval holds its mean and ci95 is its half-width", () => {
    for (const key of OOF_METRICS) {
      const m = report[key];
      ok(m.low <= m.mean && m.mean <= m.high, `${key}: ${m.low} ${m.mean} ${m.high}`);
      close(m.ci95, (m.high - m.low) / 2);
      ok(m.ci95 > 0, key);
    }
  });

  await t.step("one run has an interval although it has no spread over runs", () => {
    const one = bootstrapOof(a.labels, [{ scores: a.scores }], { seed: 7, resamples: 200 });
    deepEqual(one.roc_auc.over_runs.ci95, 0);
    ok(one.roc_auc.ci95 > 0.01, `${one.roc_auc.ci95}`);
  });

  await t.step("resamples are stratified: a constant score's Brier never moves", () => {
    // Brier of a constant c is p(1 - c)² + (1 - p)c²: only the prevalence p can change it.
    const flat = bootstrapOof(a.labels, [{ scores: a.labels.map(() => 0.2) }], {
      seed: 3,
      resamples: 100,
    });
    close(flat.brier.low, flat.brier.mean);
    close(flat.brier.high, flat.brier.mean);
  });

  await t.step("the same seed gives the same intervals; another seed other ones", () => {
    const runs = [{ scores: a.scores }];
    deepEqual(
      bootstrapOof(a.labels, runs, { seed: 5, resamples: 100 }),
      bootstrapOof(a.labels, runs, { seed: 5, resamples: 100 }),
    );
    ok(
      bootstrapOof(a.labels, runs, { seed: 5, resamples: 100 }).roc_auc.low !==
        bootstrapOof(a.labels, runs, { seed: 6, resamples: 100 }).roc_auc.low,
    );
  });

  await t.step("no resamples leaves the interval NaN; bad counts throw InputError", () => {
    const none = bootstrapOof(a.labels, [{ scores: a.scores }], { seed: 1, resamples: 0 });
    ok(Number.isNaN(none.roc_auc.low) && Number.isNaN(none.roc_auc.ci95));
    throws(() => bootstrapOof(a.labels, [{ scores: a.scores }], { seed: 1, resamples: -1 }));
    throws(() => bootstrapOof(a.labels, [], { seed: 1 }), InputError);
  });
});

Deno.test("foldMetrics() scores each fold's students on their own", () => {
  // Fold 0 holds rows 0, 2, 4, 6: labels 1 0 0 1, scores 0.9 0.7 0.4 0.2 -> AUC 2/4.
  // Fold 1 holds rows 1, 3, 5, 7: labels 1 1 0 0, scores 0.8 0.6 0.3 0.1 -> AUC 1.
  const folds = foldMetrics(LABELS, { scores: SCORES }, [0, 1, 0, 1, 0, 1, 0, 1]);
  deepEqual(folds.map((f) => f.roc_auc), [0.5, 1]);
  // Fold 0 at 0.5: tp 1 (0.9), fp 1 (0.7), tn 1, fn 1 -> 50 %; fold 1: all right -> 100 %.
  deepEqual(folds.map((f) => f.pcc), [50, 100]);
  throws(() => foldMetrics(LABELS, { scores: SCORES }, [0, 1]), InputError);
});
