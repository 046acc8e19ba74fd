/**
 * Generates `other_school.csv`, a small synthetic table from an imaginary
 * school whose columns differ from the real data set's, so tests can show the
 * pipeline is driven by the spec and not by hard-coded column names.
 *
 * The label `withdrew` is drawn from a logistic model of `gpa`,
 * `credits_failed` and `scholarship`, so a model has something to learn.
 * Run from the project root to rewrite the file:
 *
 * ```sh
 * deno run --allow-write=pipeline/testdata pipeline/testdata/make_fixture.ts
 * ```
 *
 * @module
 */
import { mulberry32 } from "../core/random.ts";

/** The header of the fixture, in file order. */
export const OTHER_SCHOOL_COLUMNS = [
  "campus",
  "year_of_study",
  "gpa",
  "credits_failed",
  "scholarship",
  "commute_minutes",
  "part_time_job",
  "withdrew",
] as const;

/** Options of {@linkcode makeOtherSchool}. */
export interface FixtureOptions {
  /** How many students. Default 240. */
  rows?: number;
  /**
   * The generator's seed. Default 165, chosen among the first few hundred because its rows
   * reach the ends of every range (credits_failed 12, commute_minutes 120).
   */
  seed?: number;
  /** The share of `gpa` and `commute_minutes` cells left empty. Default 0.03. */
  missing?: number;
}

/**
 * Builds the fixture's CSV text; the same options always give the same bytes.
 *
 * @param options The number of rows, the seed and the missing-cell rate.
 * @returns The CSV, LF line ends, ending with a newline.
 */
export function makeOtherSchool(options: FixtureOptions = {}): string {
  const { rows = 240, seed = 165, missing = 0.03 } = options;
  const rng = mulberry32(seed);
  const normal = () => {
    // Box–Muller; 1 - rng() keeps the logarithm finite.
    const u = 1 - rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)];
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
  const lines = [OTHER_SCHOOL_COLUMNS.join(",")];
  for (let i = 0; i < rows; i++) {
    const campus = pick(["north", "south", "east"]);
    const year = 1 + Math.floor(rng() * 4);
    const gpa = Math.round(clamp(2.8 + 0.7 * normal(), 0, 4) * 100) / 100;
    // Weaker students fail more credits: a geometric count whose mean grows as gpa falls.
    const failRate = clamp(0.2 + 0.3 * (3 - gpa), 0.05, 0.88);
    let failed = 0;
    while (failed < 12 && rng() < failRate) failed++;
    const scholarship = rng() < clamp(0.1 + 0.2 * (gpa - 2), 0.05, 0.6);
    const commute = Math.round(clamp(25 + 25 * normal() + (campus === "east" ? 20 : 0), 0, 120));
    const job = rng() < 0.4;
    const logit = -1.5 - 1.6 * (gpa - 2.8) + 0.35 * failed - 1.2 * (scholarship ? 1 : 0);
    const withdrew = rng() < 1 / (1 + Math.exp(-logit));
    // Blanks are drawn after the label, from the true values, as a register with gaps would be.
    const gpaCell = rng() < missing ? "" : gpa.toFixed(2);
    const commuteCell = rng() < missing ? "" : String(commute);
    lines.push([
      campus,
      year,
      gpaCell,
      failed,
      scholarship ? "yes" : "no",
      commuteCell,
      job ? "Y" : "N",
      withdrew ? "true" : "false",
    ].join(","));
  }
  return lines.join("\n") + "\n";
}

if (import.meta.main) {
  const out = new URL("./other_school.csv", import.meta.url);
  await Deno.writeTextFile(out, makeOtherSchool());
  console.log(`wrote ${out.pathname}`);
}
