import { ok, throws } from "node:assert/strict";
import { InputError } from "../core/errors.ts";
import {
  lnGamma,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  studentTTwoSided,
} from "./student_t.ts";

function close(actual: number, expected: number, tolerance: number): void {
  ok(
    Math.abs(actual - expected) <= tolerance,
    `Expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

Deno.test("lnGamma() matches factorials and Γ(1/2) = √π", () => {
  close(lnGamma(1), 0, 1e-14);
  close(lnGamma(2), 0, 1e-14);
  close(lnGamma(5), Math.log(24), 1e-13);
  close(lnGamma(11), Math.log(3628800), 1e-12);
  close(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13);
  // Γ(0.1) = 9.51350769866873… (reflection branch)
  close(lnGamma(0.1), Math.log(9.513507698668732), 1e-12);
  throws(() => lnGamma(0), InputError);
});

Deno.test("regularizedIncompleteBeta() matches the binomial and power forms", async (t) => {
  await t.step("integer shapes: I_x(a, b) = P(Binomial(a + b - 1, x) >= a)", () => {
    // n = 4, x = 1/2: (C(4,2) + C(4,3) + C(4,4)) / 16 = 11/16
    close(regularizedIncompleteBeta(0.5, 2, 3), 11 / 16, 1e-14);
    // n = 4, x = 0.2, at least 3: 4 * 0.2³ * 0.8 + 0.2⁴ = 0.0256 + 0.0016
    close(regularizedIncompleteBeta(0.2, 3, 2), 0.0272, 1e-14);
  });
  await t.step("I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 - (1 - x)^b", () => {
    close(regularizedIncompleteBeta(0.37, 1, 1), 0.37, 1e-14);
    close(regularizedIncompleteBeta(0.3, 3, 1), 0.027, 1e-14);
    close(regularizedIncompleteBeta(0.3, 1, 4), 1 - 0.7 ** 4, 1e-14);
  });
  await t.step("both sides of the mean agree by symmetry", () => {
    for (const x of [0.05, 0.4, 0.6, 0.95]) {
      close(
        regularizedIncompleteBeta(x, 2.5, 7),
        1 - regularizedIncompleteBeta(1 - x, 7, 2.5),
        1e-13,
      );
    }
  });
  await t.step("the ends are 0 and 1, and bad arguments throw InputError", () => {
    close(regularizedIncompleteBeta(0, 2, 3), 0, 0);
    close(regularizedIncompleteBeta(1, 2, 3), 1, 0);
    throws(() => regularizedIncompleteBeta(1.5, 2, 3), InputError);
    throws(() => regularizedIncompleteBeta(0.5, 0, 3), InputError);
  });
});

Deno.test("studentTCdf() matches the closed forms for 1, 2 and 3 degrees of freedom", async (t) => {
  const ts = [-4, -1.3, -0.2, 0, 0.7, 1.5, 3, 12];
  await t.step("df 1 is the Cauchy distribution: 1/2 + atan(t)/π", () => {
    for (const x of ts) close(studentTCdf(x, 1), 0.5 + Math.atan(x) / Math.PI, 1e-13);
  });
  await t.step("df 2: 1/2 + t / (2 √(2 + t²))", () => {
    for (const x of ts) close(studentTCdf(x, 2), 0.5 + x / (2 * Math.sqrt(2 + x * x)), 1e-13);
  });
  await t.step("df 3: 1/2 + (u / (1 + u²) + atan u) / π with u = t/√3", () => {
    for (const x of ts) {
      const u = x / Math.sqrt(3);
      close(studentTCdf(x, 3), 0.5 + (u / (1 + u * u) + Math.atan(u)) / Math.PI, 1e-13);
    }
  });
});

Deno.test("studentTTwoSided() gives 5 % at the tabled 97.5 % quantiles", () => {
  // Standard table values, given to 3 decimals, hence the tolerance.
  const table: [number, number][] = [[1, 12.706], [4, 2.776], [10, 2.228], [29, 2.045]];
  for (const [df, q] of table) close(studentTTwoSided(q, df), 0.05, 2e-4);
  // Many degrees of freedom approach the normal: 1.959964 is its 97.5 % quantile.
  close(studentTTwoSided(1.959964, 1e6), 0.05, 1e-5);
  close(studentTTwoSided(0, 9), 1, 1e-14);
  close(studentTTwoSided(-Infinity, 9), 0, 0);
  throws(() => studentTTwoSided(1, 0), InputError);
  throws(() => studentTTwoSided(NaN, 3), InputError);
});

Deno.test("studentTQuantile() inverts the CDF and matches the closed forms", async (t) => {
  await t.step("1 df is Cauchy: tan(π(p - 1/2)); 2 df: (2p - 1) / √(2p(1 - p))", () => {
    for (const p of [0.01, 0.25, 0.6, 0.975, 0.999]) {
      close(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-9 * Math.max(1, 1 / (1 - p)));
      close(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-9);
    }
  });
  await t.step("the two-sided 95 % critical values of the tables", () => {
    close(studentTQuantile(0.975, 10), 2.228139, 1e-6);
    close(studentTQuantile(0.975, 29), 2.045230, 1e-6);
    close(studentTQuantile(0.025, 29), -2.045230, 1e-6);
  });
  await t.step("it round-trips through the CDF, and the median is 0", () => {
    for (const df of [3, 7.5, 120]) {
      for (const p of [0.001, 0.3, 0.9]) close(studentTCdf(studentTQuantile(p, df), df), p, 1e-10);
    }
    close(studentTQuantile(0.5, 4), 0, 0);
  });
  await t.step("it refuses a probability outside (0, 1) or a bad df", () => {
    throws(() => studentTQuantile(0, 3), InputError);
    throws(() => studentTQuantile(1, 3), InputError);
    throws(() => studentTQuantile(0.5, 0), InputError);
  });
});
