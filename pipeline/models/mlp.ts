/**
 * The classifier: a tfjs multilayer perceptron on the wasm backend, trained by
 * a seeded loop (shuffling, initialisers and dropout masks all derive from one
 * seed) with class weights and early stopping that restores the best weights.
 * The saved model has only Dense layers: dropout acts in the training loop.
 *
 * @module
 */
import { ensureBackend, tf } from "./backend.ts";
import { ArtifactError, InputError, NotFittedError } from "../core/errors.ts";
import { deriveSeed, mulberry32, shuffleInPlace } from "../core/random.ts";
import {
  boostingParams,
  forestParams,
  type GradientBoostingParams,
  type RandomForestParams,
} from "./trees/mod.ts";
import { type LogisticParams, logisticParams } from "./logistic.ts";

/**
 * Model parameters: the family, then the multilayer perceptron's settings (a network with no
 * hidden layer is a logistic model), the tree ensembles' settings under `trees`, and what every
 * family shares (cut points, feature selection, calibration).
 */
export interface ModelParams {
  /**
   * `mlp` (tfjs; the family of a saved model that names none), `logistic` (penalised logistic
   * regression fitted to convergence in TypeScript, by `l1` and `l2`), `forest`, `gbm`, or
   * `blend`: the mean probability of its members (see {@linkcode blendMembers}).
   */
  family: "mlp" | "logistic" | "forest" | "gbm" | "blend";
  /**
   * Settings of the `forest` (`RandomForestParams`) or `gbm` (`GradientBoostingParams`) family,
   * over their defaults; a `blend` takes one entry per member, `{ logistic: {…}, forest: {…} }`
   * for instance, or none for a forest and boosted trees. Ignored by the MLP.
   */
  trees: Record<string, unknown>;
  /** Units of each hidden layer. */
  hidden: number[];
  /** Activation of the hidden layers. */
  activation: "relu" | "tanh" | "elu";
  /** Dropout rate after each hidden layer, during training only. */
  dropout: number;
  /** L2 penalty on every kernel. */
  l2: number;
  /** L1 penalty on the first layer's kernel: drives unhelpful inputs to zero. */
  l1: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** Rows per gradient step. */
  batchSize: number;
  /** The most epochs to run. */
  epochs: number;
  /** Epochs without a better validation loss before stopping. */
  patience: number;
  /** `balanced` weighs each class by n / (2 · its count); `none` weighs rows equally. */
  classWeight: "balanced" | "none";
  /** Networks trained from derived seeds whose probabilities are averaged (1 = a single network). */
  ensemble: number;
  /** Learned cut points per numeric feature added by the preprocessor (0–3; see `Preprocessor`). */
  cuts: number;
  /**
   * Features kept by the preprocessor, ranked by the Gini gain of their best single split on the
   * training rows (0 keeps all; see `Preprocessor`). Fitted per fold like everything else.
   */
  select: number;
  /**
   * Platt scaling of the outputs (see `chooseCalibration`): `auto` keeps it when cross-fitting on the
   * stopping rows shows it lowers log loss; `none` never fits it (a class-weighted network still gets
   * its prior correction). Tuning chooses between them: on a small holdout the map itself is noisy.
   */
  calibration: "auto" | "none";
  /**
   * How the preprocessor encodes (see `Preprocessor`): `onehot` (default) for every family, or
   * `codes` for the trees: a category as one column of codes that boosting splits on as a set,
   * a missing cell as NaN whose side each split learns. Not for `mlp`, `logistic` or a blend with a
   * logistic member, which need numbers on a scale.
   */
  encoding?: "onehot" | "codes";
  /**
   * `impute` (default) fills a missing cell with the training median or most frequent category;
   * `indicator` also adds a 0/1 column per feature with missing training cells (a missing
   * category becomes its own), so a linear model can weigh missingness. Ignored with `codes`.
   */
  missing?: "impute" | "indicator";
}

/**
 * Defaults for a spec with no tuned settings: the untuned random forest, without Platt scaling. On
 * the student data it ranked and calibrated better than every other family at its defaults (log
 * loss, Brier, ROC-AUC and PR-AUC of 2 × 10-fold CV on setups A, B and C), and it needs no
 * scaling of its inputs. The network's settings below apply when `family` is `mlp`.
 */
