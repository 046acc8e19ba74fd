import assert from "node:assert/strict";
import {
  correctedResampledTTest,
  type Dataset,
  foldMetrics,
  loadSpec,
  oofMetrics,
} from "../../pipeline/mod.ts";
import { gradeOf, gradeRule } from "./baseline.ts";
import { buildTable, type ModelPredictions, tableMarkdown } from "./table.ts";

// 8 students, 4 positives, two folds per run, two runs.
const LABELS = [1, 1, 0, 1, 0, 0, 1, 0];
const FOLD_OF = [[0, 1, 0, 1, 0, 1, 0, 1], [1, 1, 0, 0, 1, 0, 1, 0]];
const GOOD = [0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1];
const WORSE = [0.6, 0.4, 0.5, 0.3, 0.5, 0.2, 0.6, 0.4];

function model(name: string, kind: ModelPredictions["kind"], scores: number[]): ModelPredictions {
  return { name, kind, scores: [scores, scores], fit_seconds: [[0.1, 0.3], [0.2, 0.2]] };
}

Deno.test("buildTable() scores every model with the pipeline's metrics", async (t) => {
  const models = [
    model("ours", "ours", GOOD),
    model("peer A", "peer", WORSE),
    model("peer B", "peer", GOOD.map((s) => s * 0.9)),
  ];
  const table = buildTable(LABELS, FOLD_OF, models, { profile: "p", seed: 3, resamples: 200 });

  await t.step("the header counts students, positives, folds and runs", () => {
    assert.deepEqual(
      [table.students, table.positives, table.folds, table.runs],
      [8, 4, 2, 2],
    );
    assert.deepEqual(table.interval, { resamples: 200, seed: 3 });
  });

  await t.step("each row's means are oofMetrics of its predictions", () => {
    for (const [i, m] of models.entries()) {
      const expected = oofMetrics(LABELS, { scores: m.scores[0] });
      assert.equal(table.rows[i].metrics.roc_auc.mean, expected.roc_auc, m.name);
      assert.equal(table.rows[i].metrics.pcc.mean, expected.pcc, m.name);
      assert.equal(table.rows[i].metrics.recall_at_20.mean, expected.recall_at_20, m.name);
    }
  });

  await t.step("fit time is the mean over every fold of every run", () => {
    assert.equal(table.rows[0].fit_seconds_per_fold, 0.2);
  });

  await t.step("ours is tested against the peer with the best ROC-AUC", () => {
    // peer B ranks as ours does (AUC 0.75); peer A is worse.
    const c = table.comparison!;
    assert.deepEqual([c.ours, c.peer], ["ours", "peer B"]);
    assert.deepEqual([c.train_size, c.test_size], [4, 4]);
    const perFold = (scores: number[]) =>
      FOLD_OF.flatMap((f) => foldMetrics(LABELS, { scores }, f));
    const brier = correctedResampledTTest(
      perFold(GOOD).map((f) => f.brier),
      perFold(GOOD.map((s) => s * 0.9)).map((f) => f.brier),
      { trainSize: 4, testSize: 4 },
    );
    assert.deepEqual(c.tests.brier, brier);
    assert.equal(c.tests.roc_auc.n, 4);
  });

  await t.step("the Markdown has one line per model and the t-test", () => {
    const md = tableMarkdown(table);
    assert.match(md, /^### p: 2 × 2-fold CV, 8 students tested \(4 positive\)/);
    assert.match(md, /\| ours \| 0\.750 \[\d\.\d{3}, \d\.\d{3}\] \|/);
    assert.equal(md.split("\n").filter((l) => l.startsWith("| peer")).length, 2);
    assert.match(md, /ours − peer B .* corrected resampled t-test over 4 folds \(df 3/);
    const [low, high] = table.comparison!.tests.brier.ci95.map((v) => v.toFixed(4));
    assert.ok(
      md.includes(
        `| Brier | ${
          table.comparison!.tests.brier.mean_difference.toFixed(4)
        } | [${low}, ${high}] |`,
      ),
    );
  });

  await t.step("without ours or without peers there is no comparison", () => {
    const peersOnly = buildTable(LABELS, FOLD_OF, models.slice(1), { profile: "p", seed: 3 });
    assert.equal(peersOnly.comparison, undefined);
  });

  await t.step("predictions of the wrong shape are refused", () => {
    const short = { ...models[1], scores: [GOOD] };
    assert.throws(
      () => buildTable(LABELS, FOLD_OF, [short], { profile: "p", seed: 3 }),
      /expected 2 run\(s\) of 8 scores/,
    );
  });
});

Deno.test("gradeRule() gives each side of the pass mark its training rate", async (t) => {
  // Grades 8, 12, 9, 15, 5, 11 with labels 1, 0, 1, 0, 0, 0; folds 0 1 0 1 0 1.
  const data = {
    rows: 6,
    cells: { Grade_2: [8, 12, 9, 15, 5, 11] },
    labels: Uint8Array.from([1, 0, 1, 0, 0, 0]),
  } as unknown as Dataset;
  const rule = gradeRule(data, "Grade_2", [[0, 1, 0, 1, 0, 1]]);

  await t.step("fold 0 is scored from fold 1's rows, and the reverse", () => {
    // Fold 1 (12, 15, 11) has no fails: fails get its overall rate 0, passes 0/3.
    // Fold 0 (8, 9, 5) all fail, 2 of 3 dropped out: fails 2/3, passes the overall 2/3.
    assert.equal(rule.name, "rule: Grade_2 < 10");
    assert.deepEqual(rule.scores, [[0, 2 / 3, 0, 2 / 3, 0, 2 / 3]]);
    assert.equal(rule.fit_seconds[0].length, 2);
  });

  await t.step("the profile's latest grade names the rule; early-C has none", async () => {
    const spec = await loadSpec(
      new URL("../../data/specs/student_dropout.json", import.meta.url).pathname,
    );
    assert.equal(gradeOf(spec, "early-A"), "Grade_2");
    assert.equal(gradeOf(spec, "early-B"), "Grade_1");
    assert.equal(gradeOf(spec, "early-C"), undefined);
  });
});
