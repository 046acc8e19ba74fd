/**
 * `deno task score` on the 649 students with reasons: the reason columns, the baseline, the
 * mostly-imputed warning and cells a spreadsheet cannot run, and the full contributions of every
 * student adding up to p − baseline.
 *
 * @module
 */
import assert from "node:assert/strict";
import pl from "nodejs-polars";
import {
  loadDataset,
  loadSpec,
  type ModelMetadata,
  Registry,
  resolveDataPath,
  rowAt,
} from "../../pipeline/mod.ts";
import { ROOT, task } from "./_task.ts";

function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1)!;
}

Deno.test("deno task score carries reasons, the baseline and the imputed warning per student", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "score-reasons-" });
  try {
    const models = `${dir}/models`;
    const trained = await task("train", "--models-dir", models, "--json");
    assert.equal(trained.code, 0, trained.stderr);
    const metadata = JSON.parse(lastLine(trained.stdout)) as ModelMetadata;
    const data = resolveDataPath(undefined, ROOT);
    const out = `${dir}/scores.csv`;
    const scored = await task("score", "--data", data, "--out", out, "--models-dir", models);
    assert.equal(scored.code, 0, scored.stderr);
    const table = pl.readCSV(await Deno.readTextFile(out), { inferSchemaLength: 0 });

    await t.step("the 649 rows carry three reasons and the baseline, never a blank input", () => {
      assert.deepEqual(table.columns, [
        "row",
        "probability",
        "at_risk",
        "band",
        "imputed",
        "warning",
        "baseline",
        "reason_1",
        "reason_2",
        "reason_3",
        "error",
      ]);
      assert.equal(table.height, 649);
      for (const name of ["reason_1", "reason_2", "reason_3"]) {
        const cells = table.getColumn(name).toArray() as string[];
        assert.ok(cells.every((c) => /^\S+ = \S+ (raises|lowers) risk /.test(c)), name);
        assert.ok(cells.every((c) => !c.includes("not given")), name);
      }
    });

    await t.step("every student's full contributions add up to p − baseline", async () => {
      const registry = new Registry(models);
      const predictor = await registry.load(metadata.id);
      const spec = await loadSpec(`${ROOT}/data/specs/student_dropout.json`);
      const rows = await loadDataset(data, spec);
      const students = Array.from({ length: rows.rows }, (_, i) => rowAt(rows, i));
      const explanations = predictor.explain(students);
      const p = table.getColumn("probability").toArray().map(Number);
      const baseline = table.getColumn("baseline").toArray().map(Number);
      let worst = 0;
      explanations.forEach((e, i) => {
        const sum = e.reasons.reduce((s, r) => s + r.contribution, 0);
        worst = Math.max(worst, Math.abs(sum - (p[i] - baseline[i])));
        assert.ok(Math.abs(e.baseline - baseline[i]) < 1e-6);
      });
      assert.ok(worst < 1e-4, `largest gap ${worst}`);
      predictor.dispose();
    });

    await t.step("rows keep their numbers and errors chunk after chunk", async () => {
      // 80 copies of the students: six chunks of rows, with an invalid cell in the sixth.
      const [head, ...lines] = (await Deno.readTextFile(data)).trimEnd().split("\n");
      const copies = Array.from({ length: 80 }, () => lines).flat();
      const age = head.split(",").indexOf("Age");
      const bad = copies[50_100].split(",");
      bad[age] = "old";
      copies[50_100] = bad.join(",");
      const big = `${dir}/big.csv`;
      await Deno.writeTextFile(big, [head, ...copies].join("\n") + "\n");
      const file = `${dir}/big-scored.csv`;
      const run = await task("score", "--data", big, "--out", file, "--models-dir", models);
      assert.equal(run.code, 4, run.stderr);
      assert.match(run.stderr, /1 of 51920 rows could not be scored.*Row 50101, column "Age"/);
      const scored = (await Deno.readTextFile(file)).trimEnd().split("\n").slice(1);
      assert.equal(scored.length, 51_920);
      scored.forEach((line, i) => assert.ok(line.startsWith(`${i + 1},`), `line ${i + 1}`));
      assert.match(scored[50_100], /^50101,,,,,,,,,,"Row 50101, column ""Age"": ""old"", expected/);
      // Each copy of a student is scored as the first copy was.
      const cells = (line: string) => line.slice(line.indexOf(","));
      assert.equal(cells(scored[649 * 79 + 5]), cells(scored[5]));
    });

    await t.step(
      "a mostly blank row says so, and a cell that looks like a formula is text",
      async () => {
        const sparse = `${dir}/sparse.csv`;
        await Deno.writeTextFile(
          sparse,
          'student,School,Age\n"=HYPERLINK(""http://x"")",GP,17\n@SUM(A1),MS,\n',
        );
        const result = await task("score", "--data", sparse, "--out", out, "--models-dir", models);
        assert.equal(result.code, 0, result.stderr);
        const text = await Deno.readTextFile(out);
        const lines = text.trimEnd().split("\n");
        assert.match(lines[1], /^1,"'=HYPERLINK\(""http:\/\/x""\)",/);
        assert.match(lines[2], /^2,'@SUM\(A1\),/);
        assert.match(text, /Imputed inputs carry \d+ % of this model's weight/);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
