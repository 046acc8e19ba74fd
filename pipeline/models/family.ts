/**
 * The model families behind one face: the tfjs multilayer perceptron (`mlp`, a logistic model
 * when it has no hidden layer), the random forest (`forest`) and gradient-boosted trees (`gbm`).
 * Training, cross-validation, tuning and the predictor hold a {@linkcode FittedModel} and ask the
 * family only what differs: how to fit, how to save, and the prior correction of its outputs.
 *
 * @module
 */
import { ArtifactError, InputError } from "../core/errors.ts";
import { type Calibration, priorCorrection } from "./calibration.ts";
import {
  type BlendMember,
  blendMembers,
  classWeights,
  type EpochLog,
  MlpClassifier,
  type ModelParams,
} from "./mlp.ts";
import { LOGISTIC_KIND, LogisticRegression } from "./logistic.ts";
import {
  GradientBoostingClassifier,
  RandomForestClassifier,
  type TabularClassifier,
  treeModelFromJSON,
  type TreeModelJSON,
} from "./trees/mod.ts";

/** The model families. */
export const FAMILIES = ["mlp", "logistic", "forest", "gbm", "blend"] as const;

/** A model family. */
export type Family = (typeof FAMILIES)[number];

/** A fitted model of any family, scoring encoded rows. */
export interface FittedModel {
  readonly family: Family;
  /**
   * The probability of the positive class of each row.
   *
   * @param x Encoded rows, row-major.
   * @param rows How many rows `x` holds.
   */
  predictProba(x: Float32Array, rows: number): Float32Array;
  /** Frees what the model holds outside the JavaScript heap (the network's tensors). */
  dispose(): void;
}

/** A fitted tree ensemble or logistic regression (a `TabularClassifier`) with the face of every family. */
export class TabularModel implements FittedModel {
  /**
   * @param family `forest` or `gbm`.
   * @param model The fitted trees.
   */
  constructor(readonly family: Family, readonly model: TabularClassifier) {}

  /**
   * The probability of the positive class of each row.
   *
   * @param x Encoded rows, row-major.
   * @param _rows How many rows `x` holds (the trees know their width).
   * @returns One probability per row.
   */
  predictProba(x: Float32Array, _rows: number): Float32Array {
    return Float32Array.from(this.model.predictProba(x));
  }

  /** Nothing to free: the trees live in typed arrays. */
  dispose(): void {}
}

/**
 * Models of several families fitted on the same rows, their probabilities averaged. Members that
 * err in different ways average out: a forest's probabilities shrink towards the middle and
 * boosting's sharpen, and a logistic model's additive ranking is what trees approximate in steps
 * while trees find the interactions a linear score cannot. Shapley values are linear in the model,
 * so the blend's reasons are the mean of its members' exact ones.
 */
export class BlendModel implements FittedModel {
  readonly family = "blend" as const;
  /** @param members The fitted members, in the order of `BLEND_MEMBERS`. */
  constructor(readonly members: TabularModel[]) {}

  /**
   * The mean of the members' probabilities.
   *
   * @param x Encoded rows, row-major.
   * @param rows How many rows `x` holds.
   * @returns One probability per row.
   */
  predictProba(x: Float32Array, rows: number): Float32Array {
    const sum = new Float32Array(rows);
    for (const m of this.members) {
      const p = m.predictProba(x, rows);
      for (let i = 0; i < rows; i++) sum[i] += p[i];
    }
    return sum.map((p) => p / this.members.length);
  }

  /** Nothing to free. */
  dispose(): void {}
}

/** Options of {@linkcode fitModel}. */
export interface FitModelOptions {
  /** Seed of every random choice of the fit. */
  seed: number;
  /** Columns of the encoded rows. */
  width: number;
  /**
   * Per column, its number of category codes (0 for a numeric column), as the preprocessor's
   * `categoryCodes` gives them; gradient boosting splits such columns on sets of codes.
   */
  categories?: number[];
  /** Held-out rows for early stopping (the MLP and gradient boosting; the forest ignores them). */
  validation: { x: Float32Array; y: Uint8Array };
  /** Called after each epoch of the MLP. */
  onEpoch?: (log: EpochLog) => void | Promise<void>;
}

/**
 * Fits a model of the family the parameters name.
 *
 * @param params The model parameters (their `family` and that family's settings).
 * @param x Encoded training rows.
 * @param y Their 0/1 labels.
 * @param options Seed, width, early-stopping rows and progress.
 * @returns The fitted model and the correction its outputs need before any Platt scaling: a
 *   class-weighted network's odds are inflated by a known factor; trees fit unweighted need none.
 */
export async function fitModel(
  params: ModelParams,
  x: Float32Array,
  y: Uint8Array,
  options: FitModelOptions,
): Promise<{ model: FittedModel; prior: Calibration }> {
  if (params.family === "mlp") {
    const model = await new MlpClassifier(params).fit(x, y, {
      seed: options.seed,
      validation: options.validation,
      onEpoch: options.onEpoch,
    });
    return { model, prior: priorCorrection(classWeights(params, y)) };
  }
  const none: Calibration = { method: "none" };
  const fitTabular = (member: BlendMember): TabularModel => {
    const { family, settings } = member;
    const model = family === "logistic"
      ? new LogisticRegression(settings)
      : family === "forest"
      ? new RandomForestClassifier(settings)
      : new GradientBoostingClassifier(settings);
    model.fit(x, y, {
      d: options.width,
      seed: options.seed,
      validation: options.validation,
      categories: options.categories,
    });
    return new TabularModel(family, model);
  };
  if (params.family === "logistic") {
    return {
      model: fitTabular({ family: "logistic", settings: { l1: params.l1, l2: params.l2 } }),
      prior: none,
    };
  }
  if (params.family !== "blend") {
    return {
      model: fitTabular({ family: params.family, settings: params.trees } as BlendMember),
      prior: none,
    };
  }
  return { model: new BlendModel(blendMembers(params.trees).map(fitTabular)), prior: none };
}

