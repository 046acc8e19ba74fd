import assert from "node:assert/strict";
import { loadDataset, loadSpec, resolveDataPath } from "../../pipeline/mod.ts";
import { bandShares, bandTable } from "./shares.ts";

Deno.test("every Portuguese profile, trained with seeds 42, 1, 2, 3 and 4, keeps its bands within capacity", async () => {
  const spec = await loadSpec("data/specs/student_dropout.json");
  const data = await loadDataset(resolveDataPath(), spec);
  const rows = await bandShares(data, spec, { seeds: [42, 1, 2, 3, 4] });
  assert.equal(rows.length, Object.keys(spec.profiles).length * 5);
  const table = bandTable(rows);
  for (const r of rows) {
    assert.ok(r.all.low >= 1 / 3, `${r.profile} seed ${r.seed}: low ${r.all.low}\n${table}`);
    assert.ok(r.all.medium <= 0.3, `${r.profile} seed ${r.seed}: watch ${r.all.medium}\n${table}`);
    assert.ok(r.all.high <= 0.2, `${r.profile} seed ${r.seed}: flagged ${r.all.high}\n${table}`);
  }
});
