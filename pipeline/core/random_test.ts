import assert from "node:assert/strict";
import { deriveSeed, mulberry32, sampleIndices, shuffleInPlace } from "./random.ts";
import { InputError } from "./errors.ts";

/** Asserts that `call` throws an InputError whose message matches `pattern`. */
function assertInputError(call: () => unknown, pattern: RegExp): void {
  assert.throws(call, (error: unknown) => {
    assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
    assert.match(error.message, pattern);
    return true;
  });
}

Deno.test("mulberry32() draws uniform numbers in [0, 1)", async (t) => {
  await t.step("every draw of 10k is in [0, 1) and their mean is about 0.5", () => {
    const rng = mulberry32(2024);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = rng();
      assert.ok(x >= 0 && x < 1, `draw ${i} is ${x}`);
      sum += x;
    }
    // The standard error of the mean of 10k uniforms is about 0.0029.
    assert.ok(Math.abs(sum / 10_000 - 0.5) < 0.01, `mean is ${sum / 10_000}`);
  });

  await t.step("each tenth of [0, 1) gets about a tenth of 10k draws", () => {
    const rng = mulberry32(7);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) bins[Math.floor(rng() * 10)]++;
    for (const count of bins) assert.ok(count > 880 && count < 1120, `bins are ${bins}`);
  });
});

Deno.test("mulberry32() is deterministic for a seed", async (t) => {
  await t.step("the same seed gives the same stream", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    for (let i = 0; i < 1_000; i++) assert.equal(a(), b());
  });

  await t.step("a different seed gives a different stream", () => {
    const a = mulberry32(42);
    const b = mulberry32(43);
    const draws = Array.from({ length: 10 }, () => [a(), b()]);
    assert.ok(draws.some(([x, y]) => x !== y));
  });

  await t.step("the stream of seed 42 stays the same across releases", () => {
    // Saved splits are only reproducible if these never change.
    const rng = mulberry32(42);
    assert.deepEqual([rng(), rng(), rng()], [
      0.6011037519201636,
      0.44829055899754167,
      0.8524657934904099,
    ]);
  });

  await t.step("the seed is taken modulo 2^32", () => {
    const a = mulberry32(5);
    const b = mulberry32(5 + 2 ** 32);
    for (let i = 0; i < 100; i++) assert.equal(a(), b());
  });
});

Deno.test("shuffleInPlace() permutes the array it is given", async (t) => {
  await t.step("it returns the same array holding the same items", () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const result = shuffleInPlace(items, mulberry32(1));
    assert.equal(result, items);
    assert.deepEqual([...result].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
    assert.notDeepEqual(result, Array.from({ length: 50 }, (_, i) => i));
  });

  await t.step("the same seed gives the same order and another seed a different one", () => {
    const base = Array.from({ length: 30 }, (_, i) => i);
    const a = shuffleInPlace([...base], mulberry32(9));
    const b = shuffleInPlace([...base], mulberry32(9));
    const c = shuffleInPlace([...base], mulberry32(10));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  await t.step("empty and one-item arrays are left as they are", () => {
    assert.deepEqual(shuffleInPlace([], mulberry32(1)), []);
    assert.deepEqual(shuffleInPlace(["a"], mulberry32(1)), ["a"]);
  });

  await t.step("all six orders of three items come up about equally often", () => {
    const rng = mulberry32(3);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6_000; i++) {
      const key = shuffleInPlace(["a", "b", "c"], rng).join("");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 6);
    for (const [order, count] of counts) {
      assert.ok(count > 850 && count < 1150, `${order} came up ${count} times`);
    }
  });
});

Deno.test("deriveSeed() mixes integers into a new 32-bit seed", async (t) => {
  await t.step("it is deterministic and gives an unsigned 32-bit integer", () => {
    const seed = deriveSeed(42, 1, 2);
    assert.equal(seed, deriveSeed(42, 1, 2));
    assert.ok(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32);
  });

  await t.step("changing the seed, a part, the order or the number of parts changes it", () => {
    const base = deriveSeed(42, 1, 2);
    assert.notEqual(deriveSeed(43, 1, 2), base);
    assert.notEqual(deriveSeed(42, 1, 3), base);
    assert.notEqual(deriveSeed(42, 2, 1), base);
    assert.notEqual(deriveSeed(42, 1, 2, 0), base);
    assert.notEqual(deriveSeed(42), deriveSeed(42, 0));
  });

  await t.step("parts that differ only above 32 bits give different seeds", () => {
    assert.notEqual(deriveSeed(1, 5), deriveSeed(1, 5 + 2 ** 32));
  });

  await t.step("a grid of 40 × 40 × 4 inputs gives 6400 distinct seeds", () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      for (let run = 0; run < 40; run++) {
        for (let k = 0; k < 4; k++) seen.add(deriveSeed(seed, run, k));
      }
    }
    assert.equal(seen.size, 6400);
  });
});

Deno.test("sampleIndices() draws indices with replacement", async (t) => {
  await t.step("it draws size integers from 0 to n - 1, with repeats", () => {
    const drawn = sampleIndices(100, 100, mulberry32(11));
    assert.equal(drawn.length, 100);
    assert.ok(drawn.every((i) => Number.isInteger(i) && i >= 0 && i < 100));
    // A bootstrap of 100 from 100 leaves out about 37% of the items.
    assert.ok(new Set(drawn).size < 90);
  });

  await t.step("every index comes up about equally often", () => {
    const counts = new Array<number>(5).fill(0);
    for (const i of sampleIndices(5, 10_000, mulberry32(12))) counts[i]++;
    for (const count of counts) assert.ok(count > 1850 && count < 2150, `counts are ${counts}`);
  });

  await t.step("the same seed gives the same draws and another seed different ones", () => {
    assert.deepEqual(sampleIndices(50, 20, mulberry32(4)), sampleIndices(50, 20, mulberry32(4)));
    assert.notDeepEqual(sampleIndices(50, 20, mulberry32(4)), sampleIndices(50, 20, mulberry32(5)));
  });

  await t.step("a size of 0 gives no indices, even from nothing", () => {
    assert.deepEqual(sampleIndices(10, 0, mulberry32(1)), []);
    assert.deepEqual(sampleIndices(0, 0, mulberry32(1)), []);
  });

  await t.step("bad sizes throw InputError naming the argument", () => {
    const rng = mulberry32(1);
    assertInputError(() => sampleIndices(0, 3, rng), /"n"/);
    assertInputError(() => sampleIndices(-1, 3, rng), /"n"/);
    assertInputError(() => sampleIndices(2.5, 3, rng), /"n"/);
    assertInputError(() => sampleIndices(10, -1, rng), /"size"/);
    assertInputError(() => sampleIndices(10, 1.5, rng), /"size"/);
    assertInputError(() => sampleIndices(10, NaN, rng), /"size"/);
  });
});