export const DEFAULT_MODEL_PARAMS: ModelParams = {
  family: "forest",
  trees: {},
  hidden: [16],
  activation: "relu",
  dropout: 0.2,
  l2: 1e-3,
  l1: 0,
  learningRate: 0.01,
  batchSize: 32,
  epochs: 200,
  patience: 20,
  classWeight: "balanced",
  ensemble: 1,
  cuts: 0,
  select: 0,
  calibration: "none",
  encoding: "onehot",
  missing: "impute",
};

/** One epoch's figures, passed to the progress callback. */
export interface EpochLog {
  epoch: number;
  loss: number;
  val_loss: number;
}

/** Options of {@linkcode MlpClassifier.fit}. */
export interface FitOptions {
  /** Seed of initialisers, shuffling and dropout. */
  seed: number;
  /** Validation rows for early stopping. */
  validation: { x: Float32Array; y: Uint8Array };
  /** Called after each epoch. */
  onEpoch?: (log: EpochLog) => void | Promise<void>;
}

/** A trained network's weights in the tfjs layers format. */
export interface ModelArtifacts {
  /** The content of `model.json`. */
  modelJson: Record<string, unknown>;
  /** The content of `weights.bin`. */
  weights: Uint8Array;
}

/**
 * Checks and completes hyper-parameters.
 *
 * @param params Partial parameters (e.g. from a profile's `model` entry).
 * @returns The full set.
 * @throws InputError naming the bad parameter.
 */
export function modelParams(params: Partial<ModelParams> = {}): ModelParams {
  const check = (ok: boolean, name: string, expected: string) => {
    if (!ok) throw new InputError(`Invalid model parameter "${name}": expected ${expected}`);
  };
  // A misspelt key (say "epoch" in a spec's profile) would otherwise be ignored without a word.
  const known = Object.keys(DEFAULT_MODEL_PARAMS);
  for (const key of Object.keys(params)) {
    check(known.includes(key), key, `one of ${known.join(", ")}`);
  }
  // An explicit undefined takes the default, as an absent key does.
  const given = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  const p = { ...DEFAULT_MODEL_PARAMS, ...given } as ModelParams;
  // Strings such as "0.1" compare as numbers in JavaScript: require real, finite numbers.
  const num = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  check(
    Array.isArray(p.hidden) && p.hidden.every((u) => Number.isInteger(u) && u > 0),
    "hidden",
    "positive integers",
  );
  check(["relu", "tanh", "elu"].includes(p.activation), "activation", "relu, tanh or elu");
  check(num(p.dropout) && p.dropout >= 0 && p.dropout < 1, "dropout", "a rate in [0, 1)");
  check(num(p.l2) && p.l2 >= 0, "l2", "a number >= 0");
  check(num(p.l1) && p.l1 >= 0, "l1", "a number >= 0");
  check(num(p.learningRate) && p.learningRate > 0, "learningRate", "a finite number > 0");
  check(Number.isInteger(p.batchSize) && p.batchSize > 0, "batchSize", "a positive integer");
  check(Number.isInteger(p.epochs) && p.epochs > 0, "epochs", "a positive integer");
  check(Number.isInteger(p.patience) && p.patience > 0, "patience", "a positive integer");
  check(["balanced", "none"].includes(p.classWeight), "classWeight", "balanced or none");
  check(
    Number.isInteger(p.ensemble) && p.ensemble >= 1 && p.ensemble <= 32,
    "ensemble",
    "an integer 1–32",
  );
  check(Number.isInteger(p.cuts) && p.cuts >= 0 && p.cuts <= 3, "cuts", "an integer 0–3");
  check(Number.isInteger(p.select) && p.select >= 0, "select", "an integer >= 0 (0 keeps all)");
  check(["auto", "none"].includes(p.calibration), "calibration", "auto or none");
  check(
    p.encoding === undefined || ["onehot", "codes"].includes(p.encoding),
    "encoding",
    "onehot or codes",
  );
  check(
    p.encoding !== "codes" || p.family === "gbm" || p.family === "forest" ||
      (p.family === "blend" && !("logistic" in p.trees)),
    "encoding",
    "onehot for the mlp, logistic and blends with a logistic member (codes is for trees)",
  );
  check(
    p.missing === undefined || ["impute", "indicator"].includes(p.missing),
    "missing",
    "impute or indicator",
  );
  check(
    ["mlp", "logistic", "forest", "gbm", "blend"].includes(p.family),
    "family",
    "mlp, logistic, forest, gbm or blend",
  );
  check(
    typeof p.trees === "object" && p.trees !== null && !Array.isArray(p.trees),
    "trees",
    "an object of the tree family's settings",
  );
  // The tree family's own checks name the setting at fault (e.g. "nTrees").
  if (p.family === "forest") forestParams(p.trees as Partial<RandomForestParams>);
  if (p.family === "gbm") boostingParams(p.trees as Partial<GradientBoostingParams>);
  if (p.family === "blend") blendMembers(p.trees);
  return p;
}

