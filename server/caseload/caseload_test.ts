import assert from "node:assert/strict";
import { ADMIN, ALICE, BOB, cohortRecords, storeTest, testPredictor, VIEWER } from "./_testing.ts";
import { caseload, studentRecord } from "./caseload.ts";
import { importCohort, rescoreCohort } from "./cohorts.ts";
import { NotFoundError } from "./users.ts";
import { listAudit } from "./audit.ts";

const predictor = await testPredictor();
const { records } = await cohortRecords();

storeTest(
  "an adviser sees only their own students; others' answer NotFound with no hint",
  async (store) => {
    const { cohort } = await importCohort(store, ADMIN, { predictor, records }, { name: "c" });
    const mine = await caseload(store, ALICE, { cohort, limit: 5000 });
    assert.equal(mine.length, 325);
    assert.ok(mine.every((r) => r.adviser === "alice"));
    for (let i = 1; i < mine.length; i++) assert.ok(mine[i - 1].probability >= mine[i].probability);
    assert.equal((await caseload(store, VIEWER, { cohort, limit: 5000 })).length, 649);
    // s002 is Bob's: Alice gets the same error as for a student who does not exist.
    const theirs = await studentRecord(store, ALICE, cohort, "s002").then(() => null, (e) => e);
    const none = await studentRecord(store, ALICE, cohort, "s999").then(() => null, (e) => e);
    assert.ok(theirs instanceof NotFoundError && none instanceof NotFoundError);
    assert.equal(theirs.message.replace("s002", "X"), none.message.replace("s999", "X"));
    const record = await studentRecord(store, BOB, cohort, "s002");
    assert.equal(record.adviser, "bob");
    assert.equal(record.history.length, 1);
    assert.equal(record.inputs.Grade_1, records[1].Grade_1);
    await assert.rejects(caseload(store, ALICE, { cohort: 999 }), NotFoundError);
  },
);

storeTest("caseload() filters by band and open flag and sorts by change", async (store) => {
  const { cohort } = await importCohort(store, ADMIN, { predictor, records }, { name: "c" });
  const high = await caseload(store, ADMIN, { cohort, band: "high", limit: 5000 });
  assert.ok(high.length > 0 && high.every((r) => r.band === "high"));
  const open = await caseload(store, ADMIN, { cohort, open: true, limit: 5000 });
  assert.ok(open.length > 0 && open.every((r) => r.open));
  assert.equal(open.length, open.filter((r) => r.probability >= predictor.threshold).length);
  const lowered = records.map((r) => ({ ...r, Grade_2: 0 }));
  await rescoreCohort(store, ADMIN, { cohort, predictor, records: lowered });
  const byChange = await caseload(store, ADMIN, { cohort, sort: "change", limit: 5000 });
  for (let i = 1; i < byChange.length; i++) assert.ok(byChange[i - 1].change >= byChange[i].change);
  assert.ok(byChange[0].change > 0);
  assert.equal(byChange[0].reasons.length, 3);
});

storeTest("every read of a student's record is audited", async (store) => {
  const { cohort } = await importCohort(store, ADMIN, { predictor, records }, { name: "c" });
  await studentRecord(store, ALICE, cohort, "s001");
  await studentRecord(store, VIEWER, cohort, "s001");
  const reads = (await listAudit(store)).filter((e) => e.action === "student.read");
  assert.deepEqual(reads.map((r) => [r.actor, r.student_id]), [["alice", "s001"], [
    "vera",
    "s001",
  ]]);
});
