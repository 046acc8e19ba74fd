import assert from "node:assert/strict";
import {
  bandMeanings,
  boundBands,
  capacityThreshold,
  chooseBands,
  chooseDecision,
  heldOutShare,
  parsePolicy,
  policyText,
} from "../mod.ts";

Deno.test("capacityThreshold() keeps at most the share at or above it, never splitting a tie", () => {
  assert.equal(capacityThreshold([0.9, 0.8, 0.3, 0.2, 0.1], 0.4), 0.8);
  assert.equal(capacityThreshold([0.9, 0.8, 0.3, 0.2, 0.1], 0.39), 0.9);
  // Three students share 0.5: two of five at 0.9 and 0.7, never four.
  assert.equal(capacityThreshold([0.9, 0.7, 0.5, 0.5, 0.5], 0.6), 0.7);
  // When the top score alone is over capacity, nobody is flagged.
  const t = capacityThreshold([0.4, 0.4, 0.4, 0.1], 0.5);
  assert.ok(t > 0.4 && t < 0.41);
});

Deno.test("chooseDecision() raises the F1 choice of a weak model to its capacity but keeps a fixed one", () => {
  // Half of the rows positive and scores that barely rank them: F1 flags nearly everyone.
  const scores = Array.from({ length: 100 }, (_, i) => (i + 1) / 101);
  const labels = scores.map((_, i) => (i % 2 === 0 || i > 60 ? 1 : 0));
  const f1 = chooseDecision(labels, scores, { policy: { kind: "f1" } });
  const flaggedF1 = scores.filter((s) => s >= f1).length;
  assert.ok(flaggedF1 > 50, `F1 alone flags ${flaggedF1}`);
  const bounded = chooseDecision(labels, scores, {
    policy: { kind: "f1" },
    capacity: { flagged: 0.2, watch: 0.25 },
  });
  // 0.2 less one standard error on 100 rows is 0.16.
  assert.equal(scores.filter((s) => s >= bounded).length, 16);
  assert.equal(
    chooseDecision(labels, scores, {
      policy: { kind: "fixed", threshold: 0.1 },
      capacity: { flagged: 0.2, watch: 0.25 },
    }),
    0.1,
  );
  assert.ok(Math.abs(heldOutShare(0.2, 100) - 0.16) < 1e-12);
});

Deno.test("chooseDecision() keeps a choice already within capacity, as a model finding every positive", () => {
  // 16 positives of 100 above every negative: F1 flags all 16, within a capacity of 20 %.
  const scores = Array.from({ length: 100 }, (_, i) => (i < 16 ? 0.9 - i / 100 : 0.3 - i / 1000));
  const labels = scores.map((_, i) => (i < 16 ? 1 : 0));
  const t = chooseDecision(labels, scores, {
    policy: { kind: "f1" },
    capacity: { flagged: 0.2, watch: 0.25 },
  });
  assert.equal(scores.filter((s) => s >= t).length, 16);
});

Deno.test("chooseBands() with a capacity never puts most students on watch", () => {
  const scores = Array.from({ length: 200 }, (_, i) => (i + 1) / 201);
  const labels = scores.map((_, i) => (i % 3 === 0 ? 1 : 0));
  const threshold = chooseDecision(labels, scores, {
    policy: { kind: "f1" },
    capacity: { flagged: 0.2, watch: 0.25 },
  });
  const open = chooseBands(labels, scores, { threshold, watchRecall: 0.9 });
  const bounded = chooseBands(labels, scores, {
    threshold,
    watchRecall: 0.9,
    capacity: { flagged: 0.2, watch: 0.25 },
  });
  const watch = (m: number) => scores.filter((s) => s >= m && s < threshold).length / 200;
  assert.ok(watch(open.medium) > 0.5, `unbounded watch ${watch(open.medium)}`);
  assert.ok(watch(bounded.medium) <= 0.25, `bounded watch ${watch(bounded.medium)}`);
  assert.deepEqual(boundBands(bounded, scores, { capacity: { flagged: 1, watch: 1 } }), bounded);
});

Deno.test("bandMeanings() gives each band's share and the recall and precision at its edge", () => {
  const labels = [1, 1, 0, 1, 0, 0, 0, 0];
  const scores = [0.9, 0.8, 0.7, 0.5, 0.4, 0.2, 0.1, 0.05];
  const [high, medium, low] = bandMeanings(labels, scores, { medium: 0.4, high: 0.7 });
  assert.deepEqual(high, {
    band: "high",
    from: 0.7,
    share: 3 / 8,
    recall: 2 / 3,
    precision: 2 / 3,
  });
  assert.deepEqual(medium, {
    band: "medium",
    from: 0.4,
    share: 2 / 8,
    recall: 1,
    precision: 3 / 5,
  });
  assert.deepEqual(low, { band: "low", from: 0, share: 3 / 8, recall: 1, precision: 3 / 8 });
});

Deno.test("parsePolicy() reads capacity:C and policyText() writes it back", () => {
  const policy = parsePolicy("capacity:0.15");
  assert.deepEqual(policy, { kind: "capacity", share: 0.15 });
  assert.equal(policyText(policy!), "capacity:0.15");
});
