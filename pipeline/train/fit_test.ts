import assert from "node:assert/strict";
import { fitOnRows, REFIT_ROWS, scoreRows } from "./fit.ts";
import { type TrainedModel, trainProfile } from "./train_profile.ts";
import {
  evaluate,
  InputError,
  loadDataset,
  loadSpec,
  type Metrics,
  modelParams,
  resolveDataPath,
  stratifiedSplit,
  takeRows,
} from "../mod.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const spec = await loadSpec(`${ROOT}/data/specs/student_dropout.json`);
const data = await loadDataset(resolveDataPath(undefined, ROOT), spec);

/** Few epochs: these tests check bookkeeping, not quality. */
const QUICK = { family: "mlp" as const, epochs: 5 };

/** Asserts every derived metric equals its value computed from the confusion counts. */
function assertConsistent(m: Metrics, labels: ArrayLike<number>, what: string): void {
  const { tp, fp, tn, fn } = m.confusion;
  const close = (actual: number, expected: number, name: string) =>
    assert.ok(Math.abs(actual - expected) < 1e-12, `${what} ${name}: ${actual} vs ${expected}`);
  assert.equal(tp + fp + tn + fn, m.n, `${what} n`);
  assert.equal(m.n, labels.length, `${what} n`);
  assert.equal(tp + fn, Array.from(labels).reduce((a, b) => a + b, 0), `${what} positives`);
  assert.equal(m.positives, tp + fn, `${what} positives`);
  close(m.accuracy, (tp + tn) / m.n, "accuracy");
  close(m.precision, tp + fp === 0 ? 0 : tp / (tp + fp), "precision");
  close(m.recall, tp / (tp + fn), "recall");
  close(m.specificity, tn / (tn + fp), "specificity");
  close(m.f1, 2 * tp / (2 * tp + fp + fn), "f1");
  close(m.balanced_accuracy, (m.recall + m.specificity) / 2, "balanced accuracy");
}

/** Counts the confusion matrix by hand from saved test probabilities. */
function countConfusion(labels: number[], probabilities: number[], threshold: number) {
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  labels.forEach((y, i) => {
    const flagged = probabilities[i] >= threshold;
    if (y === 1) flagged ? c.tp++ : c.fn++;
    else flagged ? c.fp++ : c.tn++;
  });
  return c;
}

function dispose(...models: TrainedModel[]): void {
  for (const m of models) m.classifier.dispose();
}

Deno.test("trainProfile() reports metrics consistent with its confusion matrices", async (t) => {
  const trained = await trainProfile(data, spec, { profile: "early-C", seed: 1, model: QUICK });
  const { split, metrics, evaluation } = trained;

  await t.step("the split is the stratified split of the seed", () => {
    assert.deepEqual(split, stratifiedSplit(data.labels, { seed: 1 }));
  });

  await t.step("test and validation metrics agree with their confusion counts", () => {
    assertConsistent(metrics.test, split.test.map((r) => data.labels[r]), "test");
    assertConsistent(metrics.validation, split.validation.map((r) => data.labels[r]), "validation");
    assert.equal(metrics.test.threshold, trained.threshold);
    assert.equal(metrics.validation.threshold, trained.threshold);
  });

  await t.step("the saved test predictions are the test rows, their labels and scores", () => {
    assert.deepEqual(evaluation.test.rows, split.test);
    assert.deepEqual(evaluation.test.labels, split.test.map((r) => data.labels[r]));
    const scored = scoreRows(trained, data, split.test);
    assert.deepEqual(evaluation.test.probabilities, Array.from(scored.scores));
  });

  await t.step("the test confusion matrix recounts by hand from those predictions", () => {
    const { labels, probabilities } = evaluation.test;
    assert.deepEqual(
      countConfusion(labels, probabilities, trained.threshold),
      metrics.test.confusion,
    );
  });

  await t.step("the evaluation curves span the test set", () => {
    const lastRoc = evaluation.roc[evaluation.roc.length - 1];
    assert.deepEqual([lastRoc.x, lastRoc.y], [1, 1]);
    const count = evaluation.calibration.reduce((a, b) => a + b.count, 0);
    assert.equal(count, split.test.length);
  });

  dispose(trained);
});

