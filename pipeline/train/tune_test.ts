import assert from "node:assert/strict";
import { loadDataset, loadSpec, resolveDataPath, takeRows, tune } from "../mod.ts";

const spec = await loadSpec("data/specs/student_dropout.json");
const full = await loadDataset(resolveDataPath(), spec);
// Every third row keeps the test quick while leaving both classes in every fold.
const data = takeRows(full, Array.from({ length: Math.ceil(full.rows / 3) }, (_, i) => i * 3));

Deno.test("tune() estimates by nested CV and chooses the candidate with the lowest inner log loss", async () => {
  const space = [{ hidden: [], l2: 0.01, epochs: 20 }, { hidden: [4], epochs: 20 }];
  const lines: string[] = [];
  const report = await tune(data, spec, {
    profile: "early-C",
    space,
    outerFolds: 3,
    innerFolds: 2,
    seed: 5,
    log: (l) => lines.push(l),
  });
  assert.equal(report.nested.pcc.n, 3, "one PCC per outer fold");
  assert.equal(report.nested.choices.length, 3);
  assert.ok(report.nested.choices.every((c) => c === 0 || c === 1));
  assert.equal(lines.length, 3, "one progress line per outer fold");
  assert.equal(report.candidates.length, 2);
  const best = report.candidates.reduce(
    (b, c, i) => (c.log_loss < report.candidates[b].log_loss ? i : b),
    0,
  );
  assert.equal(report.chosen, best);
  assert.deepEqual(report.params.hidden, space[best].hidden);
  assert.ok(report.nested.pcc.mean > 50 && report.nested.pcc.mean <= 100);
  assert.deepEqual(report.published, { setup: "C", best: 85.0, naive: 84.6 });
});

Deno.test("tune() rejects a bad candidate before any training", async () => {
  await assert.rejects(
    () => tune(data, spec, { profile: "early-C", space: [{ hidden: [-1] }] }),
    /Invalid model parameter "hidden"/,
  );
});

Deno.test("tune() by percent correct chooses the highest inner PCC over the inner runs, ties by log loss", async () => {
  const space = [
    { hidden: [], l2: 0.01, epochs: 20, calibration: "none" as const },
    { hidden: [], l2: 0.01, epochs: 20 },
  ];
  const report = await tune(data, spec, {
    profile: "early-C",
    space,
    outerFolds: 2,
    innerFolds: 2,
    innerRuns: 2,
    criterion: "pcc",
    seed: 5,
  });
  assert.equal(report.criterion, "pcc");
  assert.equal(report.inner_runs, 2);
  const [a, b] = report.candidates;
  const expected = Math.abs(a.pcc - b.pcc) > 1e-3
    ? (b.pcc > a.pcc ? 1 : 0)
    : (b.log_loss < a.log_loss ? 1 : 0);
  assert.equal(report.chosen, expected);
  assert.equal(report.params.calibration, space[expected].calibration ?? "auto");
});

Deno.test("tune() names an unknown criterion", async () => {
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => tune(data, spec, { profile: "early-C", criterion: "auc" as any }),
    /Invalid tuning criterion "auc": expected log_loss or pcc/,
  );
});

Deno.test("tune() scores each candidate as written, whatever the profile's model entry holds", async () => {
  const space = [{ hidden: [], l2: 0.01, epochs: 10 }];
  const options = { profile: "early-C", space, outerFolds: 2, innerFolds: 2, seed: 5 };
  const bare = structuredClone(spec);
  delete bare.profiles["early-C"].model;
  const set = structuredClone(spec);
  set.profiles["early-C"].model = { hidden: [8], cuts: 2, dropout: 0.4, classWeight: "none" };
  const a = await tune(data, bare, options);
  const b = await tune(data, set, options);
  assert.deepEqual(b.candidates, a.candidates);
  assert.deepEqual(b.nested.pcc, a.nested.pcc);
  assert.deepEqual(b.params, a.params);
});