/** The families a blend can average. */
export const BLEND_MEMBERS = ["logistic", "forest", "gbm"] as const;

/** One member of a blend: its family and its settings. */
export type BlendMember =
  | { family: "logistic"; settings: Partial<LogisticParams> }
  | { family: "forest"; settings: Partial<RandomForestParams> }
  | { family: "gbm"; settings: Partial<GradientBoostingParams> };

/**
 * The members of a blend from its `trees` settings: one per key, in the order of
 * {@linkcode BLEND_MEMBERS}, each key holding that family's settings. No key at all means a forest
 * and boosted trees, the blend's first form.
 *
 * @param trees The blend's `trees` settings, such as `{ logistic: { l1: 0.003 }, forest: {} }`.
 * @returns At least two members, each checked.
 * @throws InputError naming the unknown member or the bad setting.
 */
export function blendMembers(trees: Record<string, unknown>): BlendMember[] {
  const keys = Object.keys(trees);
  const unknown = keys.find((k) => !(BLEND_MEMBERS as readonly string[]).includes(k));
  const expected = `two or more of ${BLEND_MEMBERS.join(", ")}, each with its settings`;
  if (unknown !== undefined) {
    throw new InputError(`Invalid model parameter "trees.${unknown}": expected ${expected}`);
  }
  if (keys.length === 1) {
    throw new InputError(`Invalid model parameter "trees": a blend needs ${expected}`);
  }
  const given = keys.length === 0 ? { forest: {}, gbm: {} } : trees;
  const settings = (k: string) => {
    const v = (given as Record<string, unknown>)[k] ?? {};
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      throw new InputError(`Invalid model parameter "trees.${k}": expected an object of settings`);
    }
    return v as Record<string, unknown>;
  };
  return BLEND_MEMBERS.filter((k) => k in given).map((family): BlendMember => {
    const s = settings(family);
    if (family === "logistic") logisticParams(s);
    if (family === "forest") forestParams(s);
    if (family === "gbm") boostingParams(s);
    return { family, settings: s } as BlendMember;
  });
}

/**
 * The loss weight of a positive and of a negative row: with `balanced`, n / (2 · the class's count),
 * so each class weighs half; otherwise 1 each.
 *
 * @param params The hyper-parameters (their `classWeight`).
 * @param y The training labels.
 * @returns Both weights.
 */
export function classWeights(
  params: Pick<ModelParams, "classWeight">,
  y: ArrayLike<number>,
): { positive: number; negative: number } {
  const n = y.length;
  const positives = Array.from(y).reduce((a, b) => a + b, 0);
  const balanced = params.classWeight === "balanced";
  return {
    positive: balanced && positives > 0 ? n / (2 * positives) : 1,
    negative: balanced && positives < n ? n / (2 * (n - positives)) : 1,
  };
}

/** A binary classifier giving the probability of the positive class. */
export class MlpClassifier {
  /** The family, as models of every family name theirs. */
  readonly family = "mlp" as const;
  /** The hyper-parameters, as given. */
  readonly params: ModelParams;
  #model?: tf.LayersModel;
  /** Per-epoch training history of the last fit. */
  history: EpochLog[] = [];
  /** The epoch whose weights were kept (first member). */
  bestEpoch = 0;
  /** Each ensemble member's seed, best epoch and epochs run. */
  members: { seed: number; best_epoch: number; epochs_run: number }[] = [];

  /** @param params Hyper-parameters; missing ones take the defaults. */
  constructor(params: Partial<ModelParams> = {}) {
    this.params = modelParams(params);
  }

