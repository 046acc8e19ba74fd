/**
 * The drift report: for each input of a model, the population stability index (PSI) of new rows
 * against the model's training distribution, the values training never saw, and the missing rate
 * beside the training one. A feature counts as drifted when two things hold: its PSI reaches the
 * threshold (0.2 by default, the common rule: below 0.1 stable, 0.1–0.2 a moderate shift, 0.2 and
 * above a significant one), and sampling alone does not explain it: its p-value under a bootstrap
 * of the training distribution at the same number of rows, corrected for the many inputs (Holm),
 * is below 5 %. On 50 rows PSI reaches 0.2 by chance; the second test keeps such noise quiet.
 * Below {@linkcode MIN_DRIFT_ROWS} rows the report says there are too few rows to tell.
 *
 * @module
 */
import { PipelineError } from "../core/errors.ts";
import type { Dataset } from "../data/dataset.ts";
import { DriftCounter, type TrainingDistributions } from "./distributions.ts";
import { psi } from "./psi.ts";
import { holm, MIN_RESAMPLES, samplingPValues } from "./sampling.ts";

/** The PSI at which a feature counts as drifted unless told otherwise. */
export const DEFAULT_DRIFT_THRESHOLD = 0.2;

/** The chance of any false alarm across a report's inputs that the sampling test allows. */
export const DRIFT_ALPHA = 0.05;

/** Fewer new rows than this and the report raises no alarm: too few rows to tell. */
export const MIN_DRIFT_ROWS = 30;

/** One bin of a feature's comparison. */
export interface DriftBin {
  /** The bin as people read it: a value, a range such as `(15, 16]`, `unseen` or `missing`. */
  bin: string;
  /** Share of the training rows in it. */
  training: number;
  /** Share of the new rows in it. */
  new: number;
}

/** One feature's drift. */
export interface FeatureDrift {
  feature: string;
  /** `numeric` (binned at the training deciles) or `category` (one bin per value). */
  kind: "numeric" | "category";
  /** Population stability index of the new rows against the training rows. */
  psi: number;
  /**
   * The chance that rows drawn from the training distribution drift at least this far, adjusted
   * for the number of inputs (Holm); 1 when too few rows were given.
   */
  p_value: number;
  /** psi >= the report's threshold and p_value < its alpha. */
  drifted: boolean;
  /** Share of new rows missing the value. */
  missing_rate: number;
  /** Share of training rows missing it. */
  training_missing_rate: number;
  /** Values of the new rows that training never saw, with their row counts, most frequent first. */
  unseen: { value: string | number; rows: number }[];
  /** The bins compared. */
  bins: DriftBin[];
}

/** The drift report of some rows against a model's training data. */
export interface DriftReport {
  /** The model compared with. */
  model: string;
  /** New rows compared. */
  rows: number;
  /** Training rows the model's distributions were counted on. */
  training_rows: number;
  /** The PSI at which a feature counts as drifted. */
  threshold: number;
  /** The adjusted p-value below which a PSI at the threshold counts as more than sampling noise. */
  alpha: number;
  /** True when fewer than `min_rows` rows were compared: nothing is flagged, nothing can be told. */
  too_few_rows: boolean;
  /** The fewest rows a report judges. */
  min_rows: number;
  /** The drifted features' names, highest PSI first. */
  drifted: string[];
  /** Every input, in the model's order. */
  features: FeatureDrift[];
}

/** A model without training distributions (saved before drift reports existed) was asked for one. */
export class DriftUnavailableError extends PipelineError {
  /**
   * @param model The model id.
   */
  constructor(model: string) {
    super(
      `Model ${model} predates drift statistics: its metadata keeps no training distributions; ` +
        "retrain it to get drift reports",
    );
    this.name = "DriftUnavailableError";
  }
}

/**
 * Reports what a counter counted against its training distributions.
 *
 * @param counter The counted rows.
 * @param options The model id and the drift threshold.
 * @returns The report.
 */
