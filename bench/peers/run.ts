/**
 * One profile of `deno task peers`: the project's cross-validation and the Python peers on the
 * same folds, then one table scored by the pipeline's metric code.
 *
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import {
  cohortSplit,
  type CohortSplitOptions,
  crossValidateProfile,
  type Dataset,
  type DatasetSpec,
  repeatedStratifiedKFold,
  withoutInput,
} from "../../pipeline/mod.ts";
import { gradeOf, gradeRule } from "./baseline.ts";
import { featureTable, foldAssignment, writeExchange } from "./features.ts";
import { buildTable, type ModelPredictions, type PeerTable } from "./table.ts";
import { PEERS_DIR } from "./venv.ts";

/** The peers, in table order, as `peers.py` names them. */
export const PEERS = [
  "logistic_regression",
  "random_forest",
  "hist_gradient_boosting",
  "lightgbm",
] as const;

/**
 * The name in the table of what the project's `crossValidateProfile` fits for the profile: its
 * tuned settings, or the model chosen in each fold when it has none.
 */
export const OURS = "ours (as deno task cv)";

/** Options of {@linkcode runProfile} and {@linkcode runPeers}. */
export interface PeersOptions {
  profile: string;
  folds: number;
  runs: number;
  seed: number;
  /** The venv's interpreter. */
  python: string;
  /** Which peers to fit (default all of {@linkcode PEERS}). */
  peers?: readonly string[];
  /** Include the project's own model (default true; the end-to-end test leaves it out). */
  ours?: boolean;
  /** Where the exchange folders are made (and removed); default `bench/peers/.cache/work`. */
  workDir?: string;
  /** Bootstrap resamples (default 1,000). */
  resamples?: number;
  /** Cohort-forward: train on the other cohorts, test on these (folds and runs do not apply). */
  cohort?: CohortSplitOptions;
  /** Workers ours runs its folds in (see `crossValidateProfile`; default 1). */
  workers?: number;
  log?: (line: string) => void;
}

/** What `peers.py` writes. */
export interface PythonOutput {
  versions: Record<string, string>;
  threads: number;
  models: Record<string, { scores: number[][]; fit_seconds: number[][] }>;
}

/** One profile's table with its wall times. */
export interface ProfileResult {
  table: PeerTable;
  /** Wall seconds: the project's CV, the Python side (start to finish), and the whole profile. */
  wall_seconds: { ours: number; peers: number; total: number };
  /** The model ours chose in each fold (nested), in fold order, when the profile has no tuned settings. */
  ours_choices?: string[];
  python: { versions: Record<string, string>; threads: number };
}

/**
 * Runs `peers.py` on an exchange folder.
 *
 * @param python The interpreter.
 * @param dir The folder holding `features.csv` and `folds.json`.
 * @param peers The models to fit.
 * @returns What the script wrote.
 */
