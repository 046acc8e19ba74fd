import assert from "node:assert/strict";
import { InputError } from "../core/errors.ts";
import { repeatedStratifiedKFold, stratifiedHoldout, stratifiedSplit } from "./split.ts";

/** Asserts that `call` throws an InputError whose message matches `pattern`. */
function assertInputError(call: () => unknown, pattern: RegExp): void {
  assert.throws(call, (error: unknown) => {
    assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
    assert.match(error.message, pattern);
    return true;
  });
}

// 100 positives among 649 rows, spread through the file like the real data. 100 and 649 are
// coprime, so (i * 100) % 649 runs through 0..648 once and exactly 100 rows fall below 100.
const LABELS = Array.from({ length: 649 }, (_, i) => ((i * 100) % 649 < 100 ? 1 : 0));
const POSITIVES = 100;
const NEGATIVES = 549;

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function countOf(rows: number[], labels: ArrayLike<number>, label: number): number {
  return rows.filter((row) => labels[row] === label).length;
}

function isSorted(rows: number[]): boolean {
  return rows.every((row, i) => i === 0 || rows[i - 1] < row);
}

/** Asserts the parts are sorted, pairwise disjoint and together hold exactly `all`. */
function assertPartition(parts: number[][], all: number[]): void {
  for (const part of parts) assert.ok(isSorted(part), "a part is not sorted ascending");
  const union = parts.flat().sort((a, b) => a - b);
  assert.deepEqual(union, [...all].sort((a, b) => a - b));
}

function assertWithinOneRow(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1,
    `${what}: ${actual} rows, expected about ${expected}`,
  );
}

Deno.test("stratifiedSplit() partitions every row", async (t) => {
  await t.step("train, validation and test are sorted, disjoint and hold every row", () => {
    const split = stratifiedSplit(LABELS, { seed: 42 });
    assertPartition([split.train, split.validation, split.test], range(LABELS.length));
  });

  await t.step("it accepts typed arrays and gives the same split", () => {
    assert.deepEqual(
      stratifiedSplit(Int32Array.from(LABELS), { seed: 42 }),
      stratifiedSplit(LABELS, { seed: 42 }),
    );
  });

  await t.step("labels need not be 0 and 1", () => {
    const labels = LABELS.map((y) => (y === 1 ? 3 : -2.5));
    assert.deepEqual(stratifiedSplit(labels, { seed: 42 }), stratifiedSplit(LABELS, { seed: 42 }));
  });
});

Deno.test("stratifiedSplit() is deterministic for a seed", async (t) => {
  await t.step("the same seed gives the same split", () => {
    assert.deepEqual(stratifiedSplit(LABELS, { seed: 42 }), stratifiedSplit(LABELS, { seed: 42 }));
  });

  await t.step("another seed gives a different split", () => {
    const a = stratifiedSplit(LABELS, { seed: 42 });
    const b = stratifiedSplit(LABELS, { seed: 43 });
    assert.notDeepEqual(a.test, b.test);
    assert.notDeepEqual(a.validation, b.validation);
  });
});

Deno.test("stratifiedSplit() keeps the class proportions in every part", async (t) => {
  const cases = [
    { validation: 0.15, test: 0.15, options: { seed: 1 } },
    { validation: 0.2, test: 0.1, options: { seed: 2, validation: 0.2, test: 0.1 } },
    { validation: 0.25, test: 0.25, options: { seed: 3, validation: 0.25, test: 0.25 } },
  ];
  for (const { validation, test, options } of cases) {
    await t.step(`validation ${validation} and test ${test} are within one row per class`, () => {
      const split = stratifiedSplit(LABELS, options);
      for (const [label, total] of [[1, POSITIVES], [0, NEGATIVES]]) {
        const name = label === 1 ? "positives" : "negatives";
        assertWithinOneRow(countOf(split.test, LABELS, label), total * test, `test ${name}`);
        assertWithinOneRow(
          countOf(split.validation, LABELS, label),
          total * validation,
          `validation ${name}`,
        );
        assertWithinOneRow(
          countOf(split.train, LABELS, label),
          total * (1 - validation - test),
          `train ${name}`,
        );
      }
    });
  }

  await t.step("a test fraction of 0 leaves test empty", () => {
    const split = stratifiedSplit(LABELS, { seed: 5, test: 0 });
    assert.deepEqual(split.test, []);
    assertPartition([split.train, split.validation], range(LABELS.length));
  });
});

