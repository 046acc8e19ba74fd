/**
 * Tables as institutions bring them, through the task entry points: a profile needs only the
 * columns it reads, id columns are carried through scoring and never read, and `score` scores
 * row by row, naming each bad row and saying so in its exit code. Copies of the student data are
 * made in temporary folders and never kept.
 */
import assert from "node:assert/strict";
import { ROOT, task } from "./_task.ts";
import { type ModelMetadata, resolveDataPath } from "../../pipeline/mod.ts";

const DATA = resolveDataPath(undefined, ROOT);
const CODED = `${ROOT}/pipeline/testdata/coded_university.csv`;

/** The student CSV without some columns, as CSV text. */
async function without(columns: string[]): Promise<string> {
  const [header, ...lines] = (await Deno.readTextFile(DATA)).trimEnd().split("\n");
  const keep = header.split(",").map((h, i) => (columns.includes(h) ? -1 : i)).filter((i) =>
    i >= 0
  );
  const pick = (line: string) => {
    const cells = line.split(",");
    return keep.map((i) => cells[i]).join(",");
  };
  return [pick(header), ...lines.map(pick)].join("\n") + "\n";
}

Deno.test("tables as they come: profile columns only, ids carried, row-by-row scoring", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "tables_test_" });
  try {
    const models = `${dir}/models`;

    await t.step("train and cv --profile early-C on a file without the grade columns", async () => {
      const path = `${dir}/no_grades.csv`;
      await Deno.writeTextFile(path, await without(["Grade_1", "Grade_2"]));
      const trained = await task(
        "train",
        "--profile",
        "early-C",
        "--data",
        path,
        "--models-dir",
        models,
      );
      assert.equal(trained.code, 0, trained.stderr);
      const cv = await task("cv", "--profile", "early-C", "--data", path, "--folds", "3");
      assert.equal(cv.code, 0, cv.stderr);
      // early-A reads Grade_2: the same file is refused, naming the column.
      const a = await task("train", "--profile", "early-A", "--data", path, "--models-dir", models);
      assert.equal(a.code, 2);
      assert.match(a.stderr, /column "Grade_1": expected this column in the header/);
    });

    await t.step("score goes on past bad cells, names each bad row and exits 4", async () => {
      const [header, ...lines] = (await Deno.readTextFile(DATA)).trimEnd().split("\n");
      const names = header.split(",");
      const age = names.indexOf("Age");
      const bad = new Set([3, 17, 400]);
      const text = [
        `student_id,${header}`,
        ...lines.map((line, i) => {
          const cells = line.split(",");
          if (bad.has(i + 1)) cells[age] = i === 16 ? "abc" : "99";
          return [`S${i + 1}`, ...cells].join(",");
        }),
      ].join("\n") + "\n";
      const path = `${dir}/class.csv`;
      await Deno.writeTextFile(path, text);
      const out = `${dir}/scored.csv`;
      const run = await task(
        "score",
        "--profile",
        "early-C",
        "--data",
        path,
        "--out",
        out,
        "--models-dir",
        models,
      );
      assert.equal(run.code, 4, run.stderr);
      assert.match(
        run.stderr,
        /3 of 649 rows could not be scored .*the first: Row 3, column "Age": "99"/,
      );
      const [head, ...rows] = (await Deno.readTextFile(out)).trimEnd().split("\n");
      assert.equal(
        head,
        "row,student_id,probability,at_risk,band,imputed,warning,baseline,reason_1,reason_2,reason_3,error",
      );
      assert.equal(rows.length, 649);
      for (const [i, line] of rows.entries()) {
        const cells = line.split(",");
        assert.equal(cells[1], `S${i + 1}`);
        if (bad.has(i + 1)) {
          assert.equal(cells[2], "");
          assert.match(line, /column ""?Age""?: ""?(99|abc)""?, expected an integer 15–22/);
        } else assert.match(cells[2], /^\d\.\d{6}$/);
      }
      // An absent column is imputed in every row (with a warning); a file of none is refused.
      const noFailures = `${dir}/no_failures.csv`;
      await Deno.writeTextFile(noFailures, await without(["Number_of_Failures"]));
      const partial = await task(
        ...["score", "--profile", "early-C", "--data", noFailures, "--out", out],
        ...["--models-dir", models],
      );
      assert.equal(partial.code, 0, partial.stderr);
      assert.match(partial.stderr, /has no column Number_of_Failures: imputed in every row/);
      const second = (await Deno.readTextFile(out)).split("\n")[1];
      // The imputed column names it; it is never one of the reasons.
      assert.match(second, /^1,0\.\d{6},(true|false),\w+,Number_of_Failures,/);
      assert.ok(!second.includes("Number_of_Failures ="), second);
      const junk = `${dir}/junk.csv`;
      await Deno.writeTextFile(junk, "a,b\n1,2\n");
      const refused = await task(
        ...["score", "--profile", "early-C", "--data", junk, "--out", out, "--models-dir", models],
      );
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /names none of the model's inputs; missing School/);
      const clean = await task(
        "score",
        "--model",
        JSON.parse(await Deno.readTextFile(`${models}/active.json`))["early-C"],
        "--data",
        DATA,
        "--out",
        out,
        "--models-dir",
        models,
      );
      assert.equal(clean.code, 0, clean.stderr);
    });

    await t.step(
      "the coded table: spec, train and score with its ids carried, never read",
      async () => {
        const spec = await task(
          "spec",
          "--data",
          CODED,
          "--target",
          "target",
          "--positive",
          "Dropout",
        );
        assert.equal(spec.code, 0, spec.stderr);
        const specPath = `${dir}/coded.json`;
        await Deno.writeTextFile(specPath, spec.stdout);
        const trained = await task(
          "train",
          "--spec",
          specPath,
          "--data",
          CODED,
          "--models-dir",
          models,
          "--json",
        );
        assert.equal(trained.code, 0, trained.stderr);
        const metadata: ModelMetadata = JSON.parse(trained.stdout.trimEnd().split("\n").at(-1)!);
        assert.ok(!metadata.features.includes("student_code"));
        assert.ok(!metadata.features.includes("enrolment_no"));
        assert.ok(metadata.features.includes("course"));
        // The model card and the task's output speak of this table, not of the Portuguese class.
        const card = await Deno.readTextFile(`${models}/${metadata.id}/MODEL_CARD.md`);
        assert.match(
          card,
          /risk of target = Dropout \(the data's `target` label: target is Dropout\)/,
        );
        for (
          const text of ["the year", "Portuguese", "Cortez", "Final_Grade", "Dropped_Out", "Gender"]
        ) {
          assert.ok(!card.includes(text), `the card says "${text}"`);
          assert.ok(!trained.stdout.includes(text), `train says "${text}"`);
        }
        const out = `${dir}/coded_scored.csv`;
        const scored = await task(
          "score",
          "--spec",
          specPath,
          "--data",
          CODED,
          "--out",
          out,
          "--models-dir",
          models,
        );
        assert.equal(scored.code, 0, scored.stderr);
        const [head, first] = (await Deno.readTextFile(out)).split("\n");
        assert.equal(
          head,
          "row,student_code,enrolment_no,probability,at_risk,band,imputed,warning,baseline," +
            "reason_1,reason_2,reason_3,error",
        );
        assert.match(first, /^1,S001000,20230001,\d\.\d{6},/);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
