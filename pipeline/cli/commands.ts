/**
 * The pipeline's tasks described as data: their summaries and options. Each `*_main.ts` parses
 * its arguments with its entry here, `--help` prints it, and a test holds docs/tasks.md's task table
 * to it.
 *
 * @module
 */
import { DEFAULT_SEED } from "../core/mod.ts";
import { DEFAULT_MAX_CATEGORIES } from "../data/mod.ts";
import { DEFAULT_DRIFT_THRESHOLD } from "../drift/mod.ts";
import { POLICY_FORMS } from "../evaluate/mod.ts";
import { DEFAULT_KEEP } from "../registry/mod.ts";
import type { Command } from "./kit.ts";

/** The committed spec of the student data set. */
export const DEFAULT_SPEC = "data/specs/student_dropout.json";
/** Where models are saved unless `--models-dir` says otherwise. */
export const DEFAULT_MODELS = "models";

const DATA = {
  value: "CSV",
  help: "Training data (default: DROPOUT_DATA, else ../shared/data/student_dropout.csv)",
} as const;
const SPEC = { value: "JSON", help: `Dataset spec (default ${DEFAULT_SPEC})` } as const;
const PROFILE = { value: "P", help: "Profile of the spec (default: its default)" } as const;
const SEED = {
  value: "N",
  help: `Seed of every random choice (default ${DEFAULT_SEED})`,
} as const;
const JSON_OUT = { help: "End with the report as one JSON line" } as const;
const MODELS_DIR = {
  value: "DIR",
  help: `Model registry (default ${DEFAULT_MODELS})`,
} as const;
const PARAMS = {
  value: "JSON",
  help: `Model settings over the profile's, e.g. '{"hidden":[32],"ensemble":5}'`,
} as const;

/** `deno task train`. */
export const TRAIN = {
  task: "train",
  summary: "Train, evaluate, save and activate a profile's model",
  options: {
    profile: PROFILE,
    seed: SEED,
    data: DATA,
    spec: SPEC,
    "models-dir": MODELS_DIR,
    "min-recall": {
      value: "R",
      help: "Choose the threshold for this recall on validation",
      conflicts: ["policy"],
    },
    policy: {
      value: "POLICY",
      help: `Threshold policy on validation: ${POLICY_FORMS} (default f1)`,
      conflicts: ["min-recall"],
    },
    params: PARAMS,
    "max-eod": {
      value: "X",
      help: "Refuse to activate when an equalized-odds difference exceeds X (exit 3)",
    },
    "no-activate": { help: "Save the model without activating it" },
    json: { help: "End with the model's metadata.json as one line" },
  },
} as const satisfies Command;

/** `deno task cv`. */
export const CV = {
  task: "cv",
  summary: "Repeated stratified k-fold cross-validation of a profile",
  options: {
    profile: PROFILE,
    folds: { value: "K", help: "Folds per run (default 10)" },
    runs: { value: "R", help: "Runs, each with its own fold assignment (default 1)" },
    seed: SEED,
    data: DATA,
    spec: SPEC,
    policy: {
      value: "POLICY",
      help: `Threshold policy per fold: ${POLICY_FORMS} (default fixed:0.5)`,
    },
    params: PARAMS,
    untuned: {
      help:
        "Ignore the profile's tuned settings: score what a spec without them gets (the model chosen in each fold)",
    },
    by: {
      value: "COLUMN",
      help:
        "Cohort-forward: train on the rows whose COLUMN is not among --test, test on those that are (COLUMN is never an input)",
    },
    test: { value: "V1,V2", help: "With --by: the values of COLUMN tested on" },
    workers: {
      value: "N",
      help:
        "Run the folds in N workers when each chooses its model on a table of more than 10,000 rows (default 1; the figures are the same)",
    },
    json: JSON_OUT,
  },
} as const satisfies Command;

