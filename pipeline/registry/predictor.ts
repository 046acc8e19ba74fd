/**
 * Scoring students with a saved model: validate each record against the
 * model's own spec, encode it with the saved preprocessor, and return the
 * probability, the decision and the risk band. No DataFrame is involved, so the
 * server's request path stays light.
 *
 * @module
 */
import { type Cell, readRecord, type Row } from "../data/cells.ts";
import type { Dataset } from "../data/dataset.ts";
import { ArtifactError, SchemaError, type SchemaIssue } from "../core/errors.ts";
import { MlpClassifier } from "../models/mlp.ts";
import { BlendModel, type FittedModel, loadModel, TabularModel } from "../models/family.ts";
import { treeReasons } from "../explain/tree_reasons.ts";
import { Preprocessor } from "../features/preprocessor.ts";
import { column, type ColumnSpec, type DatasetSpec, parseSpec } from "../data/spec.ts";
import { type Band, bandOf, type Bands } from "../evaluate/thresholds.ts";
import type { ModelMetadata } from "./metadata.ts";
import { calibrate, type Calibration, logitMap } from "../models/calibration.ts";
import {
  type Explanation,
  IG_STEPS,
  integratedGradients,
  type Reason,
} from "../explain/integrated_gradients.ts";
import {
  denseForward,
  denseIntegratedGradients,
  type DenseStack,
  denseStack,
  IDENTITY,
  type OutputMap,
} from "../explain/dense.ts";
import { tf } from "../models/backend.ts";

/** One student's prediction. */
export interface Prediction {
  /** Probability of dropping out, in [0, 1]. */
  probability: number;
  /** True when the probability reaches the model's decision threshold. */
  at_risk: boolean;
  /** low, medium (watch) or high (at risk). */
  band: Band;
  /** The decision threshold. */
  threshold: number;
  /** The model id. */
  model: string;
  /** Fields that were missing and got the training value. */
  imputed: string[];
  /** Fields whose category the model never saw (encoded as all zeros). */
  unknown: string[];
  /**
   * The top contributing features, when asked for. An input that was not given (imputed) is
   * never a reason: it says nothing about the student.
   */
  reasons?: Reason[];
  /** With reasons: the baseline student's probability, what the contributions are changes from. */
  baseline?: number;
}

/** A loaded model, ready to score records. */
export class Predictor {
  /** The model id (its folder name). */
  readonly id: string;
  /** The profile it was trained for. */
  readonly profile: string;
  /** The spec it was trained with. */
  readonly spec: DatasetSpec;
  /** Its metadata, as saved. */
  readonly metadata: ModelMetadata;
  /** The input columns, in order (the profile's; validated when given). */
  readonly features: ColumnSpec[];
  /** The names of the features the model reads: all of `features` unless it was fitted with `select`. */
  readonly usedFeatures: string[];
  /** `usedFeatures` as a set, for telling the fields a model reads from those it ignores. */
  readonly usedSet: ReadonlySet<string>;
  /** The decision threshold. */
  readonly threshold: number;
  /** The risk bands. */
  readonly bands: Bands;
  /** The calibration map applied to the network's output. */
  readonly calibration: Calibration;
  readonly #preprocessor: Preprocessor;
  readonly #classifier: FittedModel;
  /** The columns of `usedFeatures`, in the order of the preprocessor's groups. */
  readonly #used: ColumnSpec[];
  /** The network as Dense layers for explanations (null: another shape; undefined: not read yet). */
  #dense?: DenseStack | null;

  /**
   * @param metadata The model's metadata (with its spec).
   * @param parts The fitted preprocessor and classifier.
   */
  constructor(
    metadata: ModelMetadata,
    parts: { preprocessor: Preprocessor; classifier: FittedModel },
  ) {
    this.metadata = metadata;
    this.id = metadata.id;
    this.profile = metadata.profile;
    this.spec = metadata.spec;
    this.features = metadata.features.map((f) => column(metadata.spec, f));
    this.threshold = metadata.threshold;
    this.bands = metadata.bands;
    this.calibration = metadata.calibration ?? { method: "none" };
    this.#preprocessor = parts.preprocessor;
    this.#classifier = parts.classifier;
    this.usedFeatures = parts.preprocessor.state.features.map((f) => f.name);
    this.usedSet = new Set(this.usedFeatures);
    this.#used = this.usedFeatures.map((name) => column(metadata.spec, name));
  }