Deno.test("stratifiedSplit() gives every part each class of at least 3 rows", async (t) => {
  await t.step("a class of exactly 3 rows puts one row in each part", () => {
    const labels = [...new Array(50).fill(0), 1, 1, 1];
    for (const seed of [0, 1, 2, 3]) {
      const split = stratifiedSplit(labels, { seed });
      for (const part of [split.train, split.validation, split.test]) {
        assert.equal(countOf(part, labels, 1), 1);
      }
    }
  });

  await t.step("tiny fractions still give each part one row of each class", () => {
    const labels = [...new Array(10).fill(0), ...new Array(10).fill(1)];
    const split = stratifiedSplit(labels, { seed: 8, validation: 0.01, test: 0.01 });
    for (const part of [split.validation, split.test]) {
      assert.equal(countOf(part, labels, 0), 1);
      assert.equal(countOf(part, labels, 1), 1);
    }
  });

  await t.step("large fractions still leave train one row of each class", () => {
    const labels = [0, 0, 0, 1, 1, 1, 1];
    const split = stratifiedSplit(labels, { seed: 8, validation: 0.3, test: 0.6 });
    assert.equal(countOf(split.train, labels, 0), 1);
    assert.equal(countOf(split.train, labels, 1), 1);
    assertPartition([split.train, split.validation, split.test], range(labels.length));
  });

  await t.step("a class of one row stays in train", () => {
    const labels = [...new Array(20).fill(0), 1];
    const split = stratifiedSplit(labels, { seed: 8 });
    assert.ok(split.train.includes(20));
    assertPartition([split.train, split.validation, split.test], range(labels.length));
  });
});

Deno.test("stratifiedSplit() throws InputError for bad options", async (t) => {
  const bad: [string, Parameters<typeof stratifiedSplit>[1], RegExp][] = [
    ["a negative validation fraction", { seed: 1, validation: -0.1 }, /"validation"/],
    ["a validation fraction of 1", { seed: 1, validation: 1 }, /"validation"/],
    ["a test fraction that is NaN", { seed: 1, test: NaN }, /"test"/],
    ["a test fraction above 1", { seed: 1, test: 1.5 }, /"test"/],
    ["fractions summing to 1", { seed: 1, validation: 0.5, test: 0.5 }, /"validation" and "test"/],
    ["a seed that is not an integer", { seed: 1.5 }, /"seed"/],
  ];
  for (const [what, options, message] of bad) {
    await t.step(`${what} is refused with the option named`, () => {
      assertInputError(() => stratifiedSplit(LABELS, options), message);
    });
  }

  await t.step("empty labels are refused", () => {
    assertInputError(() => stratifiedSplit([], { seed: 1 }), /"labels"/);
  });

  await t.step("a label that is not a finite number is refused with its row", () => {
    assertInputError(() => stratifiedSplit([0, 1, NaN, 0], { seed: 1 }), /row 2/);
  });
});

