/**
 * Seeded randomness for the pipeline: a small generator, a shuffle, seed derivation and sampling
 * with replacement. Nothing here touches `Math.random`, so every split and resample is
 * reproducible from its seed.
 *
 * @module
 */

import { InputError } from "./errors.ts";

/**
 * Creates a seeded generator of uniform numbers in [0, 1) with 32 bits of state.
 *
 * This is the public-domain mulberry32 algorithm by Tommy Ettinger, written here from its
 * description. The seed is taken modulo 2^32, so `seed` and `seed + 2 ** 32` give the same stream.
 *
 * @param seed Any integer; only its low 32 bits are used.
 * @returns A function returning the next number of the stream on each call.
 * @example
 * ```ts
 * const rng = mulberry32(42);
 * const roll = Math.floor(rng() * 6) + 1;
 * ```
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Shuffles an array in place with the Fisher–Yates algorithm.
 *
 * @param items The array to shuffle; it is modified.
 * @param rng A generator of uniform numbers in [0, 1), such as {@linkcode mulberry32}.
 * @returns The same array, shuffled.
 */
export function shuffleInPlace<T>(items: T[], rng: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const held = items[i];
    items[i] = items[j];
    items[j] = held;
  }
  return items;
}

/**
 * Mixes a seed and some integers into a new 32-bit seed, deterministically.
 *
 * Used to give each run, class or stage its own independent stream from one user seed. The mix
 * is the murmur3 block step and finaliser, so changing any part, or their order, changes the
 * result.
 *
 * @param seed The base seed; only its low 32 bits are used.
 * @param parts Integers to mix in (run number, class index, …); both 32-bit halves of each count.
 * @returns An unsigned 32-bit integer.
 * @example
 * ```ts
 * // One independent stream per run, all from the user's seed 42.
 * const streams = [0, 1, 2].map((run) => mulberry32(deriveSeed(42, run)));
 * ```
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = seed >>> 0;
  for (const part of parts) {
    h = mixWord(h, part >>> 0);
    h = mixWord(h, Math.floor(part / 4294967296) >>> 0);
  }
  h ^= parts.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * Draws indices uniformly from 0 to n - 1 with replacement, as a bootstrap resample does.
 *
 * @param n How many items there are to draw from.
 * @param size How many indices to draw.
 * @param rng A generator of uniform numbers in [0, 1), such as {@linkcode mulberry32}.
 * @returns `size` indices in draw order; repeats are expected.
 * @throws {InputError} When `n` or `size` is not a non-negative integer, or `n` is 0 while
 * `size` is not.
 */
export function sampleIndices(n: number, size: number, rng: () => number): number[] {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new InputError(`Invalid argument "n": ${n}, expected a non-negative integer`);
  }
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new InputError(`Invalid argument "size": ${size}, expected a non-negative integer`);
  }
  if (n === 0 && size > 0) {
    throw new InputError(`Invalid argument "n": 0, cannot draw ${size} indices from nothing`);
  }
  const drawn = new Array<number>(size);
  for (let i = 0; i < size; i++) drawn[i] = Math.floor(rng() * n);
  return drawn;
}

/** The seed used wherever none is given: split, initialisers, shuffling and folds. */
export const DEFAULT_SEED = 42;