/**
 * Refits a tree ensemble or a logistic regression on more rows once held-out rows have served
 * it: they chose the calibration, the threshold and, for boosting, the number of rounds, and need
 * not be lost to the model itself. A forest grows again with the same settings, the logistic model
 * is fitted again to convergence (from the first fit's weights), and boosting runs the rounds
 * early stopping kept, with no more stopping. The network is returned as it is: its stopping epoch and its calibration belong to the
 * weights it has.
 *
 * @param params The model parameters of the first fit.
 * @param model The model of the first fit.
 * @param x Every training row, encoded (the first fit's rows and the held-out ones).
 * @param y Their labels.
 * @param options Seed and width of the first fit.
 * @returns The refitted model (the first one for the network).
 */
export function refitModel(
  params: ModelParams,
  model: FittedModel,
  x: Float32Array,
  y: Uint8Array,
  options: { seed: number; width: number },
): FittedModel {
  if (model instanceof BlendModel) {
    const members = blendMembers(params.trees);
    return new BlendModel(model.members.map((m, i) =>
      refitModel(
        { ...params, family: m.family, trees: members[i].settings },
        m,
        x,
        y,
        options,
      ) as TabularModel
    ));
  }
  if (!(model instanceof TabularModel)) return model;
  if (model.model instanceof LogisticRegression) {
    // From the first fit's weights: the same optimum on more rows, in fewer Newton steps.
    const refitted = new LogisticRegression(model.model.params).fit(x, y, {
      d: options.width,
      start: model.model,
    });
    return new TabularModel(model.family, refitted);
  }
  const trees = model.model instanceof GradientBoostingClassifier
    ? new GradientBoostingClassifier({ ...params.trees, nRounds: _keptRounds(model.model) })
    : new RandomForestClassifier(params.trees);
  const categories = model.model instanceof GradientBoostingClassifier
    ? model.model.categories
    : undefined;
  trees.fit(x, y, { d: options.width, seed: options.seed, categories });
  return new TabularModel(model.family, trees);
}

/** The rounds early stopping kept: the round of least validation loss. */
function _keptRounds(model: GradientBoostingClassifier): number {
  const losses = model.validationLoss;
  if (losses.length === 0) return model.params.nRounds;
  let best = 0;
  for (let i = 1; i < losses.length; i++) if (losses[i] < losses[best]) best = i;
  return best + 1;
}

/** The files a fitted model is saved as, by name. */
export type ModelFiles = Record<string, Uint8Array | string>;

/**
 * The files that save a fitted model: `model.json` and `weights.bin` (the tfjs layers format) for
 * the MLP, `trees.json` for a tree ensemble.
 *
 * @param model The fitted model.
 * @returns The files' contents by name.
 */
export async function modelFiles(model: FittedModel): Promise<ModelFiles> {
  if (model instanceof MlpClassifier) {
    const { modelJson, weights } = await model.toArtifacts();
    return { "model.json": JSON.stringify(modelJson), "weights.bin": weights };
  }
  if (model instanceof TabularModel && model.model instanceof LogisticRegression) {
    return { "linear.json": JSON.stringify(model.model) };
  }
  if (model instanceof TabularModel) return { "trees.json": JSON.stringify(model.model) };
  if (model instanceof BlendModel) {
    return { "trees.json": JSON.stringify({ blend: model.members.map((m) => m.model) }) };
  }
  throw new InputError(`Cannot save a model of family "${model.family}"`);
}

/**
 * Reads a saved model of a family from its folder.
 *
 * @param family The family its metadata names (`mlp` when the metadata predates families).
 * @param read Reads one file of the folder as bytes.
 * @returns The model.
 * @throws ArtifactError naming the file that is missing or unreadable.
 */
export async function loadModel(
  family: Family,
  read: (name: string) => Promise<Uint8Array>,
): Promise<FittedModel> {
  if (family === "mlp") {
    const modelJson = JSON.parse(new TextDecoder().decode(await read("model.json")));
    return await MlpClassifier.fromArtifacts({ modelJson, weights: await read("weights.bin") });
  }
  if (family === "logistic") {
    try {
      const json = JSON.parse(new TextDecoder().decode(await read("linear.json")));
      return new TabularModel("logistic", LogisticRegression.fromJSON(json));
    } catch (cause) {
      if (cause instanceof ArtifactError) throw cause;
      throw new ArtifactError(`Cannot read linear.json: ${(cause as Error).message}`, { cause });
    }
  }
  let json: TreeModelJSON & { blend?: TreeModelJSON[] };
  try {
    json = JSON.parse(new TextDecoder().decode(await read("trees.json")));
  } catch (cause) {
    throw new ArtifactError(`Cannot read trees.json: ${(cause as Error).message}`, { cause });
  }
  if (family === "blend") {
    if (!Array.isArray(json.blend) || json.blend.length < 2) {
      throw new ArtifactError("Cannot read trees.json: a blend needs two or more members");
    }
    return new BlendModel(
      json.blend.map((m) =>
        m?.kind === LOGISTIC_KIND
          ? new TabularModel("logistic", LogisticRegression.fromJSON(m))
          : new TabularModel(
            m?.kind === "gradient_boosting" ? "gbm" : "forest",
            treeModelFromJSON(m),
          )
      ),
    );
  }
  return new TabularModel(family, treeModelFromJSON(json));
}
