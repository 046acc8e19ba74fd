/**
 * Seeded rows with a category column and missing values, for the boosting tests: column 0 is a
 * category code 0–7 whose codes 1, 4 and 6 are risky, column 1 a number missing in a quarter of
 * the rows (missing is risky too), column 2 a number that matters above 0.7, the rest noise.
 *
 * @module
 */
import { mulberry32 } from "../_deps.ts";
import type { Synthetic } from "./synthetic.ts";

/** The category codes of column 0 that raise the risk. */
export const RISKY_CODES = [1, 4, 6];

/**
 * Makes n rows of d ≥ 3 columns as the module describes.
 *
 * @param n Rows.
 * @param d Columns (at least 3).
 * @param seed Seed.
 * @returns The dataset; `categories` is the fit option naming column 0 a category of 8 codes.
 */
export function mixed(n: number, d: number, seed: number): Synthetic & { categories: number[] } {
  const rng = mulberry32(seed);
  const x = new Float32Array(n * d);
  const y = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    const code = Math.floor(rng() * 8);
    x[o] = code;
    const missing = rng() < 0.25;
    x[o + 1] = missing ? NaN : rng();
    x[o + 2] = rng();
    for (let f = 3; f < d; f++) x[o + f] = rng() < 0.5 ? 1 : 0;
    const score = (RISKY_CODES.includes(code) ? 1.5 : -1) + (missing ? 1.2 : 0) +
      (x[o + 2] > 0.7 ? 1 : 0) - 0.5;
    y[r] = rng() < 1 / (1 + Math.exp(-2 * score)) ? 1 : 0;
  }
  const categories = new Array<number>(d).fill(0);
  categories[0] = 8;
  return { x, y, n, d, categories };
}