Deno.test("repeatedStratifiedKFold() builds runs of k folds", async (t) => {
  const options = { folds: 5, runs: 3, seed: 42 };
  const folds = repeatedStratifiedKFold(LABELS, options);

  await t.step("it returns runs × folds folds, ordered by run then fold", () => {
    assert.equal(folds.length, 15);
    folds.forEach((f, i) => {
      assert.equal(f.run, Math.floor(i / 5));
      assert.equal(f.fold, i % 5);
    });
  });

  await t.step("within a run every row is in exactly one test fold", () => {
    for (let run = 0; run < 3; run++) {
      const tests = folds.filter((f) => f.run === run).map((f) => f.test);
      assertPartition(tests, range(LABELS.length));
    }
  });

  await t.step("each fold's train part is every row outside its test part", () => {
    for (const fold of folds) assertPartition([fold.train, fold.test], range(LABELS.length));
  });

  await t.step("fold sizes differ by at most one per class and one overall", () => {
    for (let run = 0; run < 3; run++) {
      const tests = folds.filter((f) => f.run === run).map((f) => f.test);
      for (const label of [0, 1]) {
        const sizes = tests.map((test) => countOf(test, LABELS, label));
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `class ${label}: ${sizes}`);
      }
      const sizes = tests.map((test) => test.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes: ${sizes}`);
    }
  });

  await t.step("balance holds with three classes and uneven counts", () => {
    const labels = [...new Array(11).fill(0), ...new Array(7).fill(1), ...new Array(5).fill(2)];
    const tests = repeatedStratifiedKFold(labels, { folds: 4, runs: 1, seed: 3 })
      .map((f) => f.test);
    assertPartition(tests, range(labels.length));
    for (const label of [0, 1, 2]) {
      const sizes = tests.map((test) => countOf(test, labels, label));
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `class ${label}: ${sizes}`);
    }
    const sizes = tests.map((test) => test.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes: ${sizes}`);
  });

  await t.step("each run shuffles afresh", () => {
    assert.notDeepEqual(folds[0].test, folds[5].test);
    assert.notDeepEqual(folds[5].test, folds[10].test);
  });

  await t.step("the same seed gives the same folds and another seed different ones", () => {
    assert.deepEqual(repeatedStratifiedKFold(LABELS, options), folds);
    assert.notDeepEqual(repeatedStratifiedKFold(LABELS, { ...options, seed: 43 }), folds);
  });

  await t.step("folds may equal the size of the smallest class", () => {
    const tests = repeatedStratifiedKFold(LABELS, { folds: POSITIVES, runs: 1, seed: 1 })
      .map((f) => f.test);
    assert.ok(tests.every((test) => countOf(test, LABELS, 1) === 1));
  });
});

Deno.test("repeatedStratifiedKFold() throws InputError for bad options", async (t) => {
  const bad: [string, Parameters<typeof repeatedStratifiedKFold>[1], RegExp][] = [
    ["one fold", { folds: 1, runs: 1, seed: 1 }, /"folds"/],
    ["a fractional number of folds", { folds: 2.5, runs: 1, seed: 1 }, /"folds"/],
    ["more folds than the smallest class has rows", { folds: 101, runs: 1, seed: 1 }, /"folds"/],
    ["no runs", { folds: 5, runs: 0, seed: 1 }, /"runs"/],
    ["a fractional number of runs", { folds: 5, runs: 1.5, seed: 1 }, /"runs"/],
    ["a seed that is not an integer", { folds: 5, runs: 1, seed: NaN }, /"seed"/],
  ];
  for (const [what, options, message] of bad) {
    await t.step(`${what} is refused with the option named`, () => {
      assertInputError(() => repeatedStratifiedKFold(LABELS, options), message);
    });
  }

  await t.step("the message gives the size of the smallest class", () => {
    assertInputError(
      () => repeatedStratifiedKFold(LABELS, { folds: 101, runs: 1, seed: 1 }),
      /from 2 to 100/,
    );
  });

  await t.step("empty labels are refused", () => {
    assertInputError(() => repeatedStratifiedKFold([], { folds: 2, runs: 1, seed: 1 }), /"labels"/);
  });
});