  /**
   * Whether a row gives at least one input the model reads. A row that gives none would be
   * scored as the training-average student, so every route refuses it.
   *
   * @param row A row from {@linkcode Predictor.read} (a missing field is null).
   * @returns True when some input the model reads has a value.
   */
  givesAnInput(row: Row): boolean {
    for (const f of this.usedFeatures) if (row[f] != null) return true;
    return false;
  }

  /** The fitted preprocessor (read-only use). */
  get preprocessor(): Preprocessor {
    return this.#preprocessor;
  }

  /** The fitted classifier (read-only use). */
  get classifier(): FittedModel {
    return this.#classifier;
  }

  /**
   * Validates raw records (JSON objects; form strings are fine) against the model's features.
   *
   * @param records The raw records.
   * @param options `allowExtra`: ignore fields the model does not use (default true).
   * @returns Typed rows.
   * @throws SchemaError naming each record index and field at fault.
   */
  read(records: unknown[], options: { allowExtra?: boolean } = {}): Row[] {
    const issues: SchemaIssue[] = [];
    let total = 0;
    const rows = records.map((record, i) => {
      try {
        return readRecord(this.features, record, { allowExtra: options.allowExtra ?? true });
      } catch (error) {
        if (!(error instanceof SchemaError)) throw error;
        total += error.total;
        for (const issue of error.issues) {
          issues.push(records.length > 1 ? { ...issue, row: i + 1 } : issue);
        }
        return {} as Row;
      }
    });
    if (total > 0) {
      const fields = [...new Set(issues.map((i) => i.column).filter(Boolean))].join(", ");
      throw new SchemaError(`Invalid student${records.length > 1 ? "s" : ""}: ${fields}`, issues, {
        total,
      });
    }
    return rows;
  }