Deno.test("trainProfile() sets the threshold and the risk bands on validation", async (t) => {
  // Unbounded, so the policies' own choices show; the capacity is checked in its own step.
  const trained = await trainProfile(data, spec, {
    profile: "early-C",
    seed: 2,
    model: QUICK,
    capacity: false,
  });
  const validation = scoreRows(trained, data, trained.split.validation);

  await t.step(
    "with the default capacity, the bands hold at most their shares of validation",
    async () => {
      const bounded = await trainProfile(data, spec, { profile: "early-C", seed: 2, model: QUICK });
      const stop = bounded.metrics.validation;
      const v = bounded.split.validation.length;
      assert.ok((stop.confusion.tp + stop.confusion.fp) / v <= 0.2, JSON.stringify(stop.confusion));
      assert.equal(bounded.bands.high, bounded.threshold);
      assert.ok(bounded.bands.medium >= trained.bands.medium);
      dispose(bounded);
    },
  );

  await t.step("the high band starts at the decision threshold", () => {
    assert.equal(trained.bands.high, trained.threshold);
  });

  await t.step("the medium band starts at or below the high band", () => {
    assert.ok(trained.bands.medium <= trained.bands.high, JSON.stringify(trained.bands));
  });

  await t.step(
    "the medium band reaches recall 0.9 on validation, or else leaves out only the lowest scores",
    () => {
      const m = evaluate(validation.labels, validation.scores, trained.bands.medium);
      if (m.recall >= 0.9) return;
      const lowest = Math.min(...validation.scores);
      assert.ok(evaluate(validation.labels, validation.scores, lowest).recall >= 0.9);
      const next = Math.min(...validation.scores.filter((s) => s > lowest));
      assert.equal(trained.bands.medium, Math.min(next, trained.threshold));
    },
  );

  await t.step(
    "a model of few inputs still leaves its lowest-risk students out of the bands",
    async () => {
      // early-C on its 3 best inputs scores whole groups alike: recall 0.9 needs every student.
      const coarse = await trainProfile(data, spec, {
        profile: "early-C",
        seed: 2,
        model: { family: "mlp", hidden: [], cuts: 1, select: 3, classWeight: "none", epochs: 40 },
      });
      const v = scoreRows(coarse, data, coarse.split.validation);
      const lowest = Math.min(...v.scores);
      assert.ok(coarse.bands.medium > lowest, JSON.stringify({ bands: coarse.bands, lowest }));
      assert.ok(v.scores.some((s) => s < coarse.bands.medium), "some students are in the low band");
      dispose(coarse);
    },
  );

  await t.step("the threshold maximises F1 on validation", () => {
    const best = evaluate(validation.labels, validation.scores, trained.threshold).f1;
    for (const p of validation.scores) {
      const f1 = evaluate(validation.labels, validation.scores, p).f1;
      assert.ok(f1 <= best + 1e-12, `threshold ${p} gives F1 ${f1} > ${best}`);
    }
  });

  await t.step("a min-recall policy reaches its recall on validation", async () => {
    const strict = await trainProfile(data, spec, {
      profile: "early-C",
      seed: 2,
      model: QUICK,
      policy: { kind: "min-recall", recall: 0.95 },
      capacity: false,
    });
    assert.ok(strict.metrics.validation.recall >= 0.95, `${strict.metrics.validation.recall}`);
    assert.ok(strict.bands.medium <= strict.bands.high);
    dispose(strict);
  });

  await t.step(
    "a min-precision policy sets the high band at its precision on validation",
    async () => {
      const precise = await trainProfile(data, spec, {
        profile: "early-A",
        seed: 2,
        model: QUICK,
        policy: { kind: "min-precision", precision: 0.8 },
      });
      const v = precise.metrics.validation;
      assert.ok(v.precision >= 0.8, `${v.precision}`);
      assert.equal(precise.bands.high, precise.threshold);
      assert.ok(precise.bands.medium <= precise.bands.high);
      dispose(precise);
    },
  );

  dispose(trained);
});

Deno.test("trainProfile() gives identical metrics for the same seed", async (t) => {
  const a = await trainProfile(data, spec, { profile: "early-B", seed: 5, model: QUICK });
  const b = await trainProfile(data, spec, { profile: "early-B", seed: 5, model: QUICK });
  const c = await trainProfile(data, spec, { profile: "early-B", seed: 6, model: QUICK });

  await t.step("the same seed twice: same split, threshold, bands and metrics", () => {
    assert.deepEqual(a.split, b.split);
    assert.equal(a.threshold, b.threshold);
    assert.deepEqual(a.bands, b.bands);
    assert.deepEqual(a.metrics, b.metrics);
    assert.deepEqual(a.evaluation, b.evaluation);
  });

  await t.step("another seed gives another split and other scores", () => {
    assert.notDeepEqual(a.split, c.split);
    assert.notDeepEqual(a.evaluation.test.probabilities, c.evaluation.test.probabilities);
  });

  dispose(a, b, c);
});