  /** The underlying tfjs model; throws NotFittedError before `fit`. */
  get model(): tf.LayersModel {
    if (!this.#model) throw new NotFittedError("MlpClassifier");
    return this.#model;
  }

  /**
   * Trains on a row-major matrix.
   *
   * @param x Training rows (n × width).
   * @param y Labels 0/1.
   * @param options Seed, validation rows and a progress callback.
   * @returns this
   */
  async fit(x: Float32Array, y: Uint8Array, options: FitOptions): Promise<this> {
    await ensureBackend();
    const n = y.length;
    if (n === 0 || x.length % n !== 0) {
      throw new InputError("Cannot fit: no rows or a ragged matrix");
    }
    const width = x.length / n;
    const members: tf.LayersModel[] = [];
    this.history = [];
    this.members = [];
    for (let m = 0; m < this.params.ensemble; m++) {
      // Member 0 keeps the given seed, so a single network is the ensemble of one.
      const seed = m === 0 ? options.seed : deriveSeed(options.seed, 4, m);
      const history: EpochLog[] = [];
      const { model, bestEpoch } = await this.#fitMember(
        x,
        y,
        width,
        { ...options, seed },
        history,
      );
      members.push(model);
      this.members.push({ seed, best_epoch: bestEpoch, epochs_run: history.length });
      if (m === 0) {
        this.history = history;
        this.bestEpoch = bestEpoch;
      }
    }
    const model = members.length === 1 ? members[0] : averageOf(members, width);
    this.#model?.dispose();
    this.#model = model;
    return this;
  }

