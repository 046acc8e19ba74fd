import { deepEqual, ok } from "node:assert/strict";
import { InputError } from "../core/errors.ts";
import {
  averagePrecision,
  brierScore,
  calibrationBins,
  confusion,
  evaluate,
  logLoss,
  prCurve,
  recallAtTop,
  rocAuc,
  rocCurve,
  summarize,
} from "./metrics.ts";
import { chooseThreshold } from "./thresholds.ts";

// No ties, 4 positives and 4 negatives.
const LABELS = [1, 1, 0, 1, 0, 0, 1, 0];
const SCORES = [0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1];

// Ties: 0.8 holds one positive and one negative, 0.5 two positives and one negative.
const TIE_LABELS = [1, 0, 1, 0, 1, 0];
const TIE_SCORES = [0.8, 0.8, 0.5, 0.5, 0.5, 0.2];

function close(actual: number, expected: number, tolerance = 1e-12): void {
  ok(
    Math.abs(actual - expected) <= tolerance,
    `Expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

/** Asserts that `fn` throws an InputError whose message contains `fragment`. */
function throwsInput(fn: () => unknown, fragment = ""): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  ok(caught instanceof InputError, `Expected an InputError, got ${caught}`);
  ok(caught.message.includes(fragment), `Expected "${fragment}" in "${caught.message}"`);
}

Deno.test("confusion() predicts positive when the score reaches the threshold", async (t) => {
  await t.step("a score equal to the threshold is positive", () => {
    // >= 0.6: 0.9(1) 0.8(1) 0.7(0) 0.6(1) -> tp 3, fp 1; below: 0.4 0.3 0.1 (0), 0.2 (1) -> tn 3, fn 1
    deepEqual(confusion(LABELS, SCORES, 0.6), { tp: 3, fp: 1, tn: 3, fn: 1 });
  });
  await t.step("a threshold above every score predicts all negative", () => {
    deepEqual(confusion(LABELS, SCORES, 1), { tp: 0, fp: 0, tn: 4, fn: 4 });
  });
  await t.step("a threshold of 0 predicts all positive", () => {
    deepEqual(confusion(LABELS, SCORES, 0), { tp: 4, fp: 4, tn: 0, fn: 0 });
  });
});

Deno.test("evaluate() matches hand-computed metrics", async (t) => {
  await t.step("threshold metrics at 0.35", () => {
    // >= 0.35: 0.9 0.8 0.6 (1), 0.7 0.4 (0) -> tp 3, fp 2; below: 0.3 0.1 (0) -> tn 2, 0.2 (1) -> fn 1
    // accuracy = 5/8; precision = 3/5; recall = 3/4; specificity = 2/4
    // f1 = 2*3 / (2*3 + 2 + 1) = 6/9; balanced = (0.75 + 0.5) / 2 = 0.625
    const m = evaluate(LABELS, SCORES, 0.35);
    deepEqual(m.confusion, { tp: 3, fp: 2, tn: 2, fn: 1 });
    deepEqual([m.threshold, m.n, m.positives], [0.35, 8, 4]);
    close(m.accuracy, 0.625);
    close(m.precision, 0.6);
    close(m.recall, 0.75);
    close(m.specificity, 0.5);
    close(m.f1, 2 / 3);
    close(m.balanced_accuracy, 0.625);
  });
  await t.step("threshold-free metrics agree with their own functions", () => {
    const m = evaluate(LABELS, SCORES, 0.35);
    deepEqual(m.roc_auc, rocAuc(LABELS, SCORES));
    deepEqual(m.pr_auc, averagePrecision(LABELS, SCORES));
    deepEqual(m.brier, brierScore(LABELS, SCORES));
    deepEqual(m.log_loss, logLoss(LABELS, SCORES));
  });
  await t.step("no predicted positives gives precision 0 and f1 0", () => {
    // >= 0.95: nothing -> tp 0, fp 0, fn 4, tn 4; precision 0/0 -> 0, recall 0/4, f1 0/4 = 0
    const m = evaluate(LABELS, SCORES, 0.95);
    deepEqual([m.precision, m.recall, m.f1, m.specificity], [0, 0, 0, 1]);
    close(m.balanced_accuracy, 0.5);
  });
  await t.step("no positives gives recall 0 and NaN ranking metrics", () => {
    // 6 negatives, >= 0.45: 0.5 0.6 -> fp 2, tn 4; recall 0/0 -> 0; specificity 4/6
    const labels = [0, 0, 0, 0, 0, 0];
    const m = evaluate(labels, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 0.45);
    deepEqual(m.confusion, { tp: 0, fp: 2, tn: 4, fn: 0 });
    deepEqual([m.positives, m.precision, m.recall, m.f1], [0, 0, 0, 0]);
    close(m.specificity, 4 / 6);
    close(m.balanced_accuracy, 2 / 6); // (0 + 4/6) / 2
    ok(Number.isNaN(m.roc_auc));
    ok(Number.isNaN(m.pr_auc));
  });
});

Deno.test("rocAuc() is the Mann-Whitney share of correctly ordered pairs", async (t) => {
  await t.step("without ties", () => {
    // positives 0.9 0.8 0.6 0.2 vs negatives 0.7 0.4 0.3 0.1:
    // 0.9 beats 4, 0.8 beats 4, 0.6 beats 3, 0.2 beats 1 -> 12 / 16
    close(rocAuc(LABELS, SCORES), 0.75);
  });
  await t.step("ties count one half", () => {
    // positives 0.8 0.5 0.5 vs negatives 0.8 0.5 0.2:
    // 0.8: tie + win + win = 2.5; each 0.5: loss + tie + win = 1.5 -> (2.5 + 3) / 9
    close(rocAuc(TIE_LABELS, TIE_SCORES), 5.5 / 9);
  });
  await t.step("all scores tied gives 0.5", () => {
    close(rocAuc([1, 0, 1, 0, 0, 1], [0.3, 0.3, 0.3, 0.3, 0.3, 0.3]), 0.5);
  });
  await t.step("a perfect and a reversed ranking give 1 and 0", () => {
    deepEqual(rocAuc([0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.7, 0.8, 0.9]), 1);
    deepEqual(rocAuc([1, 1, 1, 0, 0, 0], [0.1, 0.2, 0.3, 0.7, 0.8, 0.9]), 0);
  });
  await t.step("one class absent gives NaN", () => {
    ok(Number.isNaN(rocAuc([1, 1, 1, 1, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])));
    ok(Number.isNaN(rocAuc([0, 0, 0, 0, 0, 0], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])));
  });
});

Deno.test("averagePrecision() sums recall steps times precision", async (t) => {
  await t.step("without ties", () => {
    // descending: 0.9+ P 1/1 R 1/4; 0.8+ P 2/2 R 2/4; 0.7-; 0.6+ P 3/4 R 3/4; 0.4- 0.3-; 0.2+ P 4/7 R 1
    // AP = 1/4 * (1 + 1 + 3/4 + 4/7) = 1/4 * 93/28 = 93/112
    close(averagePrecision(LABELS, SCORES), 93 / 112);
  });
  await t.step("tied scores form one step", () => {
    // >= 0.8: tp 1, fp 1 -> P 1/2, R 1/3; >= 0.5: tp 3, fp 2 -> P 3/5, R 1; >= 0.2: R unchanged
    // AP = 1/3 * 1/2 + 2/3 * 3/5 = 1/6 + 2/5 = 17/30
    close(averagePrecision(TIE_LABELS, TIE_SCORES), 17 / 30);
  });
  await t.step("no negatives gives 1 and no positives gives NaN", () => {
    deepEqual(averagePrecision([1, 1, 1, 1, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), 1);
    ok(Number.isNaN(averagePrecision([0, 0, 0, 0, 0, 0], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])));
  });
});

Deno.test("brierScore() is the mean squared error of the probabilities", () => {
  // (0.1² + 0.2² + 0.7² + 0.4² + 0.4² + 0.3² + 0.8² + 0.1²) / 8
  // = (0.01 + 0.04 + 0.49 + 0.16 + 0.16 + 0.09 + 0.64 + 0.01) / 8 = 1.6 / 8
  close(brierScore(LABELS, SCORES), 0.2);
  deepEqual(brierScore([0, 1, 0, 1, 0, 1], [0, 1, 0, 1, 0, 1]), 0);
});

Deno.test("logLoss() is the mean negative log-likelihood with clipping", async (t) => {
  await t.step("matches the product of true-class probabilities", () => {
    // true-class probabilities: 0.9 0.8 0.3 0.6 0.6 0.7 0.2 0.9, product = 0.00979776
    close(logLoss(LABELS, SCORES), -Math.log(0.00979776) / 8, 1e-12);
    close(logLoss(LABELS, SCORES), 0.5782, 1e-4);
  });
  await t.step("confidently wrong scores are clipped to eps", () => {
    // each term is -ln(1e-7) = 7 ln 10 ≈ 16.118
    close(logLoss([1, 0, 1, 0, 1, 0], [0, 1, 0, 1, 0, 1]), 7 * Math.LN10, 1e-6);
    close(logLoss([1, 0, 1, 0, 1, 0], [0, 1, 0, 1, 0, 1], 0.01), -Math.log(0.01), 1e-12);
  });
  await t.step("an eps outside (0, 0.5) throws InputError", () => {
    throwsInput(() => logLoss(LABELS, SCORES, 0));
  });
});

Deno.test("recallAtTop() counts the positives among the top share of students", async (t) => {
  await t.step("without ties", () => {
    // top 25 % of 8 = 2 places: 0.9 (1), 0.8 (1) -> 2 of 4 positives
    close(recallAtTop(LABELS, SCORES, 25), 2 / 4);
    // top 50 % = 4 places: 0.9 (1), 0.8 (1), 0.7 (0), 0.6 (1) -> 3 of 4
    close(recallAtTop(LABELS, SCORES, 50), 3 / 4);
    close(recallAtTop(LABELS, SCORES, 100), 1);
  });
  await t.step("places are rounded up: 10 % of 8 is one place", () => {
    close(recallAtTop(LABELS, SCORES, 10), 1 / 4);
  });
  await t.step("a tie at the cut shares its positives in proportion", () => {
    // top 50 % of 6 = 3 places: 0.8 holds 2 students (1 positive), then 1 of the 3 places at 0.5,
    // which hold 2 positives: found = 1 + 2 * 1/3 = 5/3 of 3 positives
    close(recallAtTop(TIE_LABELS, TIE_SCORES, 50), 5 / 9);
    // 10 % of 6 -> 1 place inside the 0.8 group: 1 * 1/2 of 3 positives
    close(recallAtTop(TIE_LABELS, TIE_SCORES, 10), 1 / 6);
  });
  await t.step("a constant score finds the share flagged, whatever the row order", () => {
    const labels = Array.from({ length: 100 }, (_, i) => (i < 20 ? 1 : 0));
    const flat = new Array(100).fill(0.3);
    close(recallAtTop(labels, flat, 10), 0.1);
    close(recallAtTop(labels.toReversed(), flat, 20), 0.2);
  });
  await t.step("no positives gives NaN and a percent outside (0, 100] throws", () => {
    ok(Number.isNaN(recallAtTop([0, 0, 0], [0.1, 0.2, 0.3], 50)));
    throwsInput(() => recallAtTop(LABELS, SCORES, 0), "percent");
    throwsInput(() => recallAtTop(LABELS, SCORES, 101), "percent");
  });
});

Deno.test("rocCurve() steps through the distinct scores from (0, 0) to (1, 1)", () => {
  // >= 0.8: fp 1/3, tp 1/3; >= 0.5: fp 2/3, tp 3/3; >= 0.2: fp 3/3, tp 3/3
  const curve = rocCurve(TIE_LABELS, TIE_SCORES);
  deepEqual(curve.map((p) => p.threshold), [Infinity, 0.8, 0.5, 0.2]);
  deepEqual(curve.map((p) => [p.x, p.y]), [[0, 0], [1 / 3, 1 / 3], [2 / 3, 1], [1, 1]]);
  // The trapezoid area equals the Mann-Whitney AUC: 1/18 + 4/18 + 6/18 = 11/18.
  let area = 0;
  for (let i = 1; i < curve.length; i++) {
    area += (curve[i].x - curve[i - 1].x) * (curve[i].y + curve[i - 1].y) / 2;
  }
  close(area, 11 / 18);
  close(area, rocAuc(TIE_LABELS, TIE_SCORES));
});

Deno.test("prCurve() gives recall and precision at each distinct score", () => {
  // >= 0.8: R 1/3, P 1/2; >= 0.5: R 1, P 3/5; >= 0.2: R 1, P 3/6
  deepEqual(prCurve(TIE_LABELS, TIE_SCORES), [
    { threshold: 0.8, x: 1 / 3, y: 0.5 },
    { threshold: 0.5, x: 1, y: 0.6 },
    { threshold: 0.2, x: 1, y: 0.5 },
  ]);
});

Deno.test("calibrationBins() groups scores into equal-width bins", async (t) => {
  await t.step("a score of 1 joins the last bin and empty bins are left out", () => {
    // [0, 0.1): 0.0 0.05 -> mean 0.025, rate 0/2; [0.1, 0.2): 0.15 -> rate 1/1;
    // [0.9, 1]: 0.95 1.0 1.0 -> mean 2.95/3, rate 2/3; bins 2..8 are empty
    const bins = calibrationBins([0, 0, 1, 1, 1, 0], [0, 0.05, 0.15, 0.95, 1, 1]);
    deepEqual(bins.map((b) => [b.lower, b.upper, b.count]), [
      [0, 0.1, 2],
      [0.1, 0.2, 1],
      [0.9, 1, 3],
    ]);
    close(bins[0].mean_predicted, 0.025);
    close(bins[2].mean_predicted, 2.95 / 3);
    deepEqual(bins.map((b) => b.observed_rate), [0, 1, 2 / 3]);
  });
  await t.step("a score on a bin edge opens the upper bin despite rounding", () => {
    // 0.57 * 100 = 56.99999999999999 in floating point, yet 0.57 belongs to [0.57, 0.58).
    deepEqual(calibrationBins([1], [0.57], 100)[0].lower, 0.57);
    deepEqual(calibrationBins([0, 1], [0.5, 0.5], 2)[0].lower, 0.5);
  });
  await t.step("a non-integer bin count throws InputError", () => {
    throwsInput(() => calibrationBins(LABELS, SCORES, 2.5));
  });
});

Deno.test("chooseThreshold() follows each policy", async (t) => {
  // Per candidate on LABELS/SCORES (tp, fp; f1 = 2tp / (2tp + fp + fn); accuracy):
  // 0.9: 1,0 f1 2/5 acc 5/8 | 0.8: 2,0 f1 4/6 acc 6/8 | 0.7: 2,1 f1 4/7 acc 5/8
  // 0.6: 3,1 f1 6/8 acc 6/8 | 0.4: 3,2 f1 6/9 acc 5/8 | 0.3: 3,3 f1 6/10 acc 4/8
  // 0.2: 4,3 f1 8/11 acc 5/8 | 0.1: 4,4 f1 8/12 acc 4/8
  await t.step("f1 takes the best F1, at 0.5 when 0.5 decides the rows alike", () => {
    // The best step is 0.6; the next lower score is 0.4, so 0.5 flags the same rows.
    deepEqual(chooseThreshold(LABELS, SCORES, { kind: "f1" }), 0.5);
    close(evaluate(LABELS, SCORES, 0.5).f1, 0.75);
    // Without 0.5 in that gap the best score itself is kept.
    const shifted = SCORES.map((s) => s * 0.5 + 0.35); // best 0.65, next lower 0.55
    close(chooseThreshold(LABELS, shifted, { kind: "f1" }), 0.65);
  });
  await t.step("a model separating the rows is cut at 0.5, not at its lowest positive", () => {
    // Right by construction: every positive at 1, every negative at most 0.2.
    const labels = [1, 1, 1, 0, 0, 0, 0];
    const scores = [1, 1, 1, 0.2, 0.1, 0.1, 0];
    deepEqual(chooseThreshold(labels, scores, { kind: "f1" }), 0.5);
    deepEqual(chooseThreshold(labels, scores, { kind: "accuracy" }), 0.5);
  });
  await t.step("f1 ties go to the higher threshold", () => {
    // 0.9: 2/(2+0+1) = 2/3; 0.8: 2/4; 0.7: 2/5; 0.6: 4/(4+2+0) = 2/3; 0.2: 4/7; 0.1: 4/8
    const labels = [1, 0, 0, 1, 0, 0];
    deepEqual(chooseThreshold(labels, [0.9, 0.8, 0.7, 0.6, 0.2, 0.1], { kind: "f1" }), 0.9);
  });
  await t.step("accuracy ties go to the higher threshold", () => {
    // 6/8 at 0.8 and at 0.6
    deepEqual(chooseThreshold(LABELS, SCORES, { kind: "accuracy" }), 0.8);
  });
  await t.step("min-recall takes the highest threshold reaching the recall", () => {
    const at = (recall: number) => chooseThreshold(LABELS, SCORES, { kind: "min-recall", recall });
    deepEqual([at(0), at(0.5), at(0.75), at(0.8), at(1)], [0.9, 0.8, 0.6, 0.2, 0.2]);
  });
  await t.step(
    "min-precision takes the lowest threshold whose precision reaches the target",
    () => {
      // precision from the top: 0.9 1/1, 0.8 2/2, 0.7 2/3, 0.6 3/4, 0.4 3/5, 0.3 3/6, 0.2 4/7, 0.1 4/8
      const at = (precision: number) =>
        chooseThreshold(LABELS, SCORES, { kind: "min-precision", precision });
      deepEqual(
        [at(1), at(0.75), at(0.7), at(0.6), at(0.55), at(0.5), at(0)],
        [0.8, 0.6, 0.6, 0.4, 0.2, 0.1, 0.1],
      );
    },
  );
  await t.step("nothing qualifying falls back to 0.5", () => {
    const labels = [0, 0, 0, 0, 0, 0];
    const scores = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9];
    deepEqual(chooseThreshold(labels, scores, { kind: "f1" }), 0.5);
    deepEqual(chooseThreshold(labels, scores, { kind: "min-recall", recall: 0.5 }), 0.5);
    deepEqual(chooseThreshold(labels, scores, { kind: "min-precision", precision: 0.5 }), 0.5);
  });
  await t.step("a precision outside [0, 1] throws InputError", () => {
    throwsInput(
      () => chooseThreshold(LABELS, SCORES, { kind: "min-precision", precision: -0.1 }),
      "Invalid precision",
    );
  });
  await t.step("a recall outside [0, 1] throws InputError", () => {
    throwsInput(
      () => chooseThreshold(LABELS, SCORES, { kind: "min-recall", recall: 1.5 }),
      "Invalid recall",
    );
  });
});

Deno.test("summarize() gives the mean and a Student t 95% half-width", async (t) => {
  await t.step("five values use t(0.975, 4) = 2.776", () => {
    // mean 3; squared deviations 4+1+0+1+4 = 10, sd = sqrt(10/4); ci95 = 2.776 * sd / sqrt(5)
    const s = summarize([1, 2, 3, 4, 5]);
    deepEqual([s.mean, s.n], [3, 5]);
    close(s.sd, Math.sqrt(2.5));
    close(s.ci95, 2.776 * Math.sqrt(2.5) / Math.sqrt(5));
  });
  await t.step("one value has zero spread", () => {
    deepEqual(summarize([0.7]), { mean: 0.7, ci95: 0, sd: 0, n: 1 });
  });
  await t.step("df 30 uses 2.042 and beyond uses 1.96", () => {
    // 31 values 0..30: mean 15, sum of squared deviations 2 * (1² + … + 15²) = 2480, sd = sqrt(2480/30)
    const s31 = summarize(Array.from({ length: 31 }, (_, i) => i));
    close(s31.ci95, 2.042 * Math.sqrt(2480 / 30) / Math.sqrt(31));
    // 40 alternating 0/1: mean 0.5, squared deviations 40 * 0.25 = 10, sd = sqrt(10/39)
    const s40 = summarize(Array.from({ length: 40 }, (_, i) => i % 2));
    close(s40.ci95, 1.96 * Math.sqrt(10 / 39) / Math.sqrt(40));
  });
  await t.step("no values throws InputError", () => {
    throwsInput(() => summarize([]));
  });
});

Deno.test("metrics reject malformed input with InputError", async (t) => {
  await t.step("different lengths", () => {
    throwsInput(() => rocAuc([1, 0, 1], [0.5, 0.5]), "3 labels but 2 scores");
  });
  await t.step("no examples", () => {
    throwsInput(() => brierScore([], []), "no examples");
  });
  await t.step("a label other than 0 or 1", () => {
    throwsInput(() => confusion([1, 2], [0.5, 0.5], 0.5), "label 1 is 2");
  });
  await t.step("a score outside [0, 1] or NaN", () => {
    throwsInput(() => evaluate([1, 0], [1.5, 0.5], 0.5), "score 0 is 1.5");
    throwsInput(() => averagePrecision([1, 0], [NaN, 0.5]), "score 0 is NaN");
  });
  await t.step("typed arrays are accepted", () => {
    close(rocAuc(Uint8Array.from(LABELS), Float32Array.from(SCORES)), 0.75);
  });
});