/** `deno task tune`. */
export const TUNE = {
  task: "tune",
  summary: "Nested cross-validation over a search space; --write records the choice in the spec",
  options: {
    profile: PROFILE,
    "outer-folds": { value: "K", help: "Outer folds (default 5)" },
    "inner-folds": { value: "K", help: "Inner folds (default 3)" },
    "inner-runs": { value: "R", help: "Inner runs per candidate (default 1)" },
    criterion: { value: "C", help: "log_loss or pcc (default log_loss)" },
    seed: SEED,
    policy: { value: "POLICY", help: `Threshold policy: ${POLICY_FORMS} (default fixed:0.5)` },
    data: DATA,
    spec: SPEC,
    write: { help: "Write the chosen settings and the tuning record into the spec" },
    json: JSON_OUT,
  },
} as const satisfies Command;

/** `deno task spec`. */
export const SPEC_COMMAND = {
  task: "spec",
  summary:
    "Infer a dataset spec from any CSV and print it as JSON (--review: each column's decision and why)",
  options: {
    data: { value: "CSV", help: "The table (required)" },
    target: { value: "COLUMN", help: "The outcome column (required)" },
    positive: { value: "VALUE", help: "The outcome value that counts as positive (required)" },
    leak: { value: "COLUMN", multiple: true, help: "A column known only after the outcome" },
    name: { value: "NAME", help: "The data set's name (default: the file's name)" },
    "max-categories": {
      value: "K",
      help:
        `Most distinct values of a text column, or of integer codes with no telling name, read as a category (default ${DEFAULT_MAX_CATEGORIES})`,
    },
    review: {
      help: "Print each column's type, role and the reason for it as a table, instead of the JSON",
    },
  },
} as const satisfies Command;

/** `deno task split`. */
export const SPLIT = {
  task: "split",
  summary: "Write the stratified, seeded split manifest to data/splits/",
  options: {
    seed: SEED,
    data: DATA,
    spec: SPEC,
    validation: { value: "F", help: "Validation fraction, between 0 and 1 (default 0.15)" },
    test: { value: "F", help: "Test fraction, between 0 and 1 (default 0.15)" },
    out: { value: "DIR", help: "Folder of the manifest (default data/splits)" },
  },
} as const satisfies Command;

/** `deno task score`. */
export const SCORE = {
  task: "score",
  summary: "Score every row of a CSV with a saved model",
  options: {
    data: { value: "CSV", help: "The students to score (required)" },
    out: { value: "CSV", help: "Where the scored CSV goes (required)" },
    profile: { value: "P", help: "Use this profile's active model", conflicts: ["model"] },
    model: { value: "ID", help: "Use this model", conflicts: ["profile"] },
    "models-dir": MODELS_DIR,
    spec: { value: "JSON", help: "Spec whose default profile picks the model" },
    reasons: {
      value: "N",
      help: "Reason columns per student, the largest first (default 3; 0: none)",
    },
  },
} as const satisfies Command;

/** `deno task prune`. */
export const PRUNE = {
  task: "prune",
  summary: "Remove old models: keep the active ones and the newest N of each profile",
  options: {
    keep: {
      value: "N",
      help: `Models kept per profile beside the active ones (default ${DEFAULT_KEEP}, at least 1)`,
    },
    "models-dir": MODELS_DIR,
    "dry-run": { help: "Only list what would be removed" },
    json: { help: "End with the result as one JSON line" },
  },
} as const satisfies Command;

/** `deno task drift`. */
export const DRIFT = {
  task: "drift",
  summary:
    "Compare a CSV with a model's training data: PSI, unseen values and missing rates per input",
  options: {
    data: { value: "CSV", help: "The new rows (required; the label column may be absent)" },
    profile: { value: "P", help: "Use this profile's active model", conflicts: ["model"] },
    model: { value: "ID", help: "Use this model", conflicts: ["profile"] },
    "models-dir": MODELS_DIR,
    spec: { value: "JSON", help: "Spec whose default profile picks the model" },
    threshold: {
      value: "X",
      help: `PSI from which an input counts as drifted (default ${DEFAULT_DRIFT_THRESHOLD})`,
    },
    json: { help: 'End with the report as one JSON line {"model","rows","features":[…]}' },
  },
} as const satisfies Command;

/** Every pipeline task, in the order of docs/tasks.md's table. */
export const PIPELINE_COMMANDS: Command[] = [
  TRAIN,
  CV,
  TUNE,
  SPEC_COMMAND,
  SPLIT,
  SCORE,
  DRIFT,
  PRUNE,
];
