/**
 * `deno run -P=pipeline bench/bands/main.ts [--spec JSON] [--data CSV] [--seeds 42,1,2,3,4]
 * [--profile P ...]`: trains every profile with each seed and prints the band shares as a
 * Markdown table; exits 1 when a model fails the check.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { loadDataset, loadSpec, resolveDataPath } from "../../pipeline/mod.ts";
import { bandShares, bandTable } from "./shares.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    spec: { type: "string", default: "data/specs/student_dropout.json" },
    data: { type: "string" },
    seeds: { type: "string", default: "42,1,2,3,4" },
    profile: { type: "string", multiple: true },
  },
});
const spec = await loadSpec(values.spec);
const data = await loadDataset(resolveDataPath(values.data), spec, { allowExtra: true });
const rows = await bandShares(data, spec, {
  profiles: values.profile,
  seeds: values.seeds.split(",").map(Number),
});
console.log(bandTable(rows));
Deno.exit(rows.every((r) => r.ok) ? 0 : 1);