export async function runPython(
  python: string,
  dir: string,
  peers: readonly string[],
): Promise<PythonOutput> {
  const output = await new Deno.Command(python, {
    args: [`${PEERS_DIR}/peers.py`, dir, "--models", peers.join(",")],
    // One thread per fit, as ours and the forest (n_jobs=None) have: comparable fit times, and
    // OpenMP's spinning threads no longer fight other jobs on a shared machine (HistGradient-
    // Boosting took 40 times longer under a load of 5 on 2 cores). Scores do not depend on it.
    env: { OMP_NUM_THREADS: "1" },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`peers.py failed (exit ${output.code}) on ${dir}`);
  return JSON.parse(await Deno.readTextFile(`${dir}/predictions.json`)) as PythonOutput;
}

/**
 * Scores ours, the grade rule (when the profile reads a grade) and the peers on one profile.
 *
 * @param data The dataset with labels.
 * @param spec The dataset spec.
 * @param options Profile, folds, runs, seed, interpreter and which models.
 * @returns The table and the wall times.
 */
export async function runProfile(
  data: Dataset,
  spec: DatasetSpec,
  options: PeersOptions,
): Promise<ProfileResult> {
  const started = performance.now();
  const { profile, seed, cohort } = options;
  const folds = cohort ? 1 : options.folds;
  const runs = cohort ? 1 : options.runs;
  const log = options.log ?? (() => {});
  // The same call, with the same arguments, as crossValidate makes: the same folds. A cohort split
  // is one fold: 0 for the tested rows, -1 for the rows only trained on.
  const foldOf = cohort ? [_cohortFolds(data, cohort)] : foldAssignment(
    repeatedStratifiedKFold(data.labels, { folds, runs, seed }),
    data.rows,
  );
  // The column split by is never an input, for ours and the peers alike.
  const inputs = cohort ? withoutInput(spec, cohort.column, profile) : spec;
  const models: ModelPredictions[] = [];
  let bootSeed = seed;
  let oursSeconds = 0;
  let oursChoices: string[] | undefined;
  if (options.ours ?? true) {
    log(
      `${profile}: ours, ${
        cohort ? `cohort-forward by ${cohort.column}` : `${runs} × ${folds}-fold`
      }`,
    );
    const t = performance.now();
    const report = await crossValidateProfile(data, spec, {
      profile,
      folds,
      runs,
      seed,
      cohort,
      predictions: true,
      resamples: 0,
      workers: options.workers ?? 1,
    });
    oursSeconds = (performance.now() - t) / 1000;
    oursChoices = report.choices;
    const p = report.predictions!;
    if (!isDeepStrictEqual(p.fold_of, foldOf)) {
      throw new Error(`crossValidate used other folds than repeatedStratifiedKFold for ${profile}`);
    }
    models.push({ name: OURS, kind: "ours", scores: p.scores, fit_seconds: p.fit_seconds });
    // The interval seed crossValidate uses, so ours' intervals equal `deno task cv`'s.
    bootSeed = report.interval.seed;
  }
  const grade = gradeOf(spec, profile);
  if (grade) models.push({ kind: "baseline", ...gradeRule(data, grade, foldOf) });

  const peers = options.peers ?? PEERS;
  const workDir = options.workDir ?? `${PEERS_DIR}/.cache/work`;
  await Deno.mkdir(workDir, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: workDir, prefix: `${profile}-` });
  let python: PythonOutput;
  const t = performance.now();
  try {
    log(`${profile}: peers ${peers.join(", ")}`);
    await writeExchange(dir, {
      table: featureTable(data, inputs, profile),
      labels: data.labels,
      foldOf,
      seed,
    });
    python = await runPython(options.python, dir, peers);
  } finally {
    // The exchange files are a derived copy of the data: never left behind.
    await Deno.remove(dir, { recursive: true });
  }
  const peersSeconds = (performance.now() - t) / 1000;
  for (const name of peers) {
    const m = python.models[name];
    models.push({ name, kind: "peer", scores: m.scores, fit_seconds: m.fit_seconds });
  }
  // A cohort split scores the tested rows only.
  const tested = foldOf[0].flatMap((f, i) => (f >= 0 ? [i] : []));
  const only = <T>(values: ArrayLike<T>) => tested.map((i) => values[i]);
  const table = cohort
    ? buildTable(
      only(data.labels),
      [only(foldOf[0])],
      models.map((m) => ({ ...m, scores: m.scores.map(only) })),
      { profile, seed: bootSeed, resamples: options.resamples },
    )
    : buildTable(data.labels, foldOf, models, {
      profile,
      seed: bootSeed,
      resamples: options.resamples,
    });
  return {
    table,
    wall_seconds: {
      ours: oursSeconds,
      peers: peersSeconds,
      total: (performance.now() - started) / 1000,
    },
    ...(oursChoices ? { ours_choices: oursChoices } : {}),
    python: { versions: python.versions, threads: python.threads },
  };
}

/** Each row's fold in a cohort split: 0 when tested on, -1 when only trained on. */
function _cohortFolds(data: Dataset, cohort: CohortSplitOptions): number[] {
  const out = new Array<number>(data.rows).fill(-1);
  for (const row of cohortSplit(data, cohort).test) out[row] = 0;
  return out;
}
