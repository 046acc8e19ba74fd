/**
 * Generates `tiny_school.csv`, 100 synthetic students for the peers' tests: a category, an
 * ordinal, a number with a few blanks, an integer, a boolean, a leak column and a label drawn
 * from a logistic model of gpa and failures, so a model has something to learn. Run from the
 * project root to rewrite the file:
 *
 * ```sh
 * deno run --allow-write=bench/peers/testdata bench/peers/testdata/make_fixture.ts
 * ```
 *
 * @module
 */
import { mulberry32 } from "../../../pipeline/mod.ts";

/**
 * Builds the fixture's CSV text; the same seed always gives the same bytes.
 *
 * @param seed The generator's seed.
 * @returns The CSV, LF line ends.
 */
export function makeTinySchool(seed = 3): string {
  const rng = mulberry32(seed);
  const lines = ["campus,year,gpa,failed,scholarship,final_gpa,withdrew"];
  for (let i = 0; i < 100; i++) {
    const campus = ["north", "south", "east"][Math.floor(rng() * 3)];
    const year = 1 + Math.floor(rng() * 4);
    const gpa = Math.round(Math.min(4, Math.max(0, 2.6 + 1.6 * (rng() - 0.5))) * 100) / 100;
    const failed = Math.floor(rng() * 4 * (4 - gpa) / 4);
    const scholarship = rng() < 0.3;
    const withdrew = rng() < 1 / (1 + Math.exp(-(-0.8 - 5 * (gpa - 2.6) + 0.8 * failed)));
    const finalGpa = withdrew ? 1 : 3;
    const gpaCell = i % 25 === 7 ? "" : gpa.toFixed(2);
    lines.push(
      [campus, year, gpaCell, failed, scholarship ? "yes" : "no", finalGpa, withdrew].join(","),
    );
  }
  return lines.join("\n") + "\n";
}

if (import.meta.main) {
  const out = new URL("./tiny_school.csv", import.meta.url);
  await Deno.writeTextFile(out, makeTinySchool());
  console.log(`wrote ${out.pathname}`);
}
