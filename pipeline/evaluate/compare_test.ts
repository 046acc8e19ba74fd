import { deepEqual, ok, throws } from "node:assert/strict";
import { InputError } from "../core/errors.ts";
import { correctedResampledTTest } from "./compare.ts";

function close(actual: number, expected: number, tolerance = 1e-12): void {
  ok(
    Math.abs(actual - expected) <= tolerance,
    `Expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

Deno.test("correctedResampledTTest() matches a hand computation", async (t) => {
  // d = [0.1, 0, 0.05, 0.15]: mean 0.075; squared deviations 0.025² + 0.075² + 0.025² + 0.075²
  // = 0.0125, var = 0.0125 / 3. Sizes 90 / 10: (1/4 + 10/90) = 13/36.
  // t = 0.075 / √(13/36 · 0.0125/3) = 0.075 / √(0.0015046…) = 1.93351…, df 3.
  const a = [0.9, 0.8, 0.85, 0.95];
  const b = [0.8, 0.8, 0.8, 0.8];
  const r = correctedResampledTTest(a, b, { trainSize: 90, testSize: 10 });
  const tHand = 0.075 / Math.sqrt((13 / 36) * (0.0125 / 3));

  await t.step("the statistic uses the corrected variance", () => {
    deepEqual([r.n, r.df], [4, 3]);
    close(r.mean_difference, 0.075);
    close(r.sd_difference, Math.sqrt(0.0125 / 3));
    close(r.t, tHand);
    close(r.t, 1.933511, 1e-6);
  });

  await t.step("p is two-sided from t with 3 df (closed form 1 - 2/π (u/(1+u²) + atan u))", () => {
    const u = tHand / Math.sqrt(3);
    close(r.p, 1 - (2 / Math.PI) * (u / (1 + u * u) + Math.atan(u)), 1e-12);
    close(r.p, 0.1487, 1e-3);
  });

  await t.step("the 95 % interval is mean ± t(0.975, 3) times the corrected error", () => {
    // t(0.975, 3) = 3.182446 (the tables); the error is mean / t.
    const half = 3.182446305 * (0.075 / tHand);
    close(r.ci95[0], 0.075 - half, 1e-8);
    close(r.ci95[1], 0.075 + half, 1e-8);
    ok(r.ci95[0] < 0 && r.p > 0.05, "an interval holding 0 goes with p above 5 %");
  });

  await t.step("swapping the models flips the sign and keeps p", () => {
    const s = correctedResampledTTest(b, a, { trainSize: 90, testSize: 10 });
    close(s.t, -r.t);
    close(s.p, r.p);
    close(s.ci95[0], -r.ci95[1]);
    close(s.ci95[1], -r.ci95[0]);
  });

  await t.step("the correction makes it less confident than the plain paired t-test", () => {
    // A vanishing test/train ratio leaves the plain paired t: mean / (sd / √n).
    const plain = correctedResampledTTest(a, b, { trainSize: 1e12, testSize: 1e-12 });
    close(plain.t, 0.075 / (Math.sqrt(0.0125 / 3) / 2), 1e-9);
    ok(plain.p < r.p, `${plain.p} < ${r.p}`);
  });
});

Deno.test("correctedResampledTTest() handles equal differences and rejects bad input", async (t) => {
  await t.step("identical models give t 0 and p 1", () => {
    const r = correctedResampledTTest([0.8, 0.7, 0.9], [0.8, 0.7, 0.9], {
      trainSize: 9,
      testSize: 1,
    });
    deepEqual([r.t, r.p, r.ci95], [0, 1, [0, 0]]);
  });
  await t.step("a constant non-zero difference gives an infinite t and p 0", () => {
    const r = correctedResampledTTest([0.75, 0.5], [0.5, 0.25], { trainSize: 9, testSize: 1 });
    deepEqual([r.t, r.p, r.ci95], [Infinity, 0, [0.25, 0.25]]);
  });
  await t.step("mismatched lengths, one fold or bad sizes throw InputError", () => {
    throws(() => correctedResampledTTest([1, 2], [1], { trainSize: 9, testSize: 1 }), InputError);
    throws(() => correctedResampledTTest([1], [1], { trainSize: 9, testSize: 1 }), InputError);
    throws(
      () => correctedResampledTTest([1, 2], [1, 2], { trainSize: 0, testSize: 1 }),
      InputError,
    );
    throws(
      () => correctedResampledTTest([1, NaN], [1, 2], { trainSize: 9, testSize: 1 }),
      InputError,
    );
  });
});
