import assert from "node:assert/strict";
import { calibrate, chooseCalibration, fitPlatt } from "./calibration.ts";
import { logLoss } from "./metrics.ts";
import { mulberry32 } from "./_random.ts";

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
