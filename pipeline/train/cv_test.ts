import assert from "node:assert/strict";
import { crossValidate } from "./cv.ts";
import {
  InputError,
  loadDataset,
  loadSpec,
  repeatedStratifiedKFold,
  resolveDataPath,
  rocAuc,
} from "../mod.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const spec = await loadSpec(`${ROOT}/data/specs/student_dropout.json`);
const data = await loadDataset(resolveDataPath(undefined, ROOT), spec);

/** Few epochs: these tests check the bookkeeping of cross-validation, not its quality. */
const QUICK = { family: "mlp" as const, epochs: 3 };

Deno.test("crossValidate() summarises each metric over the runs", async (t) => {
  const folds: [number, number][] = [];
  const report = await crossValidate(data, spec, {
    profile: "early-C",
    folds: 3,
    runs: 2,
    seed: 4,
    model: QUICK,
    onFold: (done, total) => folds.push([done, total]),
  });

  await t.step("the report names its profile, folds, runs and seed", () => {
    assert.deepEqual(
      [report.profile, report.folds, report.runs, report.seed],
      ["early-C", 3, 2, 4],
    );
    assert.ok(report.seconds > 0);
  });

  await t.step("every summary is over n = 2 runs, with a mean inside its range", () => {
    for (
      const key of [
        "pcc",
        "balanced_accuracy",
        "roc_auc",
        "f1",
        "pr_auc",
        "brier",
        "recall_at_10",
        "recall_at_20",
      ] as const
    ) {
      const s = report[key];
      assert.equal(s.n, 2, key);
      assert.ok(s.ci95 >= 0 && s.sd >= 0, key);
      const top = key === "pcc" ? 100 : 1;
      assert.ok(s.mean >= 0 && s.mean <= top, `${key} mean ${s.mean}`);
    }
  });

  await t.step(
    "fairness of the pooled out-of-fold decisions, by Gender, Address and School",
    () => {
      assert.deepEqual(report.fairness.map((f) => f.column), ["Gender", "Address", "School"]);
      for (const f of report.fairness) {
        for (const s of [f.equalized_odds_difference, f.demographic_parity_difference]) {
          assert.equal(s.n, 2, f.column);
          assert.ok(s.mean >= 0 && s.mean <= 1, `${f.column}: ${s.mean}`);
        }
      }
    },
  );

  await t.step("each interval is the bootstrap over students, around the mean over runs", () => {
    for (const key of ["pcc", "roc_auc", "pr_auc", "brier", "log_loss", "recall_at_10"] as const) {
      const s = report[key];
      assert.ok(s.low <= s.mean && s.mean <= s.high, `${key}: ${s.low} ${s.mean} ${s.high}`);
      assert.equal(s.ci95, (s.high - s.low) / 2, key);
      assert.deepEqual([s.over_runs.n, s.over_runs.sd, s.over_runs.mean], [s.n, s.sd, s.mean]);
    }
    assert.equal(report.interval.resamples, 1000);
    assert.equal(report.predictions, undefined, "predictions only when asked for");
  });

  await t.step("PCC is a percentage, not a fraction", () => {
    assert.ok(report.pcc.mean > 1, `${report.pcc.mean}`);
  });

  await t.step("progress is reported once per fold of every run", () => {
    assert.deepEqual(folds, [[1, 6], [2, 6], [3, 6], [4, 6], [5, 6], [6, 6]]);
  });

  await t.step("the same seed gives the same report", async () => {
    const again = await crossValidate(data, spec, {
      profile: "early-C",
      folds: 3,
      runs: 2,
      seed: 4,
      model: QUICK,
    });
    const { seconds: _a, ...first } = report;
    const { seconds: _b, ...second } = again;
    assert.deepEqual(second, first);
  });
});

