/**
 * `deno task resample`: writes a table resampled to N rows with the project's seeded generator
 * (see `resample.ts`), for timing the pipeline at scale.
 *
 * Usage: `deno task resample --data FILE --rows N --out FILE [--seed S]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { resampleCsv } from "./resample.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    data: { type: "string" },
    rows: { type: "string" },
    out: { type: "string" },
    seed: { type: "string", default: "42" },
  },
});
const rows = Number(values.rows);
const seed = Number(values.seed);
if (!values.data || !values.out || !Number.isSafeInteger(rows) || rows < 1) {
  console.error("Usage: deno task resample --data FILE --rows N --out FILE [--seed S]");
  Deno.exit(2);
}
if (!Number.isSafeInteger(seed)) {
  console.error(`Invalid --seed "${values.seed}": expected an integer`);
  Deno.exit(2);
}
const started = performance.now();
const written = await resampleCsv(values.data, values.out, { rows, seed });
console.log(
  `Wrote ${written.rows} rows (${(written.bytes / 1e6).toFixed(1)} MB) to ${values.out} in ${
    ((performance.now() - started) / 1000).toFixed(1)
  } s (seed ${seed})`,
);