  async #fitMember(
    x: Float32Array,
    y: Uint8Array,
    width: number,
    options: FitOptions,
    history: EpochLog[],
  ): Promise<{ model: tf.LayersModel; bestEpoch: number }> {
    const n = y.length;
    const p = this.params;
    const model = buildNetwork(width, p, options.seed);
    const { positive: w1, negative: w0 } = classWeights(p, y);
    const optimizer = tf.train.adam(p.learningRate);
    const dense = model.layers as tf.layers.Layer[];
    const variables = model.trainableWeights.map((v) => v.read() as tf.Variable);
    const kernels = dense.map((l) => l.getWeights()[0]);
    const rng = mulberry32(deriveSeed(options.seed, 1));
    const order = Array.from({ length: n }, (_, i) => i);
    const xAll = tf.tensor2d(x, [n, width]);
    const yAll = tf.tensor2d(Float32Array.from(y), [n, 1]);
    const xVal = tf.tensor2d(options.validation.x, [options.validation.y.length, width]);
    const yVal = tf.tensor2d(Float32Array.from(options.validation.y), [
      options.validation.y.length,
      1,
    ]);
    const weighted = (yTrue: tf.Tensor, yPred: tf.Tensor) => {
      const clipped = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
      const bce = tf.neg(tf.add(
        tf.mul(yTrue, tf.log(clipped)),
        tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, clipped))),
      ));
      const weights = tf.add(tf.mul(yTrue, w1), tf.mul(tf.sub(1, yTrue), w0));
      return tf.mean(tf.mul(bce, weights));
    };
    let best = Infinity;
    let bestEpoch = 0;
    let bestWeights: tf.Tensor[] = [];
    let wait = 0;
    let step = 0;
    try {
      for (let epoch = 1; epoch <= p.epochs; epoch++) {
        shuffleInPlace(order, rng);
        let lossSum = 0;
        for (let start = 0; start < n; start += p.batchSize) {
          const idx = tf.tensor1d(order.slice(start, start + p.batchSize), "int32");
          const stepSeed = deriveSeed(options.seed, 2, step++);
          const cost = optimizer.minimize(
            () => {
              const xb = tf.gather(xAll, idx);
              const yb = tf.gather(yAll, idx);
              let h: tf.Tensor = xb;
              dense.forEach((layer, i) => {
                h = layer.apply(h) as tf.Tensor;
                if (i < dense.length - 1 && p.dropout > 0) {
                  h = tf.dropout(h, p.dropout, undefined, stepSeed + i);
                }
              });
              let loss = weighted(yb, h);
              if (p.l2 > 0) {
                for (const k of kernels) loss = tf.add(loss, tf.mul(p.l2, tf.sum(tf.square(k))));
              }
              if (p.l1 > 0) loss = tf.add(loss, tf.mul(p.l1, tf.sum(tf.abs(kernels[0]))));
              return loss as tf.Scalar;
            },
            true,
            variables,
          )!;
          lossSum += cost.dataSync()[0] * Math.min(p.batchSize, n - start);
          cost.dispose();
          idx.dispose();
        }
        const valLoss = tf.tidy(() =>
          weighted(yVal, model.predict(xVal) as tf.Tensor).dataSync()[0]
        );
        const log = { epoch, loss: lossSum / n, val_loss: valLoss };
        history.push(log);
        await options.onEpoch?.(log);
        if (valLoss < best - 1e-6) {
          best = valLoss;
          bestEpoch = epoch;
          tf.dispose(bestWeights);
          bestWeights = model.getWeights().map((w) => w.clone());
          wait = 0;
        } else if (++wait >= p.patience) break;
      }
      if (bestWeights.length > 0) model.setWeights(bestWeights);
    } finally {
      tf.dispose([xAll, yAll, xVal, yVal, ...bestWeights]);
      optimizer.dispose();
    }
    return { model, bestEpoch };
  }

  /**
   * Probabilities of the positive class (pure; disposes every tensor it makes).
   *
   * @param x Rows (n × width), row-major.
   * @param rows n.
   * @returns n probabilities.
   */
  predictProba(x: Float32Array, rows: number): Float32Array {
    const model = this.model;
    if (rows === 0) return new Float32Array(0);
    const width = x.length / rows;
    return tf.tidy(() => {
      // apply(), not predict(): predict() cuts the input into batches of 32, and the wasm
      // backend copies the whole input for every cut (50,000 rows: 2.4 s instead of 28 ms).
      const out = model.apply(tf.tensor2d(x, [rows, width]), { training: false }) as tf.Tensor;
      return out.dataSync() as Float32Array;
    });
  }

  /**
   * The network in the tfjs layers format (`model.json` + `weights.bin`).
   *
   * @returns The two files' contents.
   */
  async toArtifacts(): Promise<ModelArtifacts> {
    let saved: tf.io.ModelArtifacts | undefined;
    await this.model.save(tf.io.withSaveHandler((artifacts) => {
      saved = artifacts;
      return Promise.resolve({
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" },
      });
    }));
    const data = saved!.weightData!;
    const parts = Array.isArray(data) ? data : [data];
    const weights = new Uint8Array(parts.reduce((s, b) => s + b.byteLength, 0));
    let offset = 0;
    for (const part of parts) {
      weights.set(new Uint8Array(part), offset);
      offset += part.byteLength;
    }
    return {
      modelJson: {
        format: "layers-model",
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: saved!.modelTopology,
        weightsManifest: [{ paths: ["weights.bin"], weights: saved!.weightSpecs }],
      },
      weights,
    };
  }

  /**
   * Restores a trained classifier from its tfjs layers files.
   *
   * @param artifacts The content of `model.json` and `weights.bin`.
   * @param params The hyper-parameters it was trained with.
   * @returns A fitted classifier.
   */
  static async fromArtifacts(
    artifacts: ModelArtifacts,
    params: Partial<ModelParams> = {},
  ): Promise<MlpClassifier> {
    await ensureBackend();
    const json = artifacts.modelJson as {
      modelTopology?: object;
      weightsManifest?: { weights: tf.io.WeightsManifestEntry[] }[];
    };
    if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
      throw new ArtifactError("Cannot read model.json: not a tfjs layers model");
    }
    const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
    const buffer = artifacts.weights.slice().buffer as ArrayBuffer;
    const clf = new MlpClassifier(params);
    try {
      clf.#model = await tf.loadLayersModel(
        tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: buffer }),
      );
    } catch (cause) {
      throw new ArtifactError(`Cannot load the tfjs model: ${(cause as Error).message}`, { cause });
    }
    return clf;
  }

  /** Frees the network's tensors. */
  dispose(): void {
    this.#model?.dispose();
    this.#model = undefined;
  }
}

/** One graph whose output is the mean of the members' outputs, saved as a single tfjs layers model. */
function averageOf(members: tf.LayersModel[], width: number): tf.LayersModel {
  const input = tf.input({ shape: [width] });
  const outputs = members.map((member) => {
    let h: tf.SymbolicTensor = input;
    for (const layer of member.layers) h = layer.apply(h) as tf.SymbolicTensor;
    return h;
  });
  return tf.model({
    inputs: input,
    outputs: tf.layers.average().apply(outputs) as tf.SymbolicTensor,
  });
}

function buildNetwork(width: number, p: ModelParams, seed: number): tf.LayersModel {
  const model = tf.sequential();
  p.hidden.forEach((units, i) => {
    model.add(tf.layers.dense({
      units,
      activation: p.activation,
      inputShape: i === 0 ? [width] : undefined,
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 3, i) }),
    }));
  });
  model.add(tf.layers.dense({
    units: 1,
    activation: "sigmoid",
    inputShape: p.hidden.length === 0 ? [width] : undefined,
    kernelInitializer: tf.initializers.glorotUniform({
      seed: deriveSeed(seed, 3, p.hidden.length),
    }),
  }));
  return model;
}
