import assert from "node:assert/strict";
import { LogisticRegression } from "./logistic.ts";
import { GradientBoostingClassifier } from "./trees/gradient_boosting.ts";
import { RandomForestClassifier } from "./trees/random_forest.ts";
import type { TabularClassifier } from "./trees/tabular.ts";
import { synthetic } from "./trees/testdata/synthetic.ts";

// The server explains a batch through one buffer per model, reused from row to row.
Deno.test("explain(row, into) gives explain(row)'s figures in the given buffer, whatever it held", async (t) => {
  const d = 7;
  const data = synthetic(200, d, 11, 0.2);
  const models: Pick<TabularClassifier, "kind" | "explain">[] = [
    new LogisticRegression().fit(data.x, data.y, { d }),
    new RandomForestClassifier({ nTrees: 20 }).fit(data.x, data.y, { d, seed: 1 }),
    new GradientBoostingClassifier({ nRounds: 20 }).fit(data.x, data.y, { d, seed: 1 }),
  ];
  const probe = synthetic(12, d, 12);
  for (const model of models) {
    await t.step(model.kind, () => {
      const buffer = new Float64Array(d).fill(Number.NaN);
      for (let r = 0; r < probe.n; r++) {
        const row = probe.x.subarray(r * d, (r + 1) * d);
        const fresh = model.explain(row);
        const reused = model.explain(row, buffer);
        assert.equal(reused.contributions, buffer);
        assert.equal(reused.base, fresh.base);
        assert.equal(reused.space, fresh.space);
        assert.deepEqual(Array.from(reused.contributions), Array.from(fresh.contributions));
      }
    });
  }
});
