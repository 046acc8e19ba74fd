import assert from "node:assert/strict";
import { parseDataset } from "./dataset.ts";
import { InputError } from "../core/errors.ts";
import { inferSpec, inferSpecWithReasons, reviewTable } from "./infer_spec.ts";
import { parseSpec } from "./spec.ts";
import { makeOtherSchool } from "../testdata/make_fixture.ts";
import { COURSE_CODES, makeCodedUniversity } from "../testdata/make_coded_fixture.ts";

const FIXTURE = new URL("../testdata/other_school.csv", import.meta.url).pathname;
const ROOT = new URL("../..", import.meta.url).pathname;
const WITHDREW = { target: "withdrew", positive: "true" };

/** Asserts that `call` rejects with an InputError whose message matches every pattern. */
async function assertInputError(call: () => Promise<unknown>, ...patterns: RegExp[]) {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

/** A pattern matching `text` literally. */
function literal(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}

/** Writes CSV text to a temporary file, runs `body` on its path and removes it. */
async function withCsv<T>(text: string, body: (path: string) => Promise<T>): Promise<T> {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(path, text);
    return await body(path);
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("make_fixture.ts reproduces the committed other_school.csv byte for byte", async () => {
  assert.equal(makeOtherSchool(), await Deno.readTextFile(FIXTURE));
});

Deno.test("inferSpec() types every column of other_school.csv from its values", async (t) => {
  const spec = await inferSpec(FIXTURE, WITHDREW);
  const byName = Object.fromEntries(spec.columns.map((c) => [c.name, c]));

  await t.step("keeps the file's column order and names the spec after the file", () => {
    assert.equal(spec.name, "other_school");
    assert.deepEqual(spec.columns.map((c) => c.name), [
      "campus",
      "year_of_study",
      "gpa",
      "credits_failed",
      "scholarship",
      "commute_minutes",
      "part_time_job",
      "withdrew",
    ]);
  });

  await t.step("reads text as a category with sorted values", () => {
    assert.deepEqual(byName.campus, {
      name: "campus",
      type: "category",
      description: "",
      values: ["east", "north", "south"],
    });
  });

  await t.step("reads a small contiguous integer range as an ordinal", () => {
    assert.deepEqual(byName.year_of_study.type, "ordinal");
    assert.deepEqual(byName.year_of_study.values, [1, 2, 3, 4]);
  });

  await t.step("reads other integers with the observed range, ignoring empty cells", () => {
    assert.deepEqual(
      [byName.credits_failed.type, byName.credits_failed.min, byName.credits_failed.max],
      ["integer", 0, 12],
    );
    assert.deepEqual(
      [byName.commute_minutes.type, byName.commute_minutes.min, byName.commute_minutes.max],
      ["integer", 0, 120],
    );
  });

  await t.step("reads decimals as a number with the observed range", () => {
    assert.deepEqual([byName.gpa.type, byName.gpa.min, byName.gpa.max], ["number", 0.49, 4]);
  });

  await t.step("reads yes/no, Y/N and true/false as booleans spelled as in the file", () => {
    for (
      const [name, yes, no] of [
        ["scholarship", "yes", "no"],
        ["part_time_job", "Y", "N"],
        ["withdrew", "true", "false"],
      ]
    ) {
      assert.equal(byName[name].type, "boolean", name);
      assert.deepEqual([byName[name].true_values, byName[name].false_values], [[yes], [no]], name);
    }
  });

  await t.step("leaves an empty description on every column for people to fill in", () => {
    assert.ok(spec.columns.every((c) => c.description === ""));
  });

  await t.step("sets the target and one default profile of every other column", () => {
    assert.deepEqual(spec.target, { column: "withdrew", positive: "true" });
    assert.deepEqual(spec.leak, []);
    assert.deepEqual(Object.keys(spec.profiles), ["all"]);
    assert.deepEqual(spec.profiles.all.features, spec.columns.map((c) => c.name).slice(0, -1));
    assert.equal(spec.default_profile, "all");
  });

  await t.step("gives a spec that parseSpec() accepts after a JSON round trip", () => {
    const again = parseSpec(JSON.parse(JSON.stringify(spec)));
    assert.deepEqual(again, spec);
  });

  await t.step(
    "gives a spec under which parseDataset() loads the fixture without issues",
    async () => {
      const data = await parseDataset(await Deno.readFile(FIXTURE), spec, { source: FIXTURE });
      assert.equal(data.rows, 240);
      assert.equal(data.labels.reduce((sum, y) => sum + y, 0), 58);
      assert.equal(data.cells.gpa.filter((x) => x === null).length, 6);
      assert.equal(data.cells.commute_minutes.filter((x) => x === null).length, 7);
    },
  );
});

Deno.test("inferSpec() leaves leak columns out of the profile but keeps them in the spec", async () => {
  const spec = await inferSpec(FIXTURE, {
    ...WITHDREW,
    leak: ["credits_failed", "credits_failed"],
    name: "school_b",
  });
  assert.equal(spec.name, "school_b");
  assert.deepEqual(spec.leak, ["credits_failed"]);
  assert.ok(spec.columns.some((c) => c.name === "credits_failed"));
  assert.ok(!spec.profiles.all.features.includes("credits_failed"));
  assert.deepEqual(Object.keys(spec.profiles), ["all"]);
  assert.match(spec.profiles.all.description ?? "", /leak columns credits_failed/);
});

Deno.test("inferSpec() tells apart booleans, ordinals, integers, numbers and categories", async (t) => {
  const csv = [
    "\uFEFF flag , bit,grade,count,score,tf,label",
    "True,1,1,1,1.5,yes,a",
    "False,0,2,3,2,No,b",
    "True,1,3,5,-0.25,yes,a",
    ",0,2,,1e2,yes,c",
    "",
  ].join("\n");
  const spec = await withCsv(csv, (path) => inferSpec(path, { target: "label", positive: "a" }));
  const byName = Object.fromEntries(spec.columns.map((c) => [c.name, c]));

  await t.step("strips the BOM and trims header names", () => {
    assert.deepEqual(spec.columns.map((c) => c.name), [
      "flag",
      "bit",
      "grade",
      "count",
      "score",
      "tf",
      "label",
    ]);
  });

  await t.step("reads True/False and 1/0 as booleans", () => {
    assert.deepEqual([byName.flag.true_values, byName.flag.false_values], [["True"], ["False"]]);
    assert.deepEqual([byName.bit.true_values, byName.bit.false_values], [["1"], ["0"]]);
  });

  await t.step("reads a mixed-case pair as booleans spelled as in the file", () => {
    assert.deepEqual([byName.tf.true_values, byName.tf.false_values], [["yes"], ["No"]]);
  });

  await t.step("reads a gap in a small integer range as an integer, not an ordinal", () => {
    assert.deepEqual(byName.grade.values, [1, 2, 3]);
    assert.deepEqual([byName.count.type, byName.count.min, byName.count.max], ["integer", 1, 5]);
  });

  await t.step("reads signs, bare integers and exponents among decimals as a number", () => {
    assert.deepEqual([byName.score.type, byName.score.min, byName.score.max], [
      "number",
      -0.25,
      100,
    ]);
  });

  await t.step("reads a multi-class target as a category", () => {
    assert.deepEqual(byName.label.values, ["a", "b", "c"]);
  });
});

Deno.test("inferSpec() throws InputError naming what is wrong", async (t) => {
  await t.step("when the target column is absent", async () => {
    await assertInputError(
      () => inferSpec(FIXTURE, { target: "dropped", positive: "true" }),
      /"dropped"/,
      /campus/,
    );
  });

  await t.step("when the positive value is not among the target's values", async () => {
    await assertInputError(
      () => inferSpec(FIXTURE, { target: "withdrew", positive: "yes" }),
      /"yes"/,
      /"withdrew"/,
      /false, true/,
    );
  });

  await t.step("when a leak column is not in the file", async () => {
    await assertInputError(
      () => inferSpec(FIXTURE, { ...WITHDREW, leak: ["final_grade"] }),
      /Leak column "final_grade"/,
    );
  });

  await t.step("when a text column has more values than maxCategories", async () => {
    await assertInputError(
      () => inferSpec(FIXTURE, { ...WITHDREW, maxCategories: 2 }),
      /Column "campus" has 3 distinct text values/,
      /--max-categories/,
    );
  });

  await t.step("when the file has a header but no rows", async () => {
    await withCsv(
      "campus,withdrew\n",
      (path) => assertInputError(() => inferSpec(path, WITHDREW), literal(path), /no data rows/),
    );
  });

  await t.step("when the file is empty", async () => {
    await withCsv(
      "\uFEFF\n",
      (path) => assertInputError(() => inferSpec(path, WITHDREW), literal(path), /empty/),
    );
  });

  await t.step("when the file does not exist", async () => {
    await assertInputError(
      () => inferSpec("no/such/file.csv", WITHDREW),
      literal("no/such/file.csv"),
    );
  });

  await t.step("when a column is empty in every row", async () => {
    await withCsv(
      "note,withdrew\n,true\n,false\n",
      (path) => assertInputError(() => inferSpec(path, WITHDREW), /Column "note" is empty/),
    );
  });
});

/** Runs the CLI from the project root and collects its exit code and output. */
async function runCli(...args: string[]) {
  const command = new Deno.Command(Deno.execPath(), {
    // nodejs-polars is a native addon: it needs sys (to detect the C library) and ffi.
    args: [
      "run",
      "--allow-read",
      "--allow-sys",
      "--allow-ffi",
      "pipeline/cli/spec_main.ts",
      ...args,
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
  });
  const { code, stdout, stderr } = await command.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, stdout: decode(stdout), stderr: decode(stderr) };
}

Deno.test("spec_main.ts prints the inferred spec and maps errors to exit codes", async (t) => {
  await t.step("exits 0 with the spec as 2-space JSON on stdout", async () => {
    const { code, stdout, stderr } = await runCli(
      "--data",
      FIXTURE,
      "--target",
      "withdrew",
      "--positive",
      "true",
      "--leak",
      "credits_failed",
    );
    assert.equal(code, 0, stderr);
    const spec = JSON.parse(stdout);
    assert.deepEqual(spec, await inferSpec(FIXTURE, { ...WITHDREW, leak: ["credits_failed"] }));
    assert.equal(stdout, JSON.stringify(spec, null, 2) + "\n");
  });

  await t.step("--review prints the decisions as a table instead of the JSON", async () => {
    const coded = new URL("../testdata/coded_university.csv", import.meta.url).pathname;
    const { code, stdout, stderr } = await runCli(
      ...["--data", coded, "--target", "target", "--positive", "Dropout", "--review"],
    );
    assert.equal(code, 0, stderr);
    const { decisions } = await inferSpecWithReasons(coded, {
      target: "target",
      positive: "Dropout",
    });
    assert.equal(stdout, reviewTable(decisions) + "\n");
  });

  await t.step("exits 2 naming the column on stderr when the target is absent", async () => {
    const { code, stdout, stderr } = await runCli(
      "--data",
      FIXTURE,
      "--target",
      "dropped",
      "--positive",
      "true",
    );
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.match(stderr, /^error: Target column "dropped"/);
  });

  await t.step("exits 2 naming the missing options", async () => {
    const { code, stderr } = await runCli("--data", FIXTURE);
    assert.equal(code, 2);
    assert.match(stderr, /--target, --positive/);
    assert.match(stderr, /: see deno task spec --help$/m);
  });

  await t.step("exits 2 on an unknown option", async () => {
    const { code, stderr } = await runCli("--data", FIXTURE, "--bogus", "x");
    assert.equal(code, 2);
    assert.match(stderr, /--bogus/);
  });

  await t.step("exits 2 on a malformed --max-categories", async () => {
    const { code, stderr } = await runCli(
      ...["--data", FIXTURE, "--target", "withdrew", "--positive", "true"],
      ...["--max-categories", "many"],
    );
    assert.equal(code, 2);
    assert.match(stderr, /--max-categories: "many"/);
  });
});

const CODED = new URL("../testdata/coded_university.csv", import.meta.url).pathname;

Deno.test("make_coded_fixture.ts reproduces the committed coded_university.csv byte for byte", async () => {
  assert.equal(makeCodedUniversity(), await Deno.readTextFile(CODED));
});

Deno.test("inferSpecWithReasons() tells codes, ids, flags, scales and quantities apart on the coded table", async (t) => {
  const { spec, decisions } = await inferSpecWithReasons(CODED, {
    target: "target",
    positive: "Dropout",
  });
  const decided = Object.fromEntries(decisions.map((d) => [d.column, d]));
  const col = Object.fromEntries(spec.columns.map((c) => [c.name, c]));

  await t.step("every column gets its type and role", () => {
    assert.deepEqual(
      decisions.map((d) => [d.column, d.type, d.role]),
      [
        ["student_code", "id", "id"],
        ["enrolment_no", "id", "id"],
        ["course", "category", "feature"],
        ["application_mode", "category", "feature"],
        ["mothers_occupation", "category", "feature"],
        ["marital_status", "category", "feature"],
        ["entry_path", "category", "feature"],
        ["region_code", "category", "feature"],
        ["scholarship_holder", "boolean", "feature"],
        ["age_at_enrolment", "integer", "feature"],
        ["study_load", "ordinal", "feature"],
        ["units_approved", "integer", "feature"],
        ["admission_grade", "number", "feature"],
        ["target", "category", "target"],
      ],
    );
  });

  await t.step("each decision says why", () => {
    assert.match(decided.student_code.reason, /^unique per row: 160 distinct text values/);
    assert.match(decided.enrolment_no.reason, /named like an identifier \("no"\)/);
    assert.match(decided.course.reason, /^named like a code \("course"\): 14 codes/);
    assert.match(decided.mothers_occupation.reason, /\("occupation"\)/);
    assert.match(
      decided.entry_path.reason,
      /^6 values spread over 1–51 \(12 % .*codes, not a scale/,
    );
    assert.match(decided.region_code.reason, /leading zeros/);
    assert.match(decided.scholarship_holder.reason, /yes\/no flag/);
    assert.match(decided.age_at_enrolment.reason, /a quantity$/);
    assert.match(decided.study_load.reason, /an ordered scale$/);
    for (const d of decisions) assert.ok(d.reason.length > 10, d.column);
  });

  await t.step(
    "codes keep the file's spelling, in numeric order; ids are listed, never features",
    () => {
      assert.deepEqual(col.course.values, COURSE_CODES.map(String));
      assert.deepEqual(col.region_code.values, ["01", "02", "05", "07", "11", "13", "16"]);
      assert.deepEqual(spec.ids, ["student_code", "enrolment_no"]);
      // The outcome's words are drafted plainly, for people to reword.
      assert.deepEqual(spec.outcome, {
        event: "target = Dropout",
        positive: "had target = Dropout",
        negative: "had another target",
        definition: "target is Dropout",
      });
      assert.ok(!spec.profiles.all.features.includes("student_code"));
      assert.ok(!spec.columns.some((c) => c.name === "enrolment_no"));
      assert.match(spec.profiles.all.description ?? "", /the ids student_code, enrolment_no/);
    },
  );

  await t.step("the drafted spec loads its own file, ids carried as text", async () => {
    const data = await parseDataset(await Deno.readFile(CODED), parseSpec(spec));
    assert.equal(data.rows, 160);
    assert.equal(data.extra.student_code[0], "S001000");
    assert.equal(typeof data.cells.course[0], "string");
  });

  await t.step("reviewTable() prints one aligned line per column", () => {
    const lines = reviewTable(decisions).split("\n");
    assert.equal(lines.length, 15);
    assert.match(lines[0], /^column\s+type\s+role\s+values\s+reason$/);
    assert.match(lines[3], /^course\s+category\s+feature\s+14 values: 33, 171, 8014, …\s+named/);
    const at = lines[0].indexOf("reason");
    for (const line of lines.slice(1)) assert.ok(line.length > at && line[at - 1] === " ");
  });
});

Deno.test("inferSpecWithReasons() keeps a few unnamed consecutive integers a scale, and a unique quantity a number", async () => {
  const rows = Array.from(
    { length: 12 },
    (_, i) => `${i % 4},${1000 + 37 * i},${i % 2 ? "y" : "n"}`,
  );
  const { decisions } = await withCsv(
    ["level,income,left", ...rows].join("\n") + "\n",
    (path) => inferSpecWithReasons(path, { target: "left", positive: "y" }),
  );
  assert.deepEqual(decisions.map((d) => d.type), ["ordinal", "integer", "boolean"]);
});

Deno.test("inferSpecWithReasons() finds a repeated student number as an id and a term as the cohort", async (t) => {
  // 300 enrolments of 240 students over four terms: a student in two terms repeats their number.
  const lines = ["id_student,term_code,year_of_birth,credits,left"];
  for (let i = 0; i < 300; i++) {
    const student = 1000 + 37 * (i % 240);
    const term = ["2013B", "2013J", "2014B", "2014J"][i % 4];
    lines.push(`${student},${term},${1990 + (i % 5)},${30 + (i % 7) * 15},${i % 3 === 0}`);
  }
  const { spec, decisions } = await withCsv(
    lines.join("\n") + "\n",
    (path) => inferSpecWithReasons(path, { target: "left", positive: "true" }),
  );
  await t.step("the student number is an id, with no range to refuse new numbers", () => {
    assert.deepEqual(spec.ids, ["id_student"]);
    assert.ok(!spec.columns.some((c) => c.name === "id_student"));
    assert.match(decisions[0].reason, /named like an identifier \("id"\) with 80 %/);
  });
  await t.step("the term is the spec's cohort, never an input", () => {
    assert.equal(spec.cohort, "term_code");
    assert.equal(decisions[1].role, "cohort");
    assert.match(decisions[1].reason, /term's mark, such as "2013B"/);
    assert.deepEqual(spec.profiles.all.features, ["year_of_birth", "credits"]);
  });
  await t.step("a year of birth stays an input", () => {
    assert.equal(decisions[2].role, "feature");
  });
  await t.step("a file with a new term and a new student number still loads", async () => {
    const csv = "id_student,term_code,year_of_birth,credits,left\n9999999,2015B,1991,60,false\n";
    const data = await parseDataset(new TextEncoder().encode(csv), spec);
    assert.equal(data.rows, 1);
    assert.deepEqual(data.extra.term_code, ["2015B"]);
  });
});
