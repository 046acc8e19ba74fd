/**
 * `deno task split`: the stratified, seeded train/validation/test split of a
 * data set, written as a manifest (data sha256, seed, row indices) to
 * `data/splits/` so notebooks and audits can see exactly which rows went where.
 * Training with the same seed reproduces this split.
 *
 * @module
 */
import { DEFAULT_SEED } from "../core/mod.ts";
import {
  loadDataset,
  loadSpec,
  resolveDataPath,
  splitManifest,
  writeSplitManifest,
} from "../data/mod.ts";
import { DEFAULT_SPEC, SPLIT } from "./commands.ts";
import { intOption, numberOption, parseCommand, runMain } from "./kit.ts";

await runMain(async () => {
  const opts = parseCommand(SPLIT, Deno.args);
  const spec = await loadSpec(opts.spec ?? DEFAULT_SPEC);
  const data = await loadDataset(resolveDataPath(opts.data), spec);
  const seed = intOption("seed", opts.seed, DEFAULT_SEED);
  const manifest = splitManifest(data, {
    seed,
    validation: numberOption("validation", opts.validation, { above: 0, below: 1 }),
    test: numberOption("test", opts.test, { above: 0, below: 1 }),
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
