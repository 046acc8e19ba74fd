/**
 * Acceptance checks of the pipeline foundation, through the real task entry
 * points: each task is spawned as `deno task` would run it, with the permission
 * flags read from deno.json, so a task that needs a permission it does not
 * declare fails here too.
 */
import assert from "node:assert/strict";
import { ROOT, type Run, task, taskCommand } from "./_task.ts";
import {
  loadDataset,
  loadSpec,
  type ModelMetadata,
  resolveDataPath,
  stratifiedSplit,
} from "../../pipeline/mod.ts";

const FIXTURE = `${ROOT}/pipeline/testdata/other_school.csv`;
const DATA = resolveDataPath(undefined, ROOT);
const DATA_LINES = (await Deno.readTextFile(DATA)).trimEnd().split("\n");
const DATA_HEADER = DATA_LINES[0].split(",");

function lastLine(text: string): string {
  const lines = text.trimEnd().split("\n");
  return lines[lines.length - 1];
}

/** Asserts a run ended with `code`, showing its output when it did not. */
function assertExit(run: Run, code: number): void {
  assert.equal(run.code, code, `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
}

/** Runs `body` with a fresh temporary folder and removes it afterwards. */
async function withTemp(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cli_test_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

Deno.test("the CLI tasks are plain deno run commands with a declared permission set", async () => {
  for (const name of ["train", "cv", "spec", "split", "score", "prune"]) {
    const command = await taskCommand(name);
    const script = command[command.length - 1];
    assert.match(script, /^pipeline\/cli\/\w+_main\.ts$/, name);
    assert.ok(await exists(`${ROOT}/${script}`), `${name}: ${script} exists`);
    // One permission set of deno.json each, and no flags of their own.
    assert.deepEqual(command.slice(0, -1), [
      "-q",
      "-P=" + (name === "spec" ? "spec" : "pipeline"),
    ], name);
  }
});

Deno.test("deno task train: the same seed twice gives identical test metrics", async () => {
  await withTemp(async (dir) => {
    const args = ["--profile", "early-A", "--seed", "7", "--json", "--models-dir"];
    const runs = await Promise.all([
      task("train", ...args, `${dir}/one`),
      task("train", ...args, `${dir}/two`),
    ]);
    const [one, two] = runs.map((run) => {
      assertExit(run, 0);
      return JSON.parse(lastLine(run.stdout)) as ModelMetadata;
    });
    assert.deepEqual(one.metrics.test, two.metrics.test);
    assert.deepEqual(one.metrics.validation, two.metrics.validation);
    assert.equal(one.threshold, two.threshold);
    assert.notEqual(one.id, two.id);
    // The last line is the model's metadata.json, and the model is active.
    for (const [m, sub] of [[one, "one"], [two, "two"]] as const) {
      assert.equal(m.profile, "early-A");
      assert.equal(m.seed, 7);
      assert.deepEqual(m.leaks, []);
      assert.equal(m.data.rows, 649);
      const saved = JSON.parse(await Deno.readTextFile(`${dir}/${sub}/${m.id}/metadata.json`));
      assert.deepEqual(saved, m);
      const active = JSON.parse(await Deno.readTextFile(`${dir}/${sub}/active.json`));
      assert.deepEqual(active, { "early-A": m.id });
    }
    assert.match(runs[0].stdout, /^roc_auc\s+\d\.\d{4}\s+\d\.\d{4}/m);
    assert.match(
      runs[0].stderr,
      /Training profile early-A on 649 rows \(seed 7, threshold policy f1\)/,
    );
  });
});

Deno.test("deno task train exits 2 on bad data, naming the row and column", async (t) => {
  await withTemp(async (dir) => {
    await t.step("data row 5 with Age = abc", async () => {
      const age = DATA_HEADER.indexOf("Age");
      const lines = DATA_LINES.map((line, i) => {
        if (i !== 5) return line;
        const fields = line.split(",");
        fields[age] = "abc";
        return fields.join(",");
      });
      const path = `${dir}/bad_age.csv`;
      await Deno.writeTextFile(path, lines.join("\n") + "\n");
      const run = await task("train", "--data", path, "--models-dir", `${dir}/models`);
      assertExit(run, 2);
      assert.ok(run.stderr.includes(path), run.stderr);
      assert.match(run.stderr, /Row 5, column "Age": "abc", expected an integer 15–22/);
      assert.equal(await exists(`${dir}/models`), false, "a failed train wrote a models folder");
    });

    await t.step("a file without the Study_Time column", async () => {
      const drop = DATA_HEADER.indexOf("Study_Time");
      const lines = DATA_LINES.map((line) => line.split(",").toSpliced(drop, 1).join(","));
      const path = `${dir}/no_study_time.csv`;
      await Deno.writeTextFile(path, lines.join("\n") + "\n");
      const run = await task("train", "--data", path, "--models-dir", `${dir}/models`);
      assertExit(run, 2);
      assert.match(run.stderr, /header problems with Study_Time/);
      assert.match(run.stderr, /column "Study_Time": expected this column in the header/);
    });
  });
});

Deno.test("deno task spec, train and score work on another school's table", async () => {
  await withTemp(async (dir) => {
    const drafted = await task(
      "spec",
      "--data",
      FIXTURE,
      "--target",
      "withdrew",
      "--positive",
      "true",
    );
    assertExit(drafted, 0);
    const specPath = `${dir}/other_school.json`;
    await Deno.writeTextFile(specPath, drafted.stdout);
    const spec = await loadSpec(specPath);
    assert.equal(spec.target.column, "withdrew");

    const models = `${dir}/models`;
    const trained = await task(
      "train",
      "--spec",
      specPath,
      "--data",
      FIXTURE,
      "--models-dir",
      models,
      "--json",
    );
    assertExit(trained, 0);
    const metadata = JSON.parse(lastLine(trained.stdout)) as ModelMetadata;
    assert.equal(metadata.profile, "all");
    assert.equal(metadata.data.rows, 240);

    const out = `${dir}/scores.csv`;
    const scored = await task(
      "score",
      "--spec",
      specPath,
      "--data",
      FIXTURE,
      "--out",
      out,
      "--models-dir",
      models,
      "--reasons",
      "0",
    );
    assertExit(scored, 0);
    assert.match(scored.stdout, new RegExp(`^Scored 240 rows with ${metadata.id} `));

    const [header, ...rows] = (await Deno.readTextFile(out)).trimEnd().split("\n");
    assert.equal(header, "row,probability,at_risk,band,imputed,warning,error");
    assert.equal(rows.length, 240);
    const fixture = (await Deno.readTextFile(FIXTURE)).trimEnd().split("\n").slice(1);
    rows.forEach((line, i) => {
      const [row, probability, atRisk, band, imputed] = line.split(",");
      assert.equal(row, String(i + 1));
      const p = Number(probability);
      assert.ok(/^\d\.\d{6}$/.test(probability) && p >= 0 && p <= 1, line);
      assert.ok(["low", "medium", "high"].includes(band), line);
      assert.equal(atRisk, String(band === "high"), line);
      // The fixture leaves some gpa (3rd) and commute_minutes (6th) cells empty.
      const cells = fixture[i].split(",");
      const missing = [cells[2] === "" ? "gpa" : "", cells[5] === "" ? "commute_minutes" : ""];
      assert.equal(imputed, missing.filter(Boolean).join(" "), `row ${i + 1}`);
    });
    assert.ok(rows.some((l) => l.split(",")[4] === "gpa"), "no row had gpa imputed");
  });
});

Deno.test("deno task cv --json ends with the documented report line", async () => {
  const run = await task("cv", "--profile", "early-C", "--folds", "3", "--runs", "1", "--json");
  assertExit(run, 0);
  const report = JSON.parse(lastLine(run.stdout));
  assert.deepEqual(Object.keys(report), [
    "profile",
    "folds",
    "runs",
    "seed",
    "pcc",
    "balanced_accuracy",
    "roc_auc",
    "f1",
    "pr_auc",
    "brier",
    "log_loss",
    "recall_at_10",
    "recall_at_20",
    "interval",
    "fairness",
    "policy",
    "params",
    "published",
    "seconds",
  ]);
  assert.deepEqual(report.fairness.map((f: { column: string }) => f.column), [
    "Gender",
    "Address",
    "School",
  ]);
  assert.match(run.stdout, /fairness by Gender +equalized odds diff\. \d\.\d\d ± 0\.00/);
  assert.deepEqual([report.profile, report.folds, report.runs, report.seed], [
    "early-C",
    3,
    1,
    42,
  ]);
  // ci95 is now the half-width of the bootstrap interval over students, which one run has too;
  // the spread over runs that used to be ci95 (0 for one run) is kept as over_runs.
  const metrics = [
    "pcc",
    "balanced_accuracy",
    "roc_auc",
    "f1",
    "pr_auc",
    "brier",
    "log_loss",
    "recall_at_10",
    "recall_at_20",
  ];
  for (const key of metrics) {
    assert.deepEqual(Object.keys(report[key]), ["mean", "ci95", "low", "high", "over_runs"], key);
    assert.ok(Number.isFinite(report[key].mean), key);
    assert.equal(report[key].over_runs.ci95, 0, `${key}: one run has no spread`);
    assert.ok(report[key].low <= report[key].mean && report[key].mean <= report[key].high, key);
    assert.ok(report[key].ci95 > 0, `${key}: the bootstrap interval has width`);
  }
  assert.equal(report.interval.resamples, 1000);
  assert.match(run.stdout, /ROC-AUC +0\.\d{3} \[0\.\d{3}, 0\.\d{3}\] {2}sd over runs 0\.000/);
  assert.ok(report.pcc.mean > 50 && report.pcc.mean <= 100, `PCC ${report.pcc.mean}`);
  assert.deepEqual(report.published, {
    source: "Cortez & Silva 2008, Table 3",
    setup: "C",
    best: 85,
    naive: 84.6,
  });
  assert.match(run.stdout, /Cortez & Silva 2008, Table 3, setup C: best PCC 85, naive 84.6/);
});

Deno.test("deno task split writes the manifest of stratifiedSplit() for the seed", async () => {
  await withTemp(async (dir) => {
    const run = await task("split", "--seed", "11", "--out", dir);
    assertExit(run, 0);
    const path = `${dir}/student_dropout-seed11.json`;
    assert.match(run.stdout, new RegExp(`Wrote ${path}$`, "m"));
    const manifest = JSON.parse(await Deno.readTextFile(path));
    const data = await loadDataset(DATA, await loadSpec(`${ROOT}/data/specs/student_dropout.json`));
    assert.deepEqual(manifest.rows, stratifiedSplit(data.labels, { seed: 11 }));
    assert.equal(manifest.seed, 11);
    assert.equal(manifest.data.sha256, data.sha256);
    assert.equal(manifest.data.rows, 649);
    const counted = Object.values(manifest.counts as Record<string, { rows: number }>);
    assert.equal(counted.reduce((a, c) => a + c.rows, 0), 649);
  });
});

Deno.test("the tasks exit 2 naming a data file that does not exist", async () => {
  await withTemp(async (dir) => {
    const missing = `${dir}/nowhere/student_dropout.csv`;
    const runs = await Promise.all([
      task("train", "--data", missing, "--models-dir", `${dir}/models`),
      task("cv", "--data", missing),
      task("split", "--data", missing, "--out", dir),
      task("spec", "--data", missing, "--target", "x", "--positive", "y"),
    ]);
    for (const run of runs) {
      assertExit(run, 2);
      assert.ok(run.stderr.includes(missing), run.stderr);
      assert.match(run.stderr, /^error: /);
    }
  });
});

Deno.test("the tasks exit 2 on an unknown option", async () => {
  const run = await task("train", "--profil", "early-C");
  assertExit(run, 2);
  assert.match(run.stderr, /^error: Unknown option --profil: see deno task train --help$/m);
});

Deno.test("deno task tune exits 2 on an unknown criterion, naming the valid ones", async () => {
  const run = await task("tune", "--profile", "early-C", "--criterion", "auc");
  assertExit(run, 2);
  assert.match(run.stderr, /^error: Invalid tuning criterion "auc": expected log_loss or pcc/);
});

Deno.test("deno task train --max-eod refuses to activate an unfair model and says why", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli_eod_" });
  const run = await task(
    "train",
    "--profile",
    "early-C",
    "--seed",
    "3",
    "--models-dir",
    dir,
    "--max-eod",
    "0",
  );
  assertExit(run, 3);
  assert.match(run.stderr, /not activated: equalized-odds difference [0-9.]+ on \w+/);
  assert.match(run.stderr, /exceeds --max-eod 0/);
  assert.match(run.stdout, /saved, not activated/);
  const active = await Deno.readTextFile(`${dir}/active.json`).catch(() => "{}");
  assert.deepEqual(JSON.parse(active), {}, "nothing was activated");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task prune keeps the active model and the newest of its profile", async () => {
  await withTemp(async (dir) => {
    const models = `${dir}/models`;
    const ids: string[] = [];
    for (const seed of ["1", "2", "3"]) {
      const run = await task(
        "train",
        "--profile",
        "early-C",
        "--seed",
        seed,
        "--models-dir",
        models,
        "--params",
        '{"family":"logistic"}',
        "--json",
        ...(seed === "1" ? [] : ["--no-activate"]),
      );
      assertExit(run, 0);
      ids.push(JSON.parse(lastLine(run.stdout)).id);
    }
    const bad = await task("prune", "--models-dir", models, "--keep", "0");
    assertExit(bad, 2);
    assert.match(bad.stderr, /^error: Invalid --keep: "0", expected an integer >= 1$/m);
    const dry = await task("prune", "--models-dir", models, "--keep", "1", "--dry-run");
    assertExit(dry, 0);
    assert.match(dry.stdout, new RegExp(`^Would remove ${ids[1]}$`, "m"));
    assert.equal((await Array.fromAsync(Deno.readDir(models))).length, 4);
    const run = await task("prune", "--models-dir", models, "--keep", "1", "--json");
    assertExit(run, 0);
    // The active (oldest) model and the newest stay; the middle one goes.
    assert.deepEqual(JSON.parse(lastLine(run.stdout)).removed, [ids[1]]);
    const left = (await Array.fromAsync(Deno.readDir(models), (e) => e.name)).sort();
    assert.deepEqual(left, [ids[0], ids[2], "active.json"].sort());
  });
});
