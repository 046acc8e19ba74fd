/**
 * The dataset spec: columns, their types and allowed values, the target, the
 * leak columns and the named feature profiles. It is data (a JSON file), saved
 * with every model, so the pipeline works on any school's table.
 *
 * @module
 */
import { InputError, SchemaError, type SchemaIssue } from "../core/errors.ts";

/** The kinds of column the pipeline understands. */
export type ColumnType = "category" | "ordinal" | "integer" | "number" | "boolean";

/** One column of the dataset. */
export interface ColumnSpec {
  /** Header name, exactly as in the CSV. */
  name: string;
  /** How the cells are read and encoded. */
  type: ColumnType;
  /** One line for people: shown as help text next to the form field. */
  description?: string;
  /** Allowed values of a `category` (strings) or `ordinal` (integers) column. */
  values?: (string | number)[];
  /** Inclusive lower bound of an `integer` or `number` column. */
  min?: number;
  /** Inclusive upper bound of an `integer` or `number` column. */
  max?: number;
  /** Spellings read as true in a `boolean` column. */
  true_values?: string[];
  /** Spellings read as false in a `boolean` column. */
  false_values?: string[];
}

/** A named set of input features, with optional model settings. */
export interface Profile {
  /** What the profile is for. */
  description?: string;
  /** The input columns, in order. */
  features: string[];
  /** Model hyper-parameters overriding the defaults for this profile. */
  model?: Record<string, unknown>;
  /** How `model` was chosen: the search space, seeds and nested-CV figures (written by `deno task tune`). */
  tuning?: Record<string, unknown>;
  /** Ours beside untuned peers on the same folds (written by `deno task peers --write`). */
  peers?: PeersRecord;
  /** A published result for this setup, shown beside the cross-validated percent correct. */
  published?: PublishedFigures;
}

/** A publication's percent correct (PCC, %) for a profile's setup. */
export interface PublishedFigures {
  /** Who published it, as a label: `Cortez & Silva 2008`. */
  source: string;
  /** The publication's name for the setup. */
  setup: string;
  /** Its best model's PCC. */
  best: number;
  /** Its naive baseline's PCC. */
  naive: number;
}

/** One model's out-of-fold figures in a {@linkcode PeersRecord}. */
export interface PeerFigures {
  name: string;
  kind: "ours" | "peer" | "baseline";
  roc_auc: number;
  pr_auc: number;
  brier: number;
  log_loss: number;
  recall_at_20: number;
  pcc: number;
  fit_seconds_per_fold: number;
}

/** What `deno task peers --write` records for a profile. */
export interface PeersRecord {
  /** ISO date of the run. */
  measured: string;
  folds: number;
  runs: number;
  seed: number;
  /** Versions of the peers' libraries. */
  versions: Record<string, string>;
  /** The 1-minute load at the start of the run, and the cores. */
  machine: { load: number; cores: number };
  models: PeerFigures[];
}

/** How people are told about the outcome: the page, the model card and the tasks word it so. */
export interface OutcomeWords {
  /** The positive outcome after "the chance of": `failing the year`. */
  event: string;
  /** Students with it, after a count or "who": `failed the year`. */
  positive: string;
  /** Students without it, after a count or "who": `passed the year`. */
  negative: string;
  /** How the label is defined, one phrase: `a final grade below 10 of 20`. */
  definition?: string;
}

/** The whole dataset spec. */
export interface DatasetSpec {
  /** A short identifier of the data set. */
  name: string;
  /** The data set's name for people (the page's subtitle); `name` when absent. */
  title?: string;
  /** One paragraph on where the data comes from. */
  description?: string;
  /** The outcome's wording; a plain `target = positive` when absent. */
  outcome?: OutcomeWords;
  /** Why the leak columns must not warn early, one sentence shown beside them. */
  leak_note?: string;
  /** What a model of this data cannot tell, one sentence each (the model card's limits). */
  limits?: string[];
  /** Columns whose groups the fairness audit compares; those of Gender, Address, School present when absent. */
  sensitive?: string[];
  /**
   * Columns that identify a row (a student number): read as text, carried through scoring into
   * its output, never a feature. They are not listed in `columns`.
   */
  ids?: string[];
  /**
   * The column naming each row's cohort (a term, a year, a presentation): read as text, never a
   * feature (a term's name says nothing about the next term), and what cohort-forward evaluation
   * splits by (`deno task cv --by`). Not listed in `columns`.
   */
  cohort?: string;
  /** The label column and the value that counts as positive (at risk). */
  target: { column: string; positive: string };
  /** Columns that reveal the label and must not be used for early warning. */
  leak: string[];
  /** Every column of the file, in file order. */
  columns: ColumnSpec[];
  /** Named feature profiles. */
  profiles: Record<string, Profile>;
  /** The profile used when none is named. */
  default_profile?: string;
}

