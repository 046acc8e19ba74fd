import assert from "node:assert/strict";
import { InputError } from "../../pipeline/mod.ts";
import { asOfDay, eventualWithdrawals, readOulad } from "./as_of_day.ts";
import { writeOuladFixture } from "./testdata/fixture.ts";

// Four students on one module made up for these tests: 101 submits the first assessment on time
// and the second (due day 50) late on day 52; 102 submits late and fails, then leaves on day 40;
// 103 has no registration date and one banked submission without a score; 104 is on the 2014B
// presentation, registers on day 5 and submits a 0-weight quiz late.
const FIXTURE = await Deno.makeTempDir({ prefix: "oulad-fixture-" });
await writeOuladFixture(FIXTURE);
globalThis.addEventListener("unload", () => Deno.removeSync(FIXTURE, { recursive: true }));

type Record = { [column: string]: unknown };

function byStudent(rows: Record[]): Map<string, Record> {
  // The table has no student id (it is never an input): the fixture's students differ by region,
  // band and presentation.
  return new Map(
    rows.map((r) => [`${r.code_presentation} ${r.region} ${r.imd_band} ${r.final_result}`, r]),
  );
}

Deno.test("readOulad() reads ? and empty cells as missing and spells imd_band 10-20 with a %", async () => {
  const tables = await readOulad(FIXTURE);
  assert.deepEqual(tables.info.getColumn("imd_band").toArray(), [
    "10-20%",
    null,
    "0-10%",
    "20-30%",
  ]);
  assert.deepEqual(
    tables.registration.getColumn("date_unregistration").toArray().map((v) =>
      v === null ? null : Number(v)
    ),
    [null, 40, null, null],
  );
  assert.equal(tables.registration.getColumn("date_unregistration").nullCount(), 3);
  assert.equal(tables.submissions.getColumn("score").nullCount(), 1);
  assert.equal(tables.assessments.getColumn("date").nullCount(), 1);
  assert.equal(eventualWithdrawals(tables), 2);
});

Deno.test("asOfDay() keeps only who is registered and still enrolled on the day", async (t) => {
  const tables = await readOulad(FIXTURE);
  const students = (day: number) =>
    asOfDay(tables, day).toRecords().map((r) => `${r.code_presentation} ${r.final_result}`);
  await t.step("day 0: 104 registers on day 5", () => {
    assert.deepEqual(students(0), ["2013J Pass", "2013J Withdrawn", "2013J Fail"]);
  });
  await t.step("day 40: 102 leaves on day 40 and is still there", () => {
    assert.equal(students(40).length, 4);
  });
  await t.step("day 41: 102 has left", () => {
    assert.deepEqual(students(41), ["2013J Pass", "2013J Fail", "2014B Withdrawn"]);
  });
});

Deno.test("asOfDay() never reads date_unregistration, id_student or later submissions", async () => {
  const tables = await readOulad(FIXTURE);
  const columns = asOfDay(tables, 60).columns;
  assert.ok(!columns.includes("date_unregistration"));
  assert.ok(!columns.includes("id_student"));
  assert.equal(columns.at(-1), "final_result");
});

