import assert from "node:assert/strict";
import { SchemaError } from "../../pipeline/mod.ts";
import { ADMIN, ALICE, cohortRecords, storeTest, testPredictor } from "./_testing.ts";
import { deleteCohort, getCohort, importCohort, listCohorts, rescoreCohort } from "./cohorts.ts";
import { NotFoundError } from "./users.ts";
import { listAudit } from "./audit.ts";

const predictor = await testPredictor();
const { records } = await cohortRecords();

async function counts(store: Parameters<typeof getCohort>[0]) {
  const n = async (t: "students" | "scores" | "cohorts" | "scorings" | "actions") =>
    Number(
      (await store.db.selectFrom(t).select((e) => e.fn.countAll().as("n"))
        .executeTakeFirstOrThrow())
        .n,
    );
  return {
    cohorts: await n("cohorts"),
    students: await n("students"),
    scores: await n("scores"),
    scorings: await n("scorings"),
  };
}

storeTest("importCohort() stores and scores every student in one cohort", async (store) => {
  const s = await importCohort(store, ADMIN, { predictor, records }, { name: "2026 autumn" });
  assert.equal(s.students, 649);
  assert.equal(s.model, predictor.id);
  const cohort = await getCohort(store, s.cohort);
  assert.equal(cohort.students, 649);
  assert.equal(cohort.profile, "early-A");
  assert.deepEqual((await listCohorts(store)).map((c) => c.students), [649]);
  const one = await store.db.selectFrom("students").selectAll()
    .where("student_id", "=", "s001").executeTakeFirstOrThrow();
  const [expected] = predictor.predict(predictor.read([records[0]]), { reasons: 3 });
  assert.equal(one.probability, expected.probability);
  assert.equal(one.band, expected.band);
  assert.equal(JSON.parse(one.reasons).length, 3);
  assert.equal(one.flag_open, expected.at_risk ? 1 : 0);
  const audit = await listAudit(store);
  assert.deepEqual(audit.map((a) => a.action), ["cohort.import"]);
});

storeTest(
  "importCohort() refuses a bad file naming row and column, storing nothing",
  async (store) => {
    await t(
      "an unknown adviser",
      records.map((r, i) => (i === 4 ? { ...r, adviser: "mallory" } : r)),
      { row: 5, column: "adviser" },
    );
    await t(
      "a student id twice",
      records.map((r, i) => (i === 9 ? { ...r, student_id: "s003" } : r)),
      { row: 10, column: "student_id" },
    );
    await t(
      "a value out of range",
      records.map((r, i) => (i === 20 ? { ...r, Age: "abc" } : r)),
      { row: 21, column: "Age" },
    );
    async function t(
      what: string,
      bad: Record<string, unknown>[],
      at: { row: number; column: string },
    ) {
      const error = await importCohort(store, ADMIN, { predictor, records: bad }, { name: what })
        .then(() => undefined, (e) => e);
      assert.ok(error instanceof SchemaError, `${what}: ${error}`);
      assert.ok(
        error.issues.some((i) => i.row === at.row && i.column === at.column),
        `${what}: ${JSON.stringify(error.issues)}`,
      );
      assert.deepEqual(await counts(store), { cohorts: 0, students: 0, scores: 0, scorings: 0 });
    }
    await assert.rejects(
      importCohort(store, ALICE, { predictor, records }, { name: "x" }),
      /Only an admin/,
    );
  },
);

storeTest("the id column is the one named, else student_id", async (store) => {
  const renamed = records.slice(0, 10).map(({ student_id, ...r }) => ({ ...r, sid: student_id }));
  await assert.rejects(
    importCohort(store, ADMIN, { predictor, records: renamed }, { name: "x" }),
    (e: SchemaError) => e.issues[0].column === "student_id",
  );
  const s = await importCohort(store, ADMIN, { predictor, records: renamed }, {
    name: "x",
    idColumn: "sid",
  });
  assert.equal(s.students, 10);
});

storeTest("rescoreCohort() keeps the history and gives each student its change", async (store) => {
  const first = await importCohort(store, ADMIN, { predictor, records }, { name: "term" });
  // An updated file: student s002 lost five grade points.
  const s2 = records[1];
  const updated = [{ ...s2, Grade_1: Math.max(0, Number(s2.Grade_1) - 5), Grade_2: 0 }];
  const second = await rescoreCohort(store, ADMIN, {
    cohort: first.cohort,
    predictor,
    records: updated,
  });
  assert.ok(second.scoring > first.scoring);
  const c = await counts(store);
  assert.equal(c.scores, 2 * 649);
  assert.equal(c.scorings, 2);
  const row = await store.db.selectFrom("students").selectAll()
    .where("student_id", "=", "s002").executeTakeFirstOrThrow();
  assert.ok(row.previous !== null);
  assert.ok(row.change > 0, `change ${row.change}`);
  assert.ok(Math.abs(row.probability - row.previous! - row.change) < 1e-12);
  assert.equal(JSON.parse(row.record).Grade_2, 0);
  const unchanged = await store.db.selectFrom("students").selectAll()
    .where("student_id", "=", "s003").executeTakeFirstOrThrow();
  assert.equal(unchanged.change, 0);
  await assert.rejects(
    rescoreCohort(store, ADMIN, {
      cohort: first.cohort,
      predictor,
      records: [{ ...s2, student_id: "nobody" }],
    }),
    (e: SchemaError) => e.issues[0].row === 1 && e.issues[0].column === "student_id",
  );
});

storeTest(
  "deleteCohort() removes the students' data and records one audit entry",
  async (store) => {
    const a = await importCohort(store, ADMIN, { predictor, records }, { name: "a" });
    const b = await importCohort(store, ADMIN, { predictor, records: records.slice(0, 5) }, {
      name: "b",
    });
    assert.equal(await deleteCohort(store, ADMIN, a.cohort), 649);
    assert.deepEqual(await counts(store), { cohorts: 1, students: 5, scores: 5, scorings: 1 });
    await assert.rejects(getCohort(store, a.cohort), NotFoundError);
    const deletions = (await listAudit(store)).filter((e) => e.action === "cohort.delete");
    assert.equal(deletions.length, 1);
    assert.equal(deletions[0].actor, "admin");
    assert.equal(deletions[0].cohort_id, a.cohort);
    assert.equal((await getCohort(store, b.cohort)).students, 5);
  },
);
