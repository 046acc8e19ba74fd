import assert from "node:assert/strict";
import { inferSpec, mulberry32 } from "../../pipeline/mod.ts";
import { type DayJob, evaluateDay, evaluateDays } from "./evaluate_day.ts";

/** 240 made-up students over two terms: a score that lowers the risk and a noisy group. */
async function fixture(dir: string): Promise<DayJob> {
  const random = mulberry32(7);
  const lines = ["term,score,group,left"];
  for (let i = 0; i < 240; i++) {
    const score = Math.round(100 * random());
    const left = random() < 0.8 - score / 125;
    lines.push(`${i < 120 ? "2013J" : "2014J"},${score},${random() < 0.5 ? "a" : "b"},${left}`);
  }
  const table = `${dir}/day.csv`;
  await Deno.writeTextFile(table, lines.join("\n") + "\n");
  const spec = await inferSpec(table, { target: "left", positive: "true" });
  assert.equal(spec.cohort, "term");
  await Deno.writeTextFile(`${dir}/day.json`, JSON.stringify(spec));
  return {
    day: 30,
    table,
    spec: `${dir}/day.json`,
    cohort: { column: "term", test: ["2014J"] },
    seed: 3,
    folds: 3,
    groups: ["group"],
    params: { family: "logistic" },
  };
}

Deno.test("evaluateDay() tests cohort-forward on the tested term's rows and folds the rest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const job = await fixture(dir);
    const result = await evaluateDay(job);
    assert.deepEqual(result.test.rows, Array.from({ length: 120 }, (_, i) => 120 + i));
    assert.equal(result.test.scores.length, 120);
    assert.ok(result.test.scores.every((p) => p >= 0 && p <= 1));
    assert.deepEqual(result.test.groups.group.length, 120);
    assert.equal(result.forward.cohort?.test_rows, 120);
    assert.equal(result.forward.params.family, "logistic");
    assert.equal(result.random.folds, 3);
    assert.equal(result.random.params.family, "logistic");
    assert.equal(result.forward.predictions, undefined, "the predictions travel once, in test");
    // A lower score means more risk, so the model ranks better than chance.
    assert.ok(result.forward.roc_auc.mean > 0.6, `ROC-AUC ${result.forward.roc_auc.mean}`);
    assert.equal(result.rows, 240);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("evaluateDays() in workers gives what evaluateDay() gives, in the jobs' order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const job = await fixture(dir);
    const jobs = [job, { ...job, day: 60, seed: 4 }];
    const [a, b] = await evaluateDays(jobs, { workers: 2 });
    assert.deepEqual([a.day, b.day], [30, 60]);
    const direct = await evaluateDay(jobs[1]);
    assert.deepEqual(b.test, direct.test);
    assert.equal(b.random.roc_auc.mean, direct.random.roc_auc.mean);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("evaluateDays() names the day whose evaluation failed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const job = await fixture(dir);
    await assert.rejects(
      () => evaluateDays([{ ...job, day: 90, cohort: { column: "term", test: ["2015B"] } }]),
      /Day 90: .*"2015B" not in column "term"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
