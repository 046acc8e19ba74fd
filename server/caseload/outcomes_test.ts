import assert from "node:assert/strict";
import { brierScore, rocAuc } from "../../pipeline/mod.ts";
import { ADMIN, ALICE, cohortRecords, storeTest, testPredictor } from "./_testing.ts";
import { importCohort, rescoreCohort } from "./cohorts.ts";
import { COMPARISON_NOTE, performance, recordOutcomes } from "./outcomes.ts";
import { addAction } from "./actions.ts";

const predictor = await testPredictor();
const { records, outcomes } = await cohortRecords();

storeTest(
  "performance() on the 649 students equals the pipeline's ROC-AUC and Brier to 1e-9",
  async (store) => {
    const { cohort } = await importCohort(store, ADMIN, { predictor, records }, { name: "pt" });
    const outcomeRows = [...outcomes].map(([student_id, o]) => ({
      student_id,
      Dropped_Out: o ? "True" : "False",
    }));
    const stored = await recordOutcomes(store, ADMIN, cohort, {
      records: outcomeRows,
      outcomeColumn: "Dropped_Out",
      positive: ["True"],
    });
    assert.deepEqual(stored, { stored: 649, positive: 100 });
    const report = await performance(store, cohort);
    // The pipeline's own metrics on the same scores, computed without the store.
    const p = predictor.predict(predictor.read(records)).map((x) => x.probability);
    const labels = records.map((r) => outcomes.get(r.student_id as string)!);
    const [first] = report.scorings;
    assert.equal(first.n, 649);
    assert.equal(first.positives, 100);
    assert.ok(Math.abs(first.roc_auc! - rocAuc(labels, p)) < 1e-9);
    assert.ok(Math.abs(first.brier! - brierScore(labels, p)) < 1e-9);
    console.log(
      `realized ROC-AUC ${first.roc_auc} (pipeline ${
        rocAuc(labels, p)
      }), Brier ${first.brier} (pipeline ${brierScore(labels, p)})`,
    );
    const flagged = p.filter((x) => x >= predictor.threshold).length;
    assert.ok(Math.abs(first.flagged_share - flagged / 649) < 1e-12);
    const tp = p.filter((x, i) => x >= predictor.threshold && labels[i] === 1).length;
    assert.equal(first.recall_at_flagged, tp / 100);
    assert.equal(first.precision_at_flagged, tp / flagged);
    assert.equal(first.calibration.reduce((a, b) => a + b.count, 0), 649);
    assert.equal(report.note, COMPARISON_NOTE);
    assert.match(report.note, /not an effect/);
  },
);

storeTest(
  "performance() compares outcomes with and without actions within each band",
  async (store) => {
    const { cohort } = await importCohort(store, ADMIN, { predictor, records }, { name: "pt" });
    await rescoreCohort(store, ADMIN, { cohort, predictor });
    await addAction(store, ALICE, { cohort, student: "s001" }, { kind: "contacted" });
    await recordOutcomes(store, ADMIN, cohort, {
      records: [...outcomes].map(([id, o]) => ({ student_id: id, outcome: String(o) })),
    });
    const report = await performance(store, cohort);
    assert.equal(report.scorings.length, 2);
    assert.equal(report.scorings[0].roc_auc, report.scorings[1].roc_auc);
    const total = report.actions.reduce((a, b) => a + b.with_action.n + b.without_action.n, 0);
    assert.equal(total, 649);
    assert.equal(report.actions.reduce((a, b) => a + b.with_action.n, 0), 1);
  },
);

storeTest(
  "recordOutcomes() refuses an unknown student naming row and column, storing nothing",
  async (store) => {
    const { cohort } = await importCohort(
      store,
      ADMIN,
      { predictor, records: records.slice(0, 3) },
      {
        name: "o",
      },
    );
    const bad = [
      { student_id: "s001", outcome: "1" },
      { student_id: "s999", outcome: "0" },
      { student_id: "s002", outcome: "maybe" },
    ];
    await assert.rejects(recordOutcomes(store, ADMIN, cohort, { records: bad }), (e: {
      issues: { row: number; column: string }[];
    }) => {
      assert.deepEqual(e.issues.map((i) => [i.row, i.column]), [[2, "student_id"], [3, "outcome"]]);
      return true;
    });
    const known = await store.db.selectFrom("students").select("outcome")
      .where("outcome", "is not", null).execute();
    assert.equal(known.length, 0);
    await assert.rejects(recordOutcomes(store, ALICE, cohort, { records: bad }), /Only an admin/);
  },
);