  /**
   * Scores typed rows in one tfjs call.
   *
   * @param rows Rows from {@linkcode Predictor.read} (or a dataset).
   * @param options `reasons`: how many top reasons to attach to each prediction (0, the default, for none).
   * @returns One prediction per row.
   */
  predict(rows: Row[], options: { reasons?: number | ArrayLike<number> } = {}): Prediction[] {
    const width = this.#preprocessor.width;
    const x = new Float32Array(rows.length * width);
    const encoded = rows.map((row, i) => this.#preprocessor.transformRowInto(row, x, i * width));
    const p = this.predictMatrix(x, rows.length);
    const asked = options.reasons ?? 0;
    const topOf = typeof asked === "number" ? () => asked : (i: number) => asked[i] ?? 0;
    // Only the rows that ask are explained, each to the most reasons any row asks for.
    const asking = rows.map((_, i) => i).filter((i) => topOf(i) > 0);
    // Reasons skip imputed inputs, so each row is explained to its top plus its imputed ones.
    let most = 0;
    for (const i of asking) most = Math.max(most, topOf(i) + encoded[i].imputed.length);
    const explained = new Array<Explanation | undefined>(rows.length);
    if (asking.length > 0) {
      const sub = asking.length === rows.length ? x : new Float32Array(asking.length * width);
      if (sub !== x) {
        asking.forEach((i, k) => sub.set(x.subarray(i * width, (i + 1) * width), k * width));
      }
      const explanations = this.#explainMatrix(sub, asking.map((i) => rows[i]), most);
      asking.forEach((i, k) => explained[i] = explanations[k]);
    }
    return encoded.map((e, i) => {
      const prediction = this.#decide(p[i], e.imputed, e.unknown);
      const explanation = explained[i];
      if (explanation) {
        prediction.reasons = explanation.reasons.filter((r) => r.value !== null)
          .slice(0, topOf(i));
        prediction.baseline = explanation.baseline;
      }
      return prediction;
    });
  }

  /**
   * Scores a validated dataset column by column (the batch path of `deno task score`):
   * the same predictions as `predict(rows)` without making a record per row.
   *
   * @param data A dataset holding the model's feature columns (a chunk of `parseDatasetChunks`).
   * @returns One prediction per row, without reasons.
   * @throws SchemaError naming a missing feature column.
   */
  predictDataset(data: Dataset): Prediction[] {
    const { x } = this.#preprocessor.transform(data);
    const p = this.predictMatrix(x, data.rows);
    const features = this.#preprocessor.state.features;
    const columns = features.map((f) => data.cells[f.name]);
    // A category the network never saw encodes as zeros; transform() only counts them.
    const seen = features.map((f) => (f.kind === "category" ? new Set(f.categories) : undefined));
    const out = new Array<Prediction>(data.rows);
    for (let r = 0; r < data.rows; r++) {
      const imputed: string[] = [];
      const unknown: string[] = [];
      for (let j = 0; j < features.length; j++) {
        const value = columns[j][r];
        if (value === null) imputed.push(features[j].name);
        else if (seen[j] && !seen[j]!.has(value as string)) unknown.push(features[j].name);
      }
      out[r] = this.#decide(p[r], imputed, unknown);
    }
    return out;
  }

  /**
   * Explains typed rows: every feature's contribution to the calibrated probability,
   * against the training-mean student (Integrated Gradients; contributions add up to
   * the probability minus the baseline's).
   *
   * @param rows Typed rows.
   * @returns One explanation per row.
   */
  explain(rows: Row[]): Explanation[] {
    const width = this.#preprocessor.width;
    const x = new Float32Array(rows.length * width);
    rows.forEach((row, i) => this.#preprocessor.transformRowInto(row, x, i * width));
    return this.#explainMatrix(x, rows);
  }

  #explainMatrix(x: Float32Array, rows: Row[], top?: number): Explanation[] {
    const baseline = this.metadata.explanation?.baseline;
    if (!baseline) return rows.map(() => ({ baseline: NaN, raw: NaN, reasons: [] }));
    // Reasons show values as the data spells them: a boolean 1 reads "yes", not 1.
    const shown = (col: ColumnSpec, cell: Cell): Cell =>
      col.type === "boolean" && cell !== null
        ? (cell === 1 ? col.true_values![0] : col.false_values![0])
        : cell;
    const used = this.#used;
    const trees = this.#classifier instanceof TabularModel
      ? this.#classifier.model
      : this.#classifier instanceof BlendModel
      ? this.#classifier.members.map((m) => m.model)
      : undefined;
    if (trees) {
      return treeReasons(trees, x, {
        groups: this.#preprocessor.groups,
        // Only the reasons given show a value: none is made for the rest.
        values: (r, j) => shown(used[j], rows[r][used[j].name] ?? null),
        calibration: this.calibration,
        top,
      });
    }
    // One value per group: the features the model reads, not every field of the profile.
    const values = rows.map((row) => used.map((f) => shown(f, row[f.name] ?? null)));
    return this.#integratedGradients(this.#classifier as MlpClassifier, x, values, baseline);
  }

  #integratedGradients(
    classifier: MlpClassifier,
    x: Float32Array,
    values: Cell[][],
    baseline: number[],
  ): Explanation[] {
    const network = classifier.model;
    const map = logitMap(this.calibration);
    const calibrated = (t: tf.Tensor2D): tf.Tensor => {
      // apply(), not predict(): see MlpClassifier.predictProba (predict() copies per 32 rows).
      const p = network.apply(t, { training: false }) as tf.Tensor;
      if (!map) return p;
      const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
      return tf.sigmoid(tf.add(tf.mul(tf.log(tf.div(q, tf.sub(1, q))), map.a), map.b));
    };
    const explanation = this.metadata.explanation;
    const options = {
      baseline: Float32Array.from(baseline),
      groups: this.#preprocessor.groups,
      values,
      steps: explanation.method === "integrated-gradients" ? explanation.steps : IG_STEPS,
    };
    // The same integral without tfjs when the network is Dense layers (a chain or an ensemble).
    if (this.#dense === undefined) this.#dense = this.#readDense(classifier, options.baseline);
    if (this.#dense) {
      return denseIntegratedGradients(this.#dense, x, { ...options, map: this.#outputMap() });
    }
    return integratedGradients(calibrated, x, options);
  }

  /** The network as Dense layers, if it is that and they give the network's own outputs. */
  #readDense(classifier: MlpClassifier, baseline: Float32Array): DenseStack | null {
    const stack = denseStack(classifier.model);
    if (!stack) return null;
    const width = baseline.length;
    const probe = new Float32Array(3 * width);
    probe.set(baseline);
    for (let i = 0; i < width; i++) {
      probe[width + i] = baseline[i] + 1;
      probe[2 * width + i] = i % 2 ? -1 : 1;
    }
    const expected = classifier.predictProba(probe, 3);
    const got = denseForward(stack, probe);
    return got.every((p, i) => Math.abs(p - expected[i]) < 1e-5) ? stack : null;
  }

  /** The calibration and its derivative, as the tfjs graph computes them (clipped logit). */
  #outputMap(): OutputMap {
    const c = this.calibration;
    const map = logitMap(c);
    if (!map) return IDENTITY;
    return {
      f: (p) => calibrate(c, p),
      df: (p) => {
        if (p < 1e-7 || p > 1 - 1e-7) return 0;
        const q = calibrate(c, p);
        return (q * (1 - q) * map.a) / (p * (1 - p));
      },
    };
  }

