/**
 * `deno task split`: the stratified, seeded train/validation/test split of a
 * data set, written as a manifest (data sha256, seed, row indices) to
 * `data/splits/` so notebooks and audits can see exactly which rows went where.
 * Training with the same seed reproduces this split.
 *
 * @module
 */
import {
  loadDataset,
  loadSpec,
  resolveDataPath,
  stratifiedSplit,
  writeFileAtomic,
} from "../mod.ts";
import { DEFAULT_SPEC, intOption, numberOption, parseOptions } from "./_common.ts";
import { runMain } from "./_run.ts";

await runMain(async () => {
  const opts = parseOptions(Deno.args, {
    seed: { type: "string" },
    data: { type: "string" },
    spec: { type: "string" },
    validation: { type: "string" },
    test: { type: "string" },
    out: { type: "string" },
  });
  const spec = await loadSpec(opts.spec ?? DEFAULT_SPEC);
  const data = await loadDataset(resolveDataPath(opts.data), spec);
  const seed = intOption("seed", opts.seed, 42);
  const fractions = {
    validation: numberOption("validation", opts.validation) ?? 0.15,
    test: numberOption("test", opts.test) ?? 0.15,
  };
  const split = stratifiedSplit(data.labels, { seed, ...fractions });
  const outDir = opts.out ?? "data/splits";
  await Deno.mkdir(outDir, { recursive: true });
  const path = `${outDir}/${spec.name}-seed${seed}.json`;
  const count = (rows: number[]) => ({
    rows: rows.length,
    positives: rows.reduce((a, r) => a + data.labels[r], 0),
  });
  const manifest = {
    data: { source: data.source, sha256: data.sha256, rows: data.rows },
    seed,
    fractions,
    counts: {
      train: count(split.train),
      validation: count(split.validation),
      test: count(split.test),
    },
    rows: split,
  };
  await writeFileAtomic(path, JSON.stringify(manifest));
  for (const [name, c] of Object.entries(manifest.counts)) {
    console.log(
      `${name.padEnd(11)} ${String(c.rows).padStart(5)} rows  ${
        (100 * c.positives / c.rows).toFixed(1)
      } % positive`,
    );
  }
  console.log(`Wrote ${path}`);
});
