import assert from "node:assert/strict";
import {
  calibrate,
  chooseCalibration,
  fitPlatt,
  logitMap,
  priorCorrection,
} from "./calibration.ts";
import { logLoss } from "../evaluate/metrics.ts";
import { mulberry32 } from "../core/random.ts";

/** Labels drawn from true probabilities q, and scores that overstate risk: logit(s) = logit(q)/2 + 1.5. */
function overconfident(n: number, seed: number) {
  const rng = mulberry32(seed);
  const labels: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = rng() * 8 - 5;
    const q = 1 / (1 + Math.exp(-z));
    labels.push(rng() < q ? 1 : 0);
    scores.push(1 / (1 + Math.exp(-(z / 2 + 1.5))));
  }
  return { labels, scores };
}

Deno.test("fitPlatt() recovers the map that undoes a known distortion", () => {
  const { labels, scores } = overconfident(20000, 5);
  const { a, b } = fitPlatt(labels, scores);
  // logit(q) = 2·(logit(s) − 1.5) = 2·logit(s) − 3
  assert.ok(Math.abs(a - 2) < 0.1, `a = ${a}`);
  assert.ok(Math.abs(b + 3) < 0.15, `b = ${b}`);
});

Deno.test("chooseCalibration() keeps Platt scaling only when it lowers held-out log loss", async (t) => {
  await t.step("distorted scores get Platt scaling and a lower log loss", () => {
    const { labels, scores } = overconfident(600, 9);
    const c = chooseCalibration(labels, scores);
    assert.equal(c.method, "platt");
    if (c.method !== "platt") return;
    assert.ok(c.validation_log_loss.after < c.validation_log_loss.before);
    const calibrated = scores.map((s) => calibrate(c, s));
    assert.ok(logLoss(labels, calibrated) < logLoss(labels, scores));
  });
  await t.step("too few positives leaves the scores alone", () => {
    assert.deepEqual(
      chooseCalibration([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], new Array(11).fill(0.2)),
      {
        method: "none",
      },
    );
  });
  await t.step("calibrate() with none is the identity and Platt is monotonic", () => {
    assert.equal(calibrate({ method: "none" }, 0.37), 0.37);
    const c = {
      method: "platt" as const,
      a: 1.3,
      b: -0.4,
      validation_log_loss: { before: 1, after: 0.9 },
    };
    assert.ok(calibrate(c, 0.2) < calibrate(c, 0.3));
  });
});

Deno.test("priorCorrection() divides the odds by the ratio of the class weights", async (t) => {
  await t.step("odds(p') = odds(p) · w₀ / w₁ at every p", () => {
    const c = priorCorrection({ positive: 3, negative: 0.6 });
    assert.equal(c.method, "prior");
    const odds = (p: number) => p / (1 - p);
    for (const p of [0.01, 0.2, 0.5, 0.77, 0.99]) {
      const ratio = odds(calibrate(c, p)) / odds(p);
      assert.ok(Math.abs(ratio - 0.2) < 1e-9, `p ${p}: ratio ${ratio}`);
    }
    assert.deepEqual(logitMap(c), { a: 1, b: Math.log(0.6 / 3) });
  });
  await t.step("equal weights need no correction", () => {
    assert.deepEqual(priorCorrection({ positive: 1, negative: 1 }), { method: "none" });
  });
  await t.step("scores inflated by the weights' odds ratio are restored", () => {
    // Labels from q; a weighted fit would learn odds(q)·5. The correction gives q back.
    const rng = mulberry32(3);
    const labels: number[] = [];
    const inflated: number[] = [];
    const truth: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const q = 0.02 + 0.5 * rng();
      truth.push(q);
      labels.push(rng() < q ? 1 : 0);
      inflated.push((5 * q) / (5 * q + 1 - q));
    }
    const c = priorCorrection({ positive: 5, negative: 1 });
    const restored = inflated.map((p) => calibrate(c, p));
    restored.forEach((p, i) => assert.ok(Math.abs(p - truth[i]) < 1e-6));
    assert.ok(logLoss(labels, restored) < logLoss(labels, inflated));
  });
});

Deno.test("chooseCalibration() with a base map keeps it unless Platt scaling beats it held out", () => {
  const base = priorCorrection({ positive: 5, negative: 1 });
  const rng = mulberry32(8);
  const labels: number[] = [];
  const inflated: number[] = [];
  for (let i = 0; i < 600; i++) {
    const q = 0.02 + 0.5 * rng();
    labels.push(rng() < q ? 1 : 0);
    inflated.push((5 * q) / (5 * q + 1 - q));
  }
  // The base map is exactly right here, so Platt's two fitted numbers cannot beat it held out.
  assert.deepEqual(chooseCalibration(labels, inflated, 5, base), base);
  assert.deepEqual(chooseCalibration(labels.slice(0, 8), inflated.slice(0, 8), 5, base), base);
  const platt = chooseCalibration(labels, inflated);
  assert.equal(platt.method, "platt", "against no map at all, Platt wins");
});