  /**
   * Scores an encoded matrix (the batch path: rows already encoded by the preprocessor).
   *
   * @param x Row-major matrix.
   * @param rows Number of rows.
   * @returns Calibrated probabilities.
   */
  predictMatrix(x: Float32Array, rows: number): Float32Array {
    const raw = this.#classifier.predictProba(x, rows);
    const c = this.calibration;
    return c.method === "none" ? raw : raw.map((p) => calibrate(c, p));
  }

  /**
   * The band of a probability.
   *
   * @param probability A probability.
   * @returns low, medium or high.
   */
  band(probability: number): Band {
    return bandOf(this.bands, probability);
  }

  #decide(probability: number, imputed: string[], unknown: string[]): Prediction {
    return {
      probability,
      at_risk: probability >= this.threshold,
      band: this.band(probability),
      threshold: this.threshold,
      model: this.id,
      imputed,
      unknown,
    };
  }

  /** Frees the model's tensors. */
  dispose(): void {
    this.#classifier.dispose();
  }
}

/**
 * Reads a model folder (`model.json`, `weights.bin`, `preprocessor.json`, `metadata.json`).
 *
 * @param dir The model's folder.
 * @param metadata Its `metadata.json`, when the caller has already read it.
 * @returns A predictor.
 * @throws ArtifactError naming the file that is missing or unreadable.
 */
export async function loadPredictor(dir: string, metadata?: ModelMetadata): Promise<Predictor> {
  const readJson = async (name: string) => {
    try {
      return JSON.parse(await Deno.readTextFile(`${dir}/${name}`));
    } catch (cause) {
      throw new ArtifactError(`Cannot read ${dir}/${name}: ${(cause as Error).message}`, { cause });
    }
  };
  metadata ??= await readJson("metadata.json") as ModelMetadata;
  const pre = await readJson("preprocessor.json");
  try {
    parseSpec(metadata.spec, `${dir}/metadata.json`);
  } catch (cause) {
    throw new ArtifactError(`Cannot read ${dir}/metadata.json: its spec is invalid`, { cause });
  }
  const preprocessor = Preprocessor.fromJSON(pre, metadata.spec.columns);
  // A model saved before there were families is a network.
  const family = metadata.hyperparameters.family ?? "mlp";
  const classifier = await loadModel(family, async (name) => {
    try {
      return await Deno.readFile(`${dir}/${name}`);
    } catch (cause) {
      throw new ArtifactError(`Cannot read ${dir}/${name}: ${(cause as Error).message}`, { cause });
    }
  });
  const expected = preprocessor.width;
  const inputShape = classifier instanceof MlpClassifier
    ? (classifier.model.inputs[0].shape ?? [])[1]
    : (classifier instanceof BlendModel ? classifier.members[0] : classifier as TabularModel)
      .model.width;
  if (inputShape !== expected) {
    classifier.dispose();
    throw new ArtifactError(
      `Cannot load ${dir}: the model takes ${inputShape} inputs, the preprocessor gives ${expected}`,
    );
  }
  return new Predictor(metadata, { preprocessor, classifier });
}
