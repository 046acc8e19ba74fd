import assert from "node:assert/strict";
import {
  CHOICE_ROWS,
  CHOICE_SPACE,
  choiceBudget,
  chooseModel,
  crossValidateProfile,
  foldsInWorkers,
  FULL_SPACE_ROWS,
  HOLDOUT_ROWS,
  LARGE_FOLDS,
  LARGE_SPACE,
  needsChoice,
} from "./choose.ts";
import { TUNE_SPACE } from "./tune.ts";
import { DEFAULT_CV_POLICY, type FoldJob, runFold } from "./cv.ts";
import { modelParams } from "../models/mlp.ts";
import { repeatedStratifiedKFold } from "../data/split.ts";
import { trainProfile } from "./train_profile.ts";
import { buildMetadata } from "../registry/metadata.ts";
import { modelCard } from "../registry/model_card.ts";
import { loadDataset, loadSpec, resolveDataPath } from "../data/mod.ts";
import type { DatasetSpec } from "../data/spec.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const tuned = await loadSpec(`${ROOT}/data/specs/student_dropout.json`);
const data = await loadDataset(resolveDataPath(undefined, ROOT), tuned);
/** The spec as a drafted one has it: early-C without tuned settings. */
const untuned: DatasetSpec = {
  ...tuned,
  profiles: { ...tuned.profiles, "early-C": { ...tuned.profiles["early-C"], model: undefined } },
};
/** Two quick candidates, simplest first: these tests check the choice's bookkeeping. */
const SMALL = {
  space: [{
    family: "logistic" as const,
    l1: 0.003,
    l2: 0.001,
    cuts: 1,
    calibration: "none" as const,
  }, {
    family: "forest" as const,
    trees: { nTrees: 20 },
    calibration: "none" as const,
  }],
  folds: 3,
  rows: data.rows,
  note: "two candidates",
};

Deno.test("needsChoice() is true only without tuned or given settings", () => {
  assert.equal(needsChoice(tuned, "early-A"), false);
  assert.equal(needsChoice(untuned, "early-C"), true);
  assert.equal(needsChoice(untuned, "early-C", { family: "forest" }), false);
  assert.equal(needsChoice(untuned, "early-C", {}), true);
});

