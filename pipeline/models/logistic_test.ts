import assert from "node:assert/strict";
import { logisticParams, LogisticRegression } from "./logistic.ts";
import { InputError, mulberry32, NotFittedError } from "../mod.ts";
import { assertExplainsInto } from "./trees/testdata/explain_into.ts";
import { synthetic } from "./trees/testdata/synthetic.ts";

/** 300 rows of 3 columns; the label depends on the first two. */
function fixture() {
  const rng = mulberry32(11);
  const n = 300;
  const d = 3;
  const x = new Float32Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) x[i * d + j] = rng() * 2 - 1;
    const m = 2 * x[i * d] - 1.5 * x[i * d + 1] + 0.3;
    y[i] = rng() < 1 / (1 + Math.exp(-m)) ? 1 : 0;
  }
  return { x, y, n, d };
}

/** The gradient of the mean log loss plus l2·Σw² (the intercept, last, unpenalised). */
function smoothGradient(
  rows: { x: Float32Array; y: Uint8Array; n: number; d: number },
  weights: number[],
  intercept: number,
  l2: number,
): number[] {
  const { x, y, n, d } = rows;
  const grad = new Array<number>(d + 1).fill(0);
  for (let i = 0; i < n; i++) {
    let m = intercept;
    for (let j = 0; j < d; j++) m += weights[j] * x[i * d + j];
    const r = (1 / (1 + Math.exp(-m)) - y[i]) / n;
    for (let j = 0; j < d; j++) grad[j] += r * x[i * d + j];
    grad[d] += r;
  }
  for (let j = 0; j < d; j++) grad[j] += 2 * l2 * weights[j];
  return grad;
}

Deno.test("LogisticRegression.fit() reaches the optimum of the penalised log loss", () => {
  const { x, y, n, d } = fixture();
  const l2 = 0.01;
  const model = new LogisticRegression({ l2 }).fit(x, y, { d });
  const { weights, intercept } = model.toJSON().state as { weights: number[]; intercept: number };
  // The gradient of the mean log loss plus l2·Σw² vanishes at the optimum.
  const grad = smoothGradient({ x, y, n, d }, weights, intercept, l2);
  for (const g of grad) assert.ok(Math.abs(g) < 1e-5, `gradient ${g}`);
  assert.ok(weights[0] > 1 && weights[1] < -0.8, `weights ${weights}`);
});

Deno.test("LogisticRegression with a large L1 penalty drives an unhelpful weight to exactly zero", () => {
  const { x, y, d } = fixture();
  const { weights } = new LogisticRegression({ l1: 0.05 }).fit(x, y, { d }).toJSON().state as {
    weights: number[];
  };
  assert.equal(weights[2], 0);
  assert.ok(Math.abs(weights[0]) > 0.5);
});

/**
 * 400 rows: a number that matters, a one-hot group of three (collinear with the intercept) whose
 * levels matter, a column of noise and a column that is always zero.
 */
function oneHotFixture() {
  const rng = mulberry32(5);
  const n = 400;
  const d = 6;
  const x = new Float32Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const level = Math.floor(rng() * 3);
    x[i * d] = rng() * 2 - 1;
    x[i * d + 1 + level] = 1;
    x[i * d + 4] = rng() * 2 - 1;
    const m = 1.5 * x[i * d] + [-1, 0, 1][level];
    y[i] = rng() < 1 / (1 + Math.exp(-m)) ? 1 : 0;
  }
  return { x, y, n, d };
}

Deno.test("LogisticRegression.fit() with L1 meets the optimality conditions with exact zeros", () => {
  const { x, y, n, d } = oneHotFixture();
  const l1 = 0.01;
  const l2 = 0.001;
  const model = new LogisticRegression({ l1, l2 }).fit(x, y, { d });
  const { weights, intercept } = model.toJSON().state as { weights: number[]; intercept: number };
  const again = new LogisticRegression({ l1, l2 }).fit(x, y, { d }).toJSON().state as {
    weights: number[];
  };
  assert.deepEqual(again.weights, weights);
  const grad = smoothGradient({ x, y, n, d }, weights, intercept, l2);
  // Subgradient optimality: the free intercept's gradient is zero, a zero weight's is within l1,
  // and a non-zero weight's is −l1 times its sign.
  assert.ok(Math.abs(grad[d]) < 1e-9, `intercept gradient ${grad[d]}`);
  for (let j = 0; j < d; j++) {
    const off = weights[j] === 0
      ? Math.max(0, Math.abs(grad[j]) - l1)
      : Math.abs(grad[j] + l1 * Math.sign(weights[j]));
    assert.ok(off < 1e-9, `column ${j}: weight ${weights[j]}, gradient ${grad[j]}`);
  }
  assert.equal(weights[4], 0, "the noise column");
  assert.equal(weights[5], 0, "the column of zeros");
  assert.ok(weights[0] > 1 && weights[3] - weights[1] > 1, `weights ${weights}`);
});

Deno.test("LogisticRegression explains the margin exactly and survives a JSON round trip", () => {
  const { x, y, d } = fixture();
  const model = new LogisticRegression().fit(x, y, { d });
  const again = LogisticRegression.fromJSON(JSON.parse(JSON.stringify(model)));
  assert.deepEqual(again.predictProba(x), model.predictProba(x));
  const p = model.predictProba(x);
  for (let i = 0; i < 20; i++) {
    const { base, contributions, space } = model.explain(x.subarray(i * d, (i + 1) * d));
    assert.equal(space, "margin");
    const margin = base + contributions.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(1 / (1 + Math.exp(-margin)) - p[i]) < 1e-9);
  }
});

Deno.test("LogisticRegression throws NotFittedError before fit and names a bad setting", () => {
  assert.throws(() => new LogisticRegression().predictProba(new Float32Array(3)), NotFittedError);
  assert.throws(() => logisticParams({ l1: -1 }), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, /"l1": expected a number >= 0/);
    return true;
  });
  assert.throws(() => logisticParams({ lr: 1 } as never), /"lr"/);
});

Deno.test("LogisticRegression.explain(row, into) fills the buffer given with explain(row)'s figures", () => {
  const data = synthetic(200, 7, 11, 0.2);
  const model = new LogisticRegression().fit(data.x, data.y, { d: 7 });
  assertExplainsInto(model, synthetic(12, 7, 12).x, 7);
});

Deno.test("LogisticRegression.fit() from another model's weights reaches the same optimum in fewer steps", () => {
  const { x, y, d } = fixture();
  const half = new LogisticRegression({ l1: 0.003, l2: 0.001 }).fit(
    x.subarray(0, 150 * d),
    y.subarray(0, 150),
    { d },
  );
  const cold = new LogisticRegression({ l1: 0.003, l2: 0.001 }).fit(x, y, { d });
  const warm = new LogisticRegression({ l1: 0.003, l2: 0.001 }).fit(x, y, { d, start: half });
  const w = (m: LogisticRegression) => {
    const s = m.toJSON().state as { weights: number[]; intercept: number };
    return [...s.weights, s.intercept];
  };
  w(warm).forEach((v, j) => assert.ok(Math.abs(v - w(cold)[j]) < 1e-6, `weight ${j}: ${v}`));
  assert.ok(warm.iterations < cold.iterations, `${warm.iterations} >= ${cold.iterations}`);
  assert.throws(
    () => new LogisticRegression().fit(x.subarray(0, 300 * 2), y, { d: 2, start: half }),
    InputError,
  );
});
