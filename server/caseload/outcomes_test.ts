import assert from "node:assert/strict";
import { ADMIN, ALICE, cohortRecords, storeTest, testPredictor } from "./_testing.ts";
import { importCohort } from "./cohorts.ts";
import { recordOutcomes } from "./outcomes.ts";

const predictor = await testPredictor();
const { records } = await cohortRecords();

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