Deno.test("trainProfile() reports the leak columns a profile uses", async (t) => {
  await t.step("the seed profile uses Final_Grade", async () => {
    const seed = await trainProfile(data, spec, { profile: "seed", seed: 1, model: QUICK });
    assert.equal(seed.profile, "seed");
    assert.deepEqual(seed.leaks, ["Final_Grade"]);
    assert.deepEqual(
      seed.preprocessor.params.features.map((f) => f.name),
      spec.profiles.seed.features,
    );
    dispose(seed);
  });

  await t.step("the default profile is early-A and uses no leak", async () => {
    const early = await trainProfile(data, spec, { seed: 1, model: { family: "mlp", epochs: 1 } });
    assert.equal(early.profile, "early-A");
    assert.deepEqual(early.leaks, []);
    dispose(early);
  });

  await t.step("an unknown profile is an InputError listing the valid ones", async () => {
    await assert.rejects(
      () => trainProfile(data, spec, { profile: "early-Z", model: QUICK }),
      (error: unknown) =>
        error instanceof InputError && /early-A, early-B, early-C, seed/.test(error.message),
    );
  });

  await t.step("a bad hyper-parameter is an InputError naming it", async () => {
    await assert.rejects(
      () => trainProfile(data, spec, { profile: "early-C", model: { epochs: -1 } }),
      (error: unknown) => error instanceof InputError && /"epochs"/.test(error.message),
    );
  });
});

Deno.test('trainProfile() with calibration "none" fits no Platt map, only undoes class weights', async () => {
  const weighted = { ...QUICK, classWeight: "balanced" as const, calibration: "auto" as const };
  const auto = await trainProfile(data, spec, { profile: "early-A", seed: 3, model: weighted });
  const none = await trainProfile(data, spec, {
    profile: "early-A",
    seed: 3,
    model: { ...weighted, calibration: "none" },
  });
  try {
    // Class weighting inflates the default network's odds: they are always corrected back.
    assert.ok(["prior", "platt"].includes(auto.calibration.method), auto.calibration.method);
    const train = takeRows(data, none.split.train);
    const positives = train.labels.reduce((a, b) => a + b, 0);
    assert.equal(none.calibration.method, "prior");
    const shift = none.calibration.method === "prior" ? none.calibration.shift : NaN;
    assert.ok(Math.abs(shift - Math.log(positives / (train.rows - positives))) < 1e-12, `${shift}`);
    const unweighted = await trainProfile(data, spec, {
      profile: "early-A",
      seed: 3,
      model: { ...QUICK, calibration: "none", classWeight: "none" },
    });
    try {
      assert.deepEqual(unweighted.calibration, { method: "none" });
      const raw = unweighted.classifier.predictProba(
        unweighted.preprocessor.transform(data).x,
        data.rows,
      );
      assert.deepEqual(scoreRows(unweighted, data).scores, raw);
    } finally {
      dispose(unweighted);
    }
  } finally {
    dispose(auto, none);
  }
});

Deno.test("fitOnRows() cuts the seed model, right by construction, at 0.5 with a watch band below", async () => {
  const split = stratifiedSplit(data.labels, { seed: 42 });
  const seed = await fitOnRows(data, spec, split.train, split.validation, {
    profile: "seed",
    seed: 42,
    params: modelParams(spec.profiles.seed.model ?? {}),
  });
  try {
    const { labels, scores } = seed.stop;
    const positives = Array.from(scores).filter((_, i) => labels[i] === 1);
    const negatives = Array.from(scores).filter((_, i) => labels[i] === 0);
    // The leak separates the held-out rows, with 0.5 in the gap between the two groups.
    assert.ok(Math.max(...negatives) < 0.5 && Math.min(...positives) >= 0.5);
    assert.equal(seed.threshold, 0.5);
    assert.deepEqual(seed.bands, { medium: (Math.max(...negatives) + 0.5) / 2, high: 0.5 });
  } finally {
    seed.classifier.dispose();
  }
});

Deno.test("fitOnRows() refits on the stop rows too up to REFIT_ROWS rows, and not above unless asked", async () => {
  const params = modelParams({ family: "gbm", trees: { nRounds: 5 } });
  const split = stratifiedSplit(data.labels, { seed: 3 });
  const fitRows = (rows: number[]) =>
    fitOnRows(data, spec, rows, split.validation, { profile: "early-C", seed: 3, params });
  const small = await fitRows(split.train);
  assert.equal(small.refitted, true);
  // The training rows 30 times over: more than REFIT_ROWS with the stop rows.
  const many = Array.from({ length: 30 }, () => split.train).flat();
  assert.ok(many.length + split.validation.length > REFIT_ROWS);
  const large = await fitRows(many);
  assert.equal(large.refitted, false);
  const asked = await fitOnRows(data, spec, many, split.validation, {
    profile: "early-C",
    seed: 3,
    params,
    refit: true,
  });
  assert.equal(asked.refitted, true);
  // Without the refit, the model is the one the stop rows scored.
  const again = scoreRows(large, data, split.validation).scores;
  assert.deepEqual(Array.from(again), Array.from(large.stop.scores));
});