Deno.test("choiceBudget() grows the work with the rows up to a bound", () => {
  const small = choiceBudget(649);
  assert.equal(small.space, CHOICE_SPACE);
  assert.equal(small.space.length, TUNE_SPACE.length + 2);
  assert.equal(small.rows, 649);
  const middle = choiceBudget(FULL_SPACE_ROWS + 1);
  assert.ok(!middle.space.some((p) => p.family === "mlp"));
  assert.equal(middle.space.length, CHOICE_SPACE.length - 1);
  const large = choiceBudget(1_000_000);
  assert.equal(large.rows, HOLDOUT_ROWS);
  assert.equal(large.space, LARGE_SPACE);
  assert.deepEqual(large.space.map((p) => p.family), ["logistic", "logistic", "gbm"]);
  assert.deepEqual([large.folds, large.refit, large.holdout], [LARGE_FOLDS, false, undefined]);
  assert.match(large.note, /by 2-fold inner cross-validation, each fold's model scored as fitted/);
  assert.match(large.note, /a stratified sample of 20000 of the 1000000 rows/);
  const above = choiceBudget(CHOICE_ROWS + 1);
  assert.equal(above.rows, CHOICE_ROWS + 1);
  assert.match(above.note, /all 10001 rows/);
});

Deno.test("chooseModel() scores every candidate and chooses by the one-standard-error rule", async (t) => {
  const choice = await chooseModel(data, untuned, { profile: "early-C", seed: 3, budget: SMALL });
  await t.step("every candidate has its figures, the chosen one its settings and a reason", () => {
    assert.equal(choice.candidates.length, 2);
    for (const c of choice.candidates) {
      assert.ok(c.log_loss > 0 && c.roc_auc > 0.5 && c.brier > 0);
    }
    assert.equal(choice.params.family, SMALL.space[choice.chosen].family);
    assert.ok(choice.chosen <= choice.best);
    assert.ok(choice.reason.length > 0);
    assert.equal(choice.rows, data.rows);
  });
  await t.step("the same data and seed choose the same, with the same figures", async () => {
    const again = await chooseModel(data, untuned, { profile: "early-C", seed: 3, budget: SMALL });
    assert.deepEqual(again.candidates, choice.candidates);
  });
});

Deno.test("chooseModel() on one holdout or on folds without refits compares the candidates", async () => {
  const budget = { ...SMALL, folds: 1, holdout: 1 / 3 };
  const choice = await chooseModel(data, untuned, { profile: "early-C", seed: 3, budget });
  assert.equal(choice.inner_holdout, 1 / 3);
  // Folds without refits score every row.
  const folds = await chooseModel(data, untuned, {
    profile: "early-C",
    seed: 3,
    budget: { ...SMALL, folds: 2, refit: false },
  });
  assert.equal(folds.inner_refit, false);
  assert.equal(folds.candidates.length, 2);
  for (const c of folds.candidates) assert.ok(c.log_loss > 0 && c.roc_auc > 0.5);
  assert.equal(choice.candidates.length, 2);
  for (const c of choice.candidates) assert.ok(c.log_loss > 0 && c.roc_auc > 0.5);
  // The paired error of the best against itself is 0; the other's is not.
  assert.equal(choice.candidates[choice.best].log_loss_se, 0);
  assert.ok(choice.candidates[1 - choice.best].log_loss_se > 0);
  const again = await chooseModel(data, untuned, { profile: "early-C", seed: 3, budget });
  assert.deepEqual(again.candidates, choice.candidates);
});

Deno.test("crossValidateProfile() keeps tuned settings and nests the choice otherwise", async (t) => {
  await t.step("a tuned profile is scored with its settings, no choices", async () => {
    const r = await crossValidateProfile(data, tuned, {
      profile: "early-C",
      folds: 2,
      resamples: 0,
    });
    assert.equal(r.choices, undefined);
    assert.equal(r.params.family, "forest");
  });
  await t.step("settings given on the command line are used as given", async () => {
    const r = await crossValidateProfile(data, untuned, {
      profile: "early-C",
      folds: 2,
      resamples: 0,
      model: { family: "logistic" },
    });
    assert.equal(r.choices, undefined);
    assert.equal(r.params.family, "logistic");
  });
});

Deno.test("a cohort-forward cv trains on the other cohorts and never reads the column", async () => {
  const r = await crossValidateProfile(data, tuned, {
    profile: "early-C",
    cohort: { column: "School", test: ["MS"] },
    model: { family: "logistic", l1: 0.003, l2: 0.001 },
    resamples: 0,
    predictions: true,
  });
  const ms = data.cells.School.filter((s) => s === "MS").length;
  assert.deepEqual(r.cohort, {
    column: "School",
    test: ["MS"],
    train_rows: data.rows - ms,
    test_rows: ms,
  });
  assert.deepEqual([r.folds, r.runs], [1, 1]);
  // Only the tested rows have a fold; the others were only trained on.
  const tested = r.predictions!.fold_of[0].filter((f) => f === 0).length;
  assert.equal(tested, ms);
  assert.ok(r.roc_auc.mean > 0.5);
});

Deno.test("trainProfile() on a profile without tuned settings records the choice, and the card shows it", async () => {
  const small = tuned.profiles["early-C"].features.slice(0, 6);
  const spec: DatasetSpec = {
    ...untuned,
    profiles: { ...untuned.profiles, "early-C": { features: small } },
  };
  const trained = await trainProfile(data, spec, { profile: "early-C", seed: 5 });
  const choice = trained.choice!;
  assert.ok(choice, "a choice is recorded");
  assert.equal(choice.candidates.length, CHOICE_SPACE.length);
  assert.deepEqual(trained.params, choice.params);
  const metadata = buildMetadata(trained, { data, spec, id: "m", created: new Date(0) });
  assert.deepEqual(metadata.choice, choice);
  const card = modelCard(metadata);
  assert.match(card, /The profile has no tuned settings, so `train` chose the model/);
  assert.match(card, new RegExp(`\\| ${choice.chosen + 1} \\(chosen\\) \\|`));
  trained.classifier.dispose();
});

Deno.test("foldsInWorkers() gives each fold what runFold() gives here", async () => {
  const params = modelParams({ family: "logistic", l1: 0.003, l2: 0.001, cuts: 1 });
  const folds = repeatedStratifiedKFold(data.labels, { folds: 3, runs: 1, seed: 4 });
  const jobs: FoldJob[] = folds.map((f) => ({
    profile: "early-C",
    train: f.train,
    test: f.test,
    seed: 10 + f.fold,
    holdout: 0.15,
    params,
    choose: false,
    policy: DEFAULT_CV_POLICY,
  }));
  let done = 0;
  const remote = await foldsInWorkers(data, tuned, jobs, 2, () => done++);
  assert.equal(done, 3);
  for (const [i, job] of jobs.entries()) {
    const here = await runFold(data, tuned, job);
    assert.deepEqual(Array.from(remote[i].scores), Array.from(here.scores));
    assert.equal(remote[i].threshold, here.threshold);
    assert.deepEqual(remote[i].params, here.params);
  }
});
