/**
 * The drift report's acceptance check on the real data set, through the task entry points: a copy
 * with Age + 3 (capped at 22) and absences × 3 + 4 (capped at 93) is flagged on exactly those two
 * inputs, and the training data itself on none. The shifted copy is made in a temporary folder
 * from the CSV and never kept.
 */
import assert from "node:assert/strict";
import { ROOT, task } from "./_task.ts";
import { shiftedCsv } from "../../server/_testing.ts";
import { type DriftReport, resolveDataPath } from "../../pipeline/mod.ts";

const DATA = resolveDataPath(undefined, ROOT);

function report(stdout: string): DriftReport {
  return JSON.parse(stdout.trimEnd().split("\n").at(-1)!);
}

function figures(r: DriftReport): string {
  return r.features.map((f) => `${f.feature} ${f.psi.toFixed(3)}`).join(", ");
}

Deno.test("deno task drift flags exactly Age and absences on the shifted copy, and nothing on the training data", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drift_test_" });
  try {
    const models = `${dir}/models`;
    const trained = await task(
      "train",
      "--profile",
      "early-A",
      "--data",
      DATA,
      "--models-dir",
      models,
    );
    assert.equal(trained.code, 0, trained.stderr);
    const shifted = `${dir}/shifted.csv`;
    await Deno.writeTextFile(shifted, await shiftedCsv());

    await t.step("the shifted copy: Age and Number_of_Absences, no other input", async () => {
      const run = await task(
        "drift",
        "--data",
        shifted,
        "--profile",
        "early-A",
        "--models-dir",
        models,
        "--json",
      );
      assert.equal(run.code, 0, run.stderr);
      const r = report(run.stdout);
      console.log(`[drift:shifted] ${figures(r)}`);
      assert.deepEqual([...r.drifted].sort(), ["Age", "Number_of_Absences"]);
      assert.equal(r.rows, 649);
      assert.equal(r.features.length, 32);
      for (const f of r.features) {
        assert.equal(f.drifted, f.psi >= 0.2);
        assert.equal(typeof f.feature, "string");
      }
      assert.match(
        run.stdout,
        /2 of 32 inputs drifted beyond sampling noise \(PSI >= 0\.2, p < 0\.05\): (Age|Number_of_Absences) /,
      );
    });

    await t.step("the training data itself: no input", async () => {
      const run = await task("drift", "--data", DATA, "--models-dir", models, "--json");
      assert.equal(run.code, 0, run.stderr);
      const r = report(run.stdout);
      console.log(`[drift:training] ${figures(r)}`);
      assert.deepEqual(r.drifted, []);
      assert.ok(r.features.every((f) => f.psi < 0.2));
    });

    await t.step("every other row of the training data: no input", async () => {
      const [header, ...lines] = (await Deno.readTextFile(DATA)).trimEnd().split("\n");
      const half = `${dir}/half.csv`;
      await Deno.writeTextFile(half, [header, ...lines.filter((_, i) => i % 2)].join("\n") + "\n");
      const r = report(
        (await task("drift", "--data", half, "--models-dir", models, "--json")).stdout,
      );
      console.log(
        `[drift:half] largest PSI ${Math.max(...r.features.map((f) => f.psi)).toFixed(3)}`,
      );
      assert.deepEqual(r.drifted, []);
    });

    await t.step("--threshold moves the line", async () => {
      const run = await task(
        "drift",
        "--data",
        shifted,
        "--models-dir",
        models,
        "--threshold",
        "100",
        "--json",
      );
      assert.deepEqual(report(run.stdout).drifted, []);
      assert.equal(report(run.stdout).threshold, 100);
    });

    await t.step(
      "train on the shifted copy warns that it drifted from the active model's data",
      async () => {
        const run = await task("train", "--data", shifted, "--models-dir", models, "--no-activate");
        assert.equal(run.code, 0, run.stderr);
        assert.match(
          run.stderr,
          /Warning: \S+shifted\.csv differs from the data the active model early-A-\S+ learned from: 2 of 32 inputs drifted beyond sampling noise \(PSI >= 0\.2, p < 0\.05\): (Age|Number_of_Absences) \d/,
        );
        const again = await task("train", "--data", DATA, "--models-dir", models, "--no-activate");
        assert.doesNotMatch(again.stderr, /differs from the data/);
      },
    );

    await t.step("a model saved before drift statistics exits 2 saying so", async () => {
      const active = JSON.parse(await Deno.readTextFile(`${models}/active.json`))["early-A"];
      const file = `${models}/${active}/metadata.json`;
      const { distributions: _, ...old } = JSON.parse(await Deno.readTextFile(file));
      await Deno.writeTextFile(file, JSON.stringify(old));
      const run = await task("drift", "--data", DATA, "--model", active, "--models-dir", models);
      assert.equal(run.code, 2);
      assert.match(run.stderr, new RegExp(`Model ${active} predates drift statistics`));
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