Deno.test("asOfDay() counts submissions, scores and missed assessments as of the day", async (t) => {
  const tables = await readOulad(FIXTURE);
  await t.step("day 0: nothing due, nothing submitted", () => {
    const rows = asOfDay(tables, 0).toRecords();
    for (const r of rows) {
      assert.equal(Number(r.due_by_day), 0);
      assert.equal(Number(r.submitted), 0);
      assert.equal(Number(r.missed), 0);
      assert.equal(r.mean_score, null);
      assert.equal(r.days_since_last_submission, null);
    }
  });
  await t.step("day 30", () => {
    const rows = byStudent(asOfDay(tables, 30).toRecords());
    const s101 = rows.get("2013J North Region 10-20% Pass")!;
    assert.deepEqual(pick(s101), {
      date_registration: -30,
      module_presentation_length: 200,
      due_by_day: 1,
      due_weight: 20,
      submitted: 1,
      missed: 0,
      missed_weight: 0,
      late: 0,
      failed: 0,
      banked: 0,
      mean_score: 80,
      lowest_score: 80,
      points_earned: 16,
      days_since_last_submission: 12,
    });
    const s102 = rows.get("2013J North Region null Withdrawn")!;
    assert.deepEqual(
      [s102.late, s102.failed, s102.points_earned, s102.days_since_last_submission].map(Number),
      [1, 1, 6, 5],
    );
    const s103 = rows.get("2013J Wales 0-10% Fail")!;
    assert.equal(s103.date_registration, null);
    assert.deepEqual([s103.submitted, s103.banked, s103.failed].map(Number), [1, 1, 0]);
    assert.equal(s103.mean_score, null, "a submission without a score has no score");
    const s104 = rows.get("2014B Wales 20-30% Withdrawn")!;
    assert.deepEqual(
      [s104.due_by_day, s104.submitted, s104.late, s104.missed, s104.mean_score].map(Number),
      [1, 1, 1, 0, 90],
    );
  });
  await t.step("day 51: an assessment due on day 50 and not yet submitted is missed", () => {
    const s101 = byStudent(asOfDay(tables, 51).toRecords()).get("2013J North Region 10-20% Pass")!;
    assert.deepEqual(
      [s101.due_by_day, s101.submitted, s101.missed, s101.missed_weight].map(Number),
      [2, 1, 1, 30],
    );
  });
  await t.step("day 60: it was submitted late on day 52", () => {
    const rows = byStudent(asOfDay(tables, 60).toRecords());
    const s101 = rows.get("2013J North Region 10-20% Pass")!;
    assert.deepEqual(
      [s101.submitted, s101.missed, s101.late, s101.mean_score, s101.lowest_score].map(Number),
      [2, 0, 1, 70, 60],
    );
    assert.equal(Number(s101.points_earned), 34);
    const s103 = rows.get("2013J Wales 0-10% Fail")!;
    assert.deepEqual([s103.missed, s103.missed_weight].map(Number), [1, 30]);
  });
});

Deno.test("readOulad() names the file and column of a bad cell or a missing column", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    for await (const entry of Deno.readDir(FIXTURE)) {
      await Deno.copyFile(`${FIXTURE}/${entry.name}`, `${dir}/${entry.name}`);
    }
    await t.step("a score that is not a number", async () => {
      await Deno.writeTextFile(
        `${dir}/studentAssessment.csv`,
        "id_assessment,id_student,date_submitted,is_banked,score\n1,101,18,0,high\n",
      );
      await assert.rejects(
        () => readOulad(dir),
        (e: Error) =>
          e instanceof InputError &&
          /studentAssessment\.csv: column "score" is "high"/.test(e.message),
      );
      await Deno.copyFile(`${FIXTURE}/studentAssessment.csv`, `${dir}/studentAssessment.csv`);
    });
    await t.step("a missing column", async () => {
      await Deno.writeTextFile(`${dir}/courses.csv`, "code_module,code_presentation\nXXX,2013J\n");
      await assert.rejects(
        () => readOulad(dir),
        (e: Error) =>
          e instanceof InputError &&
          /courses\.csv: no column "module_presentation_length"/.test(e.message),
      );
    });
    await t.step("a missing file", async () => {
      await Deno.remove(`${dir}/courses.csv`);
      await assert.rejects(
        () => readOulad(dir),
        (e: Error) => e instanceof InputError && /courses\.csv/.test(e.message),
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function pick(row: Record): Record {
  const keys = [
    "date_registration",
    "module_presentation_length",
    "due_by_day",
    "due_weight",
    "submitted",
    "missed",
    "missed_weight",
    "late",
    "failed",
    "banked",
    "mean_score",
    "lowest_score",
    "points_earned",
    "days_since_last_submission",
  ];
  return Object.fromEntries(keys.map((k) => [k, row[k] === null ? null : Number(row[k])]));
}
