/**
 * The split manifest: which rows of which file went to train, validation and
 * test, with the seed and the class counts. `deno task split` and the split
 * notebook write it the same way; training with the same seed reproduces it.
 *
 * @module
 */
import type { Dataset } from "./dataset.ts";
import type { DatasetSpec } from "./spec.ts";
import { type Split, stratifiedSplit } from "./split.ts";
import { writeFileAtomic } from "../core/atomic.ts";

/** Rows and positive rows of one part. */
export interface PartCount {
  rows: number;
  positives: number;
}

/** The content of a split manifest file. */
export interface SplitManifest {
  data: { source: string; sha256: string; rows: number };
  seed: number;
  fractions: { validation: number; test: number };
  counts: { train: PartCount; validation: PartCount; test: PartCount };
  rows: Split;
}

/**
 * Splits a dataset (stratified, seeded) and describes the split.
 *
 * @param data The dataset, with labels.
 * @param options The seed and the validation and test fractions (0.15 each by default).
 * @returns The manifest.
 * @example
 * ```ts
 * const manifest = splitManifest(data, { seed: 42 });
 * manifest.counts.test; // { rows: 97, positives: 15 } for the student data
 * ```
 */
export function splitManifest(
  data: Dataset,
  options: { seed: number; validation?: number; test?: number },
): SplitManifest {
  const fractions = { validation: options.validation ?? 0.15, test: options.test ?? 0.15 };
  const split = stratifiedSplit(data.labels, { seed: options.seed, ...fractions });
  const count = (rows: number[]) => ({
    rows: rows.length,
    positives: rows.reduce((a, r) => a + data.labels[r], 0),
  });
  return {
    data: { source: data.source, sha256: data.sha256, rows: data.rows },
    seed: options.seed,
    fractions,
    counts: {
      train: count(split.train),
      validation: count(split.validation),
      test: count(split.test),
    },
    rows: split,
  };
}

/**
 * Writes a manifest atomically as `<dir>/<spec name>-seed<seed>.json`.
 *
 * @param manifest The manifest.
 * @param spec The dataset spec (its name names the file).
 * @param options `dir`, the folder (created if needed; `data/splits` by default).
 * @returns The path written.
 */
export async function writeSplitManifest(
  manifest: SplitManifest,
  spec: DatasetSpec,
  options: { dir?: string } = {},
): Promise<string> {
  const dir = options.dir ?? "data/splits";
  await Deno.mkdir(dir, { recursive: true });
  // The default fractions keep the plain name notebooks look for; others name theirs, so a split
  // with other fractions never overwrites the default one.
  const { validation, test } = manifest.fractions;
  const parts = validation === 0.15 && test === 0.15 ? "" : `-validation${validation}-test${test}`;
  const path = `${dir}/${spec.name}-seed${manifest.seed}${parts}.json`;
  await writeFileAtomic(path, JSON.stringify(manifest));
  return path;
}