const TYPES: readonly ColumnType[] = ["category", "ordinal", "integer", "number", "boolean"];

/**
 * Checks that an object is a well-formed dataset spec.
 *
 * @param raw The parsed JSON.
 * @param source Where it came from, for messages.
 * @returns The same object, typed.
 * @throws SchemaError naming every malformed field.
 */
export function parseSpec(raw: unknown, source = "spec"): DatasetSpec {
  const issues: SchemaIssue[] = [];
  const bad = (column: string, expected: string, value?: unknown) =>
    issues.push({ column, expected, value });
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new SchemaError(`Cannot read ${source}: expected a JSON object`);
  }
  const spec = raw as Partial<DatasetSpec>;
  if (typeof spec.name !== "string" || spec.name === "") bad("name", "a non-empty string");
  if (!Array.isArray(spec.columns) || spec.columns.length === 0) {
    bad("columns", "a non-empty array of columns");
  }
  const names = new Set<string>();
  for (const [i, col] of (Array.isArray(spec.columns) ? spec.columns : []).entries()) {
    const at = `columns[${i}]`;
    if (typeof col?.name !== "string" || col.name === "") {
      bad(`${at}.name`, "a non-empty string", col?.name);
      continue;
    }
    if (names.has(col.name)) bad(`${at}.name`, "a unique column name", col.name);
    names.add(col.name);
    if (!TYPES.includes(col.type)) bad(`${at}.type`, `one of ${TYPES.join(", ")}`, col.type);
    if ((col.type === "category" || col.type === "ordinal") && !nonEmptyArray(col.values)) {
      bad(`${at}.values`, `a non-empty array of allowed values for ${col.type} "${col.name}"`);
    }
    if (col.type === "ordinal" && nonEmptyArray(col.values)) {
      if (!col.values.every(Number.isInteger)) {
        bad(`${at}.values`, `integers for ordinal "${col.name}"`, col.values);
      }
    }
    // Cells are compared as text, so a non-string value would reject every cell of the column.
    if (col.type === "category" && nonEmptyArray(col.values) && !col.values.every(isString)) {
      bad(`${at}.values`, `strings for category "${col.name}"`, col.values);
    }
    if (
      col.type === "boolean" &&
      (!nonEmptyArray(col.true_values) || !nonEmptyArray(col.false_values) ||
        !col.true_values.every(isString) || !col.false_values.every(isString))
    ) {
      bad(`${at}`, `true_values and false_values (strings) for boolean "${col.name}"`);
    }
    // A bound that is not a number would compare false with every value and check nothing.
    for (const bound of ["min", "max"] as const) {
      if (col[bound] !== undefined && !Number.isFinite(col[bound])) {
        bad(`${at}.${bound}`, `a finite number for "${col.name}"`, col[bound]);
      }
    }
    if (col.min !== undefined && col.max !== undefined && !(col.min <= col.max)) {
      bad(`${at}.min`, `min <= max for "${col.name}"`, [col.min, col.max]);
    }
  }
  const target = spec.target;
  if (typeof target?.column !== "string" || typeof target?.positive !== "string") {
    bad("target", 'an object {"column": string, "positive": string}', target);
  } else if (!names.has(target.column)) {
    bad("target.column", "a column of the spec", target.column);
  } else {
    const col = spec.columns!.find((c) => c.name === target.column)!;
    const allowed = col.type === "boolean"
      ? [...col.true_values ?? [], ...col.false_values ?? []]
      : (col.values ?? []).map(String);
    if (!allowed.includes(target.positive)) {
      bad("target.positive", `one of ${allowed.join(", ")}`, target.positive);
    }
  }
  if (!Array.isArray(spec.leak)) bad("leak", "an array of column names (may be empty)");
  for (const name of Array.isArray(spec.leak) ? spec.leak : []) {
    if (!names.has(name)) bad("leak", "a column of the spec", name);
  }
  if (typeof spec.profiles !== "object" || spec.profiles === null) {
    bad("profiles", "an object of named profiles");
  }
  for (const [pname, profile] of Object.entries(spec.profiles ?? {})) {
    const p = profile?.published;
    if (
      p !== undefined &&
      !(typeof p?.source === "string" && typeof p.setup === "string" &&
        Number.isFinite(p.best) && Number.isFinite(p.naive))
    ) {
      bad(`profiles.${pname}.published`, "{source, setup: string; best, naive: number}", p);
    }
    if (!nonEmptyArray(profile?.features)) {
      bad(`profiles.${pname}.features`, "a non-empty array of column names");
      continue;
    }
    const used = new Set<string>();
    for (const f of profile.features) {
      if (!names.has(f)) bad(`profiles.${pname}.features`, "a column of the spec", f);
      if (f === target?.column) bad(`profiles.${pname}.features`, "not the target", f);
      if (used.has(f)) bad(`profiles.${pname}.features`, "each column once", f);
      used.add(f);
    }
  }
  for (const key of ["title", "description", "leak_note"] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== "string") bad(key, "a string", spec[key]);
  }
  if (spec.outcome !== undefined) {
    const o = spec.outcome as Partial<OutcomeWords> | null;
    for (const key of ["event", "positive", "negative"] as const) {
      if (typeof o?.[key] !== "string" || o[key] === "") {
        bad(`outcome.${key}`, "a non-empty string", o?.[key]);
      }
    }
    if (o?.definition !== undefined && typeof o.definition !== "string") {
      bad("outcome.definition", "a string", o.definition);
    }
  }
  if (spec.limits !== undefined && !(Array.isArray(spec.limits) && spec.limits.every(isString))) {
    bad("limits", "an array of sentences", spec.limits);
  }
  if (spec.sensitive !== undefined) {
    if (!Array.isArray(spec.sensitive)) bad("sensitive", "an array of column names");
    else {
      for (const name of spec.sensitive) {
        if (!names.has(name)) bad("sensitive", "a column of the spec", name);
      }
    }
  }
  if (spec.ids !== undefined) {
    if (!Array.isArray(spec.ids) || !spec.ids.every((n) => isString(n) && n !== "")) {
      bad("ids", "an array of column names", spec.ids);
    } else {
      const seen = new Set<string>();
      for (const name of spec.ids) {
        if (names.has(name)) bad("ids", "a column not in columns (ids are never features)", name);
        if (seen.has(name)) bad("ids", "each column once", name);
        seen.add(name);
      }
    }
  }
  if (spec.cohort !== undefined) {
    if (!isString(spec.cohort) || spec.cohort === "") {
      bad("cohort", "a column name", spec.cohort);
    } else if (names.has(spec.cohort)) {
      bad("cohort", "a column not in columns (the cohort is never a feature)", spec.cohort);
    } else if ((spec.ids ?? []).includes(spec.cohort)) {
      bad("cohort", "a column that is not an id", spec.cohort);
    }
  }
  if (spec.default_profile !== undefined && !(spec.default_profile in (spec.profiles ?? {}))) {
    bad("default_profile", "the name of a profile", spec.default_profile);
  }
  if (issues.length > 0) {
    throw new SchemaError(`Invalid dataset spec ${source}: ${issues.length} problem(s)`, issues);
  }
  return spec as DatasetSpec;
}