export function driftReport(
  counter: DriftCounter,
  options: { model: string; threshold?: number },
): DriftReport {
  const threshold = options.threshold ?? DEFAULT_DRIFT_THRESHOLD;
  const reference = counter.reference;
  const tooFew = counter.rows < MIN_DRIFT_ROWS;
  const binned = reference.features.map((f, j) => {
    const seen = counter.counted(j);
    const unseenRows = [...seen.unseen.values()].reduce((a, b) => a + b, 0);
    // Bins: the training bins, then unseen values (categories) and missing values, each its own.
    const training = [...f.counts];
    const observed = [...seen.counts];
    const names = f.kind === "numeric" ? rangeNames(f.edges) : f.values.map(String);
    if (f.kind === "category") {
      training.push(0);
      observed.push(unseenRows);
      names.push("unseen");
    }
    training.push(f.missing);
    observed.push(seen.missing);
    names.push("missing");
    return { f, seen, training, observed, names };
  });
  const values = binned.map((b) => psi(b.training, b.observed));
  const p = tooFew ? values.map(() => 1) : holm(samplingPValues(
    binned.map((b) => b.training),
    values,
    {
      rows: counter.rows,
      // Enough resamples that the smallest p-value can pass Holm's first step.
      resamples: Math.max(MIN_RESAMPLES, Math.ceil((4 * values.length) / DRIFT_ALPHA)),
    },
  ));
  const features = binned.map(({ f, seen, training, observed, names }, j): FeatureDrift => {
    const t = total(training);
    const o = total(observed);
    const value = values[j];
    return {
      feature: f.feature,
      kind: f.kind,
      psi: value,
      p_value: p[j],
      drifted: !tooFew && value >= threshold && p[j] < DRIFT_ALPHA,
      missing_rate: o === 0 ? 0 : seen.missing / o,
      training_missing_rate: t === 0 ? 0 : f.missing / t,
      unseen: [...seen.unseen].map(([value, rows]) => ({ value, rows }))
        .sort((a, b) => b.rows - a.rows || String(a.value).localeCompare(String(b.value))),
      bins: names.map((bin, i) => ({
        bin,
        training: t === 0 ? 0 : training[i] / t,
        new: o === 0 ? 0 : observed[i] / o,
      })),
    };
  });
  const drifted = features.filter((f) => f.drifted).sort((a, b) => b.psi - a.psi)
    .map((f) => f.feature);
  return {
    model: options.model,
    rows: counter.rows,
    training_rows: reference.rows,
    threshold,
    alpha: DRIFT_ALPHA,
    too_few_rows: tooFew,
    min_rows: MIN_DRIFT_ROWS,
    drifted,
    features,
  };
}

/**
 * The drift report of a dataset against a model's training data.
 *
 * @param model The model's id and its metadata's `distributions` (absent in older models).
 * @param data The new rows, validated against the model's spec.
 * @param options The drift threshold (default 0.2).
 * @returns The report.
 * @throws DriftUnavailableError when the model keeps no training distributions.
 */
export function datasetDrift(
  model: { id: string; distributions?: TrainingDistributions },
  data: Dataset,
  options: { threshold?: number } = {},
): DriftReport {
  const counter = driftCounter(model);
  counter.addDataset(data);
  return driftReport(counter, { model: model.id, threshold: options.threshold });
}

/**
 * A counter for a model's training distributions.
 *
 * @param model The model's id and its metadata's `distributions`.
 * @returns An empty counter.
 * @throws DriftUnavailableError when the model keeps no training distributions.
 */
export function driftCounter(
  model: { id: string; distributions?: TrainingDistributions },
): DriftCounter {
  if (!model.distributions) throw new DriftUnavailableError(model.id);
  return new DriftCounter(model.distributions);
}

/**
 * Describes a report in one line for logs and warnings.
 *
 * @param report The report.
 * @returns e.g. `2 of 30 inputs drifted beyond sampling noise (PSI >= 0.2, p < 0.05): Age 1.31, …`.
 */
export function driftSummary(report: DriftReport): string {
  const n = report.features.length;
  if (report.too_few_rows) {
    return `Too few rows to tell: ${report.rows} compared, drift needs at least ${report.min_rows}`;
  }
  if (report.drifted.length === 0) {
    return `No input drifted among ${n} (PSI >= ${report.threshold} beyond sampling noise, p < ${report.alpha})`;
  }
  const byName = new Map(report.features.map((f) => [f.feature, f]));
  const listed = report.drifted.map((name) => `${name} ${byName.get(name)!.psi.toFixed(2)}`);
  return `${report.drifted.length} of ${n} inputs drifted beyond sampling noise (PSI >= ${report.threshold}, p < ${report.alpha}): ${
    listed.join(", ")
  }`;
}

function rangeNames(edges: number[]): string[] {
  if (edges.length === 0) return ["any value"];
  const names = [`<= ${edges[0]}`];
  for (let i = 1; i < edges.length; i++) names.push(`(${edges[i - 1]}, ${edges[i]}]`);
  names.push(`> ${edges[edges.length - 1]}`);
  return names;
}

function total(counts: number[]): number {
  let sum = 0;
  for (const c of counts) sum += c;
  return sum;
}
