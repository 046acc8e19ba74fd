/**
 * Restores any tree model of this folder from its saved JSON, by its `kind`.
 *
 * @module
 */
import { ArtifactError } from "./_deps.ts";
import { GradientBoostingClassifier } from "./gradient_boosting.ts";
import { RandomForestClassifier } from "./random_forest.ts";
import type { TabularClassifier, TreeModelJSON } from "./tabular.ts";

/** The kinds {@linkcode treeModelFromJSON} knows. */
export const TREE_MODEL_KINDS = ["random_forest", "gradient_boosting"] as const;

/**
 * Restores a saved tree model, whichever kind it is.
 *
 * @param json What a model's `toJSON()` returned (parsed).
 * @returns The fitted model.
 * @throws {ArtifactError} When the kind is unknown or the state is malformed.
 * @example
 * ```ts
 * const model = treeModelFromJSON(JSON.parse(await Deno.readTextFile("model.json")));
 * const p = model.predictProba(x);
 * ```
 */
export function treeModelFromJSON(json: TreeModelJSON): TabularClassifier {
  switch (json?.kind) {
    case "random_forest":
      return RandomForestClassifier.fromJSON(json);
    case "gradient_boosting":
      return GradientBoostingClassifier.fromJSON(json);
    default:
      throw new ArtifactError(
        `Cannot restore a tree model: kind ${JSON.stringify(json?.kind)}, expected one of ${
          TREE_MODEL_KINDS.join(", ")
        }`,
      );
  }
}