Deno.test("stratifiedHoldout() splits a subset of rows by label", async (t) => {
  const [fold] = repeatedStratifiedKFold(LABELS, { folds: 5, runs: 1, seed: 42 });

  await t.step("fit and holdout are sorted, disjoint and hold exactly the given rows", () => {
    const { fit, holdout } = stratifiedHoldout(LABELS, fold.train, 0.1, 7);
    assertPartition([fit, holdout], fold.train);
    assert.ok(holdout.every((row) => !fold.test.includes(row)));
  });

  await t.step("the holdout has each class's share within one row", () => {
    const { holdout } = stratifiedHoldout(LABELS, fold.train, 0.1, 7);
    for (const label of [0, 1]) {
      const total = countOf(fold.train, LABELS, label);
      assertWithinOneRow(countOf(holdout, LABELS, label), total * 0.1, `class ${label}`);
    }
  });

  await t.step("the same seed gives the same holdout and another seed a different one", () => {
    const a = stratifiedHoldout(LABELS, fold.train, 0.1, 7);
    assert.deepEqual(stratifiedHoldout(LABELS, fold.train, 0.1, 7), a);
    assert.notDeepEqual(stratifiedHoldout(LABELS, fold.train, 0.1, 8).holdout, a.holdout);
  });

  await t.step("the order of the given rows does not matter", () => {
    const reversed = [...fold.train].reverse();
    assert.deepEqual(
      stratifiedHoldout(LABELS, reversed, 0.1, 7),
      stratifiedHoldout(LABELS, fold.train, 0.1, 7),
    );
  });

  await t.step("the given rows are not modified", () => {
    const rows = [...fold.train];
    stratifiedHoldout(LABELS, rows, 0.1, 7);
    assert.deepEqual(rows, fold.train);
  });

  await t.step("a class of two rows gives one to the holdout and keeps one", () => {
    const labels = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    const { fit, holdout } = stratifiedHoldout(labels, range(12), 0.05, 3);
    assert.equal(countOf(holdout, labels, 1), 1);
    assert.equal(countOf(fit, labels, 1), 1);
  });

  await t.step("a fraction of 0 holds nothing out", () => {
    const { fit, holdout } = stratifiedHoldout(LABELS, fold.train, 0, 7);
    assert.deepEqual(holdout, []);
    assert.deepEqual(fit, fold.train);
  });
});

Deno.test("stratifiedHoldout() throws InputError for bad arguments", async (t) => {
  const rows = range(20);
  const cases: [string, () => unknown, RegExp][] = [
    ["a fraction of 1", () => stratifiedHoldout(LABELS, rows, 1, 1), /"fraction"/],
    ["a negative fraction", () => stratifiedHoldout(LABELS, rows, -0.1, 1), /"fraction"/],
    ["a seed that is not an integer", () => stratifiedHoldout(LABELS, rows, 0.1, 0.5), /"seed"/],
    ["an index past the last row", () => stratifiedHoldout(LABELS, [0, 649], 0.1, 1), /"indices"/],
    ["a negative index", () => stratifiedHoldout(LABELS, [-1, 3], 0.1, 1), /"indices"/],
    ["a fractional index", () => stratifiedHoldout(LABELS, [1.5], 0.1, 1), /"indices"/],
    ["a repeated index", () => stratifiedHoldout(LABELS, [4, 5, 4], 0.1, 1), /row 4 appears/],
    ["a label that is not a number", () => stratifiedHoldout([0, NaN], [0, 1], 0.1, 1), /row 1/],
  ];
  for (const [what, call, message] of cases) {
    await t.step(`${what} is refused`, () => {
      assertInputError(call, message);
    });
  }
});

Deno.test("stratifiedSplit and stratifiedHoldout take a million rows without overflowing the stack", () => {
  const labels = new Uint8Array(1_000_000).map((_, i) => (i % 3 === 0 ? 1 : 0));
  const split = stratifiedSplit(labels, { seed: 1 });
  assert.equal(split.train.length + split.validation.length + split.test.length, labels.length);
  const { fit, holdout } = stratifiedHoldout(labels, split.train, 0.15, 2);
  assert.equal(fit.length + holdout.length, split.train.length);
});