Deno.test("crossValidate() carries the published figures of the early-* profiles", async (t) => {
  const source = "Cortez & Silva 2008, Table 3";
  const expected = {
    "early-A": { source, setup: "A", best: 93.0, naive: 89.7 },
    "early-B": { source, setup: "B", best: 90.1, naive: 87.5 },
    "early-C": { source, setup: "C", best: 85.0, naive: 84.6 },
  };

  await t.step("the spec holds Cortez & Silva's Table 3 for A, B and C", () => {
    for (const [profile, figures] of Object.entries(expected)) {
      assert.deepEqual(spec.profiles[profile].published, figures);
    }
  });

  await t.step("the naive figures reproduce from the data (G2, G1, majority class)", () => {
    const pcc = (predict: (i: number) => number) => {
      let right = 0;
      for (let i = 0; i < data.rows; i++) if (predict(i) === data.labels[i]) right++;
      return Math.round(1000 * right / data.rows) / 10;
    };
    const fails = (grade: string) => (i: number) => (data.cells[grade][i] as number) < 10 ? 1 : 0;
    assert.equal(pcc(fails("Grade_2")), expected["early-A"].naive);
    assert.equal(pcc(fails("Grade_1")), expected["early-B"].naive);
    assert.equal(pcc(() => 0), expected["early-C"].naive);
  });

  for (const profile of ["early-A", "early-B", "early-C"] as const) {
    await t.step(`the ${profile} report includes its setup's figures`, async () => {
      const report = await crossValidate(data, spec, {
        profile,
        folds: 2,
        runs: 1,
        model: { epochs: 1 },
      });
      assert.deepEqual(report.published, expected[profile]);
      assert.equal(report.pcc.n, 1);
      // One run has no spread over runs, but its estimate still has a bootstrap interval.
      assert.equal(report.pcc.over_runs.ci95, 0);
      assert.ok(report.pcc.ci95 > 0);
    });
  }

  await t.step("the seed profile has no published figures", async () => {
    const report = await crossValidate(data, spec, {
      profile: "seed",
      folds: 2,
      runs: 1,
      model: { epochs: 1 },
    });
    assert.equal(report.published, undefined);
  });
});

Deno.test("crossValidate() returns its out-of-fold predictions and folds on request", async (t) => {
  const report = await crossValidate(data, spec, {
    profile: "early-C",
    folds: 3,
    runs: 2,
    seed: 5,
    model: { epochs: 1 },
    predictions: true,
    resamples: 50,
  });
  const p = report.predictions!;

  await t.step("the folds are those of repeatedStratifiedKFold with the same seed", () => {
    const plan = repeatedStratifiedKFold(data.labels, { folds: 3, runs: 2, seed: 5 });
    for (const fold of plan) {
      assert.ok(fold.test.every((row) => p.fold_of[fold.run][row] === fold.fold));
    }
  });

  await t.step("every row has a probability, a decision and a fit time per fold", () => {
    assert.equal(p.scores.length, 2);
    for (let run = 0; run < 2; run++) {
      assert.equal(p.scores[run].length, data.rows);
      assert.ok(p.scores[run].every((s) => s >= 0 && s <= 1));
      assert.ok(p.decided[run].every((d, i) => d === (p.scores[run][i] >= 0.5 ? 1 : 0)));
      assert.equal(p.fit_seconds[run].length, 3);
      assert.ok(p.fit_seconds[run].every((s) => s > 0));
      assert.deepEqual(p.thresholds[run], [0.5, 0.5, 0.5]);
    }
  });

  await t.step("the report's metrics are those of the predictions", () => {
    const auc = p.scores.map((s) => rocAuc(data.labels, s));
    assert.equal(report.roc_auc.mean, (auc[0] + auc[1]) / 2);
    assert.equal(report.interval.resamples, 50);
  });
});

Deno.test("crossValidate() rejects impossible fold counts", async () => {
  await assert.rejects(
    () => crossValidate(data, spec, { profile: "early-C", folds: 1, model: QUICK }),
    (error: unknown) => error instanceof InputError && /"folds"/.test(error.message),
  );
  await assert.rejects(
    () => crossValidate(data, spec, { profile: "early-C", folds: 101, model: QUICK }),
    (error: unknown) => error instanceof InputError && /from 2 to 100/.test(error.message),
  );
});

Deno.test("crossValidate() finds no gap when everyone, or no one, is flagged", async () => {
  for (const threshold of [0, 1]) {
    const report = await crossValidate(data, spec, {
      profile: "early-C",
      folds: 3,
      runs: 1,
      model: QUICK,
      policy: { kind: "fixed", threshold },
      sensitive: ["Gender"],
    });
    const [gender] = report.fairness;
    assert.equal(gender.column, "Gender");
    assert.equal(gender.equalized_odds_difference.mean, 0, `threshold ${threshold}`);
    assert.equal(gender.demographic_parity_difference.mean, 0, `threshold ${threshold}`);
  }
});
