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
  splitManifest,
  writeSplitManifest,
} from "../data/mod.ts";
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
  const manifest = splitManifest(data, {
    seed,
    validation: numberOption("validation", opts.validation),
    test: numberOption("test", opts.test),
  });
  const path = await writeSplitManifest(manifest, spec, { dir: opts.out });
  for (const [name, c] of Object.entries(manifest.counts)) {
    console.log(
      `${name.padEnd(11)} ${String(c.rows).padStart(5)} rows  ${
        (100 * c.positives / c.rows).toFixed(1)
      } % positive`,
    );
  }
  console.log(`Wrote ${path}`);
});
