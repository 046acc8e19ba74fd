import assert from "node:assert/strict";
import { trainedModel } from "../server/caseload/_testing.ts";
import { benchCaseload } from "./caseload.ts";
import { type BenchResult, targets } from "./results.ts";

Deno.test("benchCaseload() imports, queries and reports each store, and targets() judges it", async () => {
  const { dir } = await trainedModel();
  const figures = await benchCaseload({
    rows: 300,
    seed: 1,
    modelsDir: dir,
    queries: 20,
    workDir: await Deno.makeTempDir({ prefix: "caseload-bench-test-" }),
    log: () => {},
  });
  assert.deepEqual(figures.map((f) => [f.store, f.students, f.queries]), [
    ["sqlite", 300, 20],
    ["postgres", 300, 20],
  ]);
  for (const f of figures) assert.ok(f.import_s > 0 && f.p99_ms >= f.p50_ms);
  const result = {
    machine: { load_start: [0, 0, 0], load_end: [0, 0, 0] },
    scenarios: [],
    pipeline: { cold_start_ms: [], cold_start_median_ms: NaN, models: {}, caseload: figures },
  } as unknown as BenchResult;
  const rows = targets(result).filter((r) => r.figure.startsWith("caseload"));
  assert.equal(rows.length, 4);
  assert.ok(rows.every((r) => r.met !== undefined));
});