/**
 * Reads and checks a dataset spec from a JSON file.
 *
 * @param path The file.
 * @returns The spec.
 * @throws InputError when the file is missing or not JSON; SchemaError when malformed.
 */
export async function loadSpec(path: string): Promise<DatasetSpec> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (cause) {
    throw new InputError(`Cannot read spec file ${path}: ${(cause as Error).message}`, { cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new InputError(`Cannot parse spec file ${path}: ${(cause as Error).message}`, { cause });
  }
  return parseSpec(raw, path);
}

/**
 * Looks up a column by name.
 *
 * @param spec The spec.
 * @param name The column name.
 * @returns The column.
 * @throws SchemaError when the spec has no such column.
 */
export function column(spec: DatasetSpec, name: string): ColumnSpec {
  const col = spec.columns.find((c) => c.name === name);
  if (!col) {
    throw new SchemaError(`Unknown column "${name}"`, [{
      column: name,
      expected: `one of ${spec.columns.map((c) => c.name).join(", ")}`,
    }]);
  }
  return col;
}

/**
 * Resolves a profile name (or the default) to its profile.
 *
 * @param spec The spec.
 * @param name The profile name; the spec's default (or the first) when absent.
 * @returns The name and the profile.
 * @throws InputError naming the valid profiles when the name is unknown.
 */
export function profileOf(spec: DatasetSpec, name?: string): { name: string; profile: Profile } {
  const chosen = name ?? spec.default_profile ?? Object.keys(spec.profiles)[0];
  // Own keys only: "constructor" or "toString" must not find Object.prototype's members.
  const profile = Object.hasOwn(spec.profiles, chosen) ? spec.profiles[chosen] : undefined;
  if (!profile) {
    throw new InputError(
      `Unknown profile "${chosen}": expected one of ${Object.keys(spec.profiles).join(", ")}`,
    );
  }
  return { name: chosen, profile };
}

/**
 * Tells whether a profile uses a leak column.
 *
 * @param spec The spec.
 * @param profile The profile.
 * @returns The leak columns among its features.
 */
export function leaksOf(spec: DatasetSpec, profile: Profile): string[] {
  return profile.features.filter((f) => spec.leak.includes(f));
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function nonEmptyArray<T>(value: T[] | undefined): value is T[] {
  return Array.isArray(value) && value.length > 0;
}
