import assert from "node:assert/strict";
import { InputError } from "../../pipeline/mod.ts";
import { ADMIN, ALICE, BOB, cohortRecords, storeTest, testPredictor, VIEWER } from "./_testing.ts";
import { addAction } from "./actions.ts";
import { caseload, studentRecord } from "./caseload.ts";
import { importCohort } from "./cohorts.ts";
import { ForbiddenError, NotFoundError } from "./users.ts";

const predictor = await testPredictor();
const { records } = await cohortRecords();

storeTest("an action closes the student's open flag and records author and time", async (store) => {
  const { cohort } = await importCohort(store, ADMIN, { predictor, records }, { name: "c" });
  const [flagged] = await caseload(store, ALICE, { cohort, open: true });
  assert.ok(flagged, "alice has a flagged student");
  const action = await addAction(store, ALICE, { cohort, student: flagged.student_id }, {
    kind: "meeting",
    note: "Met on Tuesday",
  });
  assert.equal(action.author, "alice");
  const open = await caseload(store, ALICE, { cohort, open: true, limit: 5000 });
  assert.ok(!open.some((r) => r.student_id === flagged.student_id));
  const record = await studentRecord(store, ALICE, cohort, flagged.student_id);
  assert.deepEqual(record.actions.map((a) => [a.kind, a.note, a.author]), [[
    "meeting",
    "Met on Tuesday",
    "alice",
  ]]);
  assert.equal(record.open, false);
  assert.equal(record.acted, true);
});

storeTest(
  "addAction() refuses a bad kind, a viewer and another adviser's student",
  async (store) => {
    const { cohort } = await importCohort(store, ADMIN, { predictor, records }, { name: "c" });
    await assert.rejects(
      addAction(store, ALICE, { cohort, student: "s001" }, { kind: "phoned" }),
      InputError,
    );
    await assert.rejects(
      addAction(store, VIEWER, { cohort, student: "s001" }, { kind: "contacted" }),
      ForbiddenError,
    );
    await assert.rejects(
      addAction(store, BOB, { cohort, student: "s001" }, { kind: "contacted" }),
      NotFoundError,
    );
  },
);

storeTest("two advisers writing at once lose nothing", async (store) => {
  const { cohort } = await importCohort(store, ADMIN, { predictor, records }, { name: "c" });
  const ids = records.map((r) => r.student_id as string);
  const alice = ids.filter((_, i) => i % 2 === 0).slice(0, 40);
  const bob = ids.filter((_, i) => i % 2 === 1).slice(0, 40);
  await Promise.all([
    ...alice.map((s) => addAction(store, ALICE, { cohort, student: s }, { kind: "contacted" })),
    ...bob.map((s) => addAction(store, BOB, { cohort, student: s }, { kind: "referred" })),
  ]);
  const rows = await store.db.selectFrom("actions").select(["student_id", "author"]).execute();
  assert.equal(rows.length, 80);
  assert.equal(new Set(rows.map((r) => r.student_id)).size, 80);
  const acted = await store.db.selectFrom("students").select("student_id").where("acted", "=", 1)
    .execute();
  assert.equal(acted.length, 80);
});
