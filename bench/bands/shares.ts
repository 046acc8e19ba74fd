/**
 * The band check: trains every profile of a spec with several seeds and counts the students each
 * model puts in each band, over the whole file and over its untouched test split, against the
 * capacity the spec states. It answers whether the bands mean something on a table: the low band
 * holds at least a third of the students, the watch band at most its capacity, the flag at most
 * the students who can be seen.
 *
 * @module
 */
import {
  bandOf,
  type Capacity,
  type Dataset,
  type DatasetSpec,
  DEFAULT_CAPACITY,
  scoreRows,
  trainProfile,
} from "../../pipeline/mod.ts";

/** One trained model's band shares. */
export interface BandShares {
  profile: string;
  seed: number;
  /** The high band's lower edge (the decision threshold) and the medium band's. */
  high: number;
  medium: number;
  /** Shares of every row of the file in each band. */
  all: { low: number; medium: number; high: number };
  /** Shares of the test split's rows in each band. */
  test: { low: number; medium: number; high: number };
  /** True when the file's shares meet the check: low ≥ 1/3, watch ≤ 30 %, flag ≤ its capacity. */
  ok: boolean;
}

/**
 * Trains each profile with each seed and measures its band shares.
 *
 * @param data The labelled table.
 * @param spec Its spec.
 * @param options The profiles (all by default) and seeds.
 * @returns One entry per profile and seed.
 */
export async function bandShares(
  data: Dataset,
  spec: DatasetSpec,
  options: { profiles?: string[]; seeds: number[] },
): Promise<BandShares[]> {
  const capacity: Capacity = spec.capacity ?? DEFAULT_CAPACITY;
  const out: BandShares[] = [];
  for (const profile of options.profiles ?? Object.keys(spec.profiles)) {
    for (const seed of options.seeds) {
      const trained = await trainProfile(data, spec, { profile, seed });
      const shares = (scores: ArrayLike<number>) => {
        const n = { low: 0, medium: 0, high: 0 };
        for (let i = 0; i < scores.length; i++) n[bandOf(trained.bands, scores[i])]++;
        const total = Math.max(1, scores.length);
        return { low: n.low / total, medium: n.medium / total, high: n.high / total };
      };
      const all = shares(scoreRows(trained, data).scores);
      trained.classifier.dispose();
      out.push({
        profile,
        seed,
        high: trained.bands.high,
        medium: trained.bands.medium,
        all,
        test: shares(trained.evaluation.test.probabilities),
        ok: all.low >= 1 / 3 && all.medium <= 0.3 && all.high <= capacity.flagged,
      });
    }
  }
  return out;
}

/**
 * Writes the shares as a Markdown table.
 *
 * @param rows The measured shares.
 * @returns The table.
 */
export function bandTable(rows: BandShares[]): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const lines = [
    "| profile | seed | medium from | high from | low | watch | flagged | test low | test watch | test flagged | check |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.profile} | ${r.seed} | ${r.medium.toFixed(3)} | ${r.high.toFixed(3)} | ${
        pct(r.all.low)
      } | ${pct(r.all.medium)} | ${pct(r.all.high)} | ${pct(r.test.low)} | ${
        pct(r.test.medium)
      } | ${pct(r.test.high)} | ${r.ok ? "ok" : "FAILS"} |`,
    );
  }
  return lines.join("\n");
}
