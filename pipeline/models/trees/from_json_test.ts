import assert from "node:assert/strict";
import { ArtifactError } from "./_deps.ts";
import { treeModelFromJSON } from "./from_json.ts";
import { GradientBoostingClassifier } from "./gradient_boosting.ts";
import { RandomForestClassifier } from "./random_forest.ts";
import type { TabularClassifier } from "./tabular.ts";
import { synthetic, throwsLike } from "./testdata/synthetic.ts";

const DATA = synthetic(120, 5, 9);
/** The saved JSON as the damage below edits it. */
interface Saved {
  version: number;
  params: Record<string, unknown>;
  state: { d: number; edges?: number[][]; baseMargin?: number; trees: Record<string, string> };
}

const fitted = (): TabularClassifier[] => [
  new RandomForestClassifier({ nTrees: 10 }).fit(DATA.x, DATA.y, { d: 5, seed: 1 }),
  new GradientBoostingClassifier({ nRounds: 10 }).fit(DATA.x, DATA.y, { d: 5, seed: 1 }),
];

Deno.test("treeModelFromJSON() restores each kind to the same class and predictions", () => {
  for (const model of fitted()) {
    const restored = treeModelFromJSON(JSON.parse(JSON.stringify(model)));
    assert.equal(restored.constructor, model.constructor);
    assert.equal(restored.kind, model.kind);
    assert.deepEqual(restored.predictProba(DATA.x), model.predictProba(DATA.x));
  }
});

Deno.test("treeModelFromJSON() refuses an unknown kind with an ArtifactError", () => {
  throwsLike(
    () => treeModelFromJSON({ kind: "mlp", version: 1, params: {}, state: {} }),
    ArtifactError,
    /kind "mlp", expected one of random_forest, gradient_boosting/,
  );
});

Deno.test("treeModelFromJSON() refuses damaged state with an ArtifactError", async (t) => {
  const [forest, gbm]: Saved[] = fitted().map((m) => JSON.parse(JSON.stringify(m)));
  const damaged: [string, (j: Saved) => void, RegExp][] = [
    ["a newer version", (j) => (j.version = 2), /version 2/],
    ["a bad parameter", (j) => (j.params.nTrees = -1), /"nTrees"/],
    ["no edges", (j) => delete j.state.edges, /width and edges/],
    ["truncated thresholds", (j) => (j.state.trees.threshold = "AAAA"), /threshold/],
    ["not base64", (j) => (j.state.trees.value = "@@@"), /value/],
    ["a split on a missing column", (j) => (j.state.d = 1, j.state.edges = [[]]), /column/],
  ];
  for (const [name, damage, pattern] of damaged) {
    await t.step(name, () => {
      const json = structuredClone(forest);
      damage(json);
      throwsLike(() => treeModelFromJSON(json as never), ArtifactError, pattern);
    });
  }
  await t.step("a boosted model without its base margin", () => {
    delete gbm.state.baseMargin;
    throwsLike(() => treeModelFromJSON(gbm as never), ArtifactError, /base margin/);
  });
});
