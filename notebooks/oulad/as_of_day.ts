/**
 * The Open University Learning Analytics Dataset (OULAD) as an institution would see it on day N
 * of a term: one row per student on a module presentation who is registered and still enrolled on
 * that day, with only what is known by then.
 *
 * What each row holds on day N:
 * - the demographics of `studentInfo.csv` (not `id_student`, which names a person, nor
 *   `final_result`, kept only as the target), the module, and the presentation as the cohort
 *   `code_presentation`, which the spec names as the cohort and never as an input;
 * - the registration date and the presentation's length (both known at the start);
 * - from submissions with `date_submitted <= N`: how many, their mean and lowest score, the
 *   points earned towards the module mark, how many were late, failed (below 40) or banked, and
 *   the days since the last one;
 * - from assessments due by day N: how many and their weight, and how many of them (and how much
 *   weight) the student had not submitted by day N.
 *
 * `date_unregistration` only decides who is in a day's table (a student who left before day N,
 * or registered after it, is no one to warn on day N); it is never an input. The reading copes
 * with the release's conventions: `?` for a missing value, quoted and unquoted files, and an
 * `imd_band` of `10-20` where the other deciles carry a `%`.
 *
 * The joins are nodejs-polars (the pipeline's CSV library), which reads the files, groups and
 * joins them natively; nothing here is hand-written but the choice of features.
 *
 * @module
 */
import pl from "nodejs-polars";
import { InputError } from "../../pipeline/mod.ts";

/** The days of the term the notebook predicts on. */
export const PREDICTION_DAYS = [0, 30, 60, 90, 120] as const;
/** The column that names the presentation: the cohort of each row, never an input. */
export const COHORT = "code_presentation";
/** The label column and the value that counts as dropping out. */
export const TARGET = { column: "final_result", positive: "Withdrawn" } as const;
/** Below this score an assessment is failed (the Open University's pass mark). */
export const PASS_MARK = 40;

/** The five tables of the release, as read. */
export interface OuladTables {
  info: pl.DataFrame;
  registration: pl.DataFrame;
  assessments: pl.DataFrame;
  submissions: pl.DataFrame;
  courses: pl.DataFrame;
}

const TEXT = pl.Utf8;
const INT = pl.Int64;
const REAL = pl.Float64;

/** Each file's columns and their types: the files are read as these, whatever they look like. */
const FILES = {
  info: {
    file: "studentInfo.csv",
    columns: {
      code_module: TEXT,
      code_presentation: TEXT,
      id_student: INT,
      gender: TEXT,
      region: TEXT,
      highest_education: TEXT,
      imd_band: TEXT,
      age_band: TEXT,
      num_of_prev_attempts: INT,
      studied_credits: INT,
      disability: TEXT,
      final_result: TEXT,
    },
  },
  registration: {
    file: "studentRegistration.csv",
    columns: {
      code_module: TEXT,
      code_presentation: TEXT,
      id_student: INT,
      date_registration: INT,
      date_unregistration: INT,
    },
  },
  assessments: {
    file: "assessments.csv",
    columns: {
      code_module: TEXT,
      code_presentation: TEXT,
      id_assessment: INT,
      assessment_type: TEXT,
      date: INT,
      weight: REAL,
    },
  },
  submissions: {
    file: "studentAssessment.csv",
    columns: {
      id_assessment: INT,
      id_student: INT,
      date_submitted: INT,
      is_banked: INT,
      score: REAL,
    },
  },
  courses: {
    file: "courses.csv",
    columns: { code_module: TEXT, code_presentation: TEXT, module_presentation_length: INT },
  },
} as const;

const KEYS = ["code_module", "code_presentation", "id_student"];
const PRESENTATION = ["code_module", "code_presentation"];

/**
 * Reads the five OULAD files from a folder.
 *
 * @param dir The folder holding `studentInfo.csv`, `studentRegistration.csv`, `assessments.csv`,
 *   `studentAssessment.csv` and `courses.csv`.
 * @returns The tables, typed, with `?` and empty cells read as missing and `imd_band` spelled
 *   alike (`10-20%`).
 * @throws InputError naming the file when one is missing or lacks a column, or naming the file,
 *   column and value when a cell is not of its column's type.
 */
export async function readOulad(dir: string): Promise<OuladTables> {
  const tables: Partial<Record<keyof typeof FILES, pl.DataFrame>> = {};
  for (const [key, { file, columns }] of Object.entries(FILES)) {
    const path = `${dir}/${file}`;
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (cause) {
      throw new InputError(`Cannot read ${path}: ${(cause as Error).message}`, { cause });
    }
    const header = pl.readCSV(text, { nRows: 0, inferSchemaLength: 0 }).columns;
    const missing = Object.keys(columns).filter((c) => !header.includes(c));
    if (missing.length > 0) {
      throw new InputError(`Cannot read ${path}: no column ${missing.map((c) => `"${c}"`)}`);
    }
    // Every column as text first, so a bad cell is reported by name, not as a parser error.
    const raw = pl.readCSV(text, { inferSchemaLength: 0, nullValues: ["?", ""] })
      .select(...Object.keys(columns));
    const cast = Object.entries(columns).map(([name, type]) =>
      type === TEXT ? pl.col(name) : pl.col(name).cast(type, false)
    );
    const typed = raw.select(...cast);
    for (const [name, type] of Object.entries(columns)) {
      if (type === TEXT) continue;
      const bad = raw.filter(pl.col(name).isNotNull().and(typed.getColumn(name).isNull()));
      if (bad.height > 0) {
        throw new InputError(
          `Cannot read ${path}: column "${name}" is "${bad.getColumn(name).get(0)}", ` +
            `expected ${type === INT ? "an integer" : "a number"} or "?"`,
        );
      }
    }
    tables[key as keyof typeof FILES] = typed;
  }
  const info = tables.info!.withColumns(
    pl.when(pl.col("imd_band").eq(pl.lit("10-20"))).then(pl.lit("10-20%"))
      .otherwise(pl.col("imd_band")).alias("imd_band"),
  );
  return { ...(tables as OuladTables), info };
}

/**
 * The table an institution would have on day `day` of each presentation: one row per student
 * registered by then (or with no registration date) and not unregistered before it, with the
 * columns listed in the module comment and `final_result` last, as the target.
 *
 * @param tables The tables from {@linkcode readOulad}.
 * @param day Days since the presentation's start (0 = the first day).
 * @returns The table, one row per student on a module presentation, in the order of
 *   `studentInfo.csv`.
 * @example
 * ```ts
 * const tables = await readOulad("../shared/data/oulad");
 * const day60 = asOfDay(tables, 60);
 * await Deno.writeTextFile("out/oulad_day60.csv", day60.writeCSV().toString());
 * ```
 */
export function asOfDay(tables: OuladTables, day: number): pl.DataFrame {
  if (!Number.isInteger(day)) throw new InputError(`Invalid day ${day}: expected an integer`);
  const enrolled = tables.registration.filter(
    pl.col("date_unregistration").isNull().or(pl.col("date_unregistration").gtEq(day))
      .and(pl.col("date_registration").isNull().or(pl.col("date_registration").ltEq(day))),
  ).select(...KEYS, "date_registration");

  const due = tables.assessments.filter(pl.col("date").isNotNull().and(pl.col("date").ltEq(day)));
  const dueByPresentation = due.groupBy(PRESENTATION).agg(
    pl.col("id_assessment").count().alias("due_by_day"),
    pl.col("weight").sum().alias("due_weight"),
  );

  const known = tables.submissions.filter(pl.col("date_submitted").ltEq(day))
    .join(tables.assessments, { on: "id_assessment" });
  const submitted = known.groupBy(KEYS).agg(
    pl.col("id_assessment").count().alias("submitted"),
    pl.col("score").mean().alias("mean_score"),
    pl.col("score").min().alias("lowest_score"),
    pl.col("score").mul(pl.col("weight")).sum().div(100).alias("points_earned"),
    pl.col("date_submitted").gt(pl.col("date")).sum().alias("late"),
    pl.col("score").lt(PASS_MARK).sum().alias("failed"),
    pl.col("is_banked").sum().alias("banked"),
    pl.lit(day).sub(pl.col("date_submitted").max()).cast(INT).alias("days_since_last_submission"),
  );
  const submittedDue = known.filter(pl.col("date").isNotNull().and(pl.col("date").ltEq(day)))
    .groupBy(KEYS).agg(
      pl.col("id_assessment").count().alias("_due_submitted"),
      pl.col("weight").sum().alias("_due_weight_submitted"),
    );

  const zero = (name: string) => pl.col(name).fillNull(0).alias(name);
  const counts = ["due_by_day", "submitted", "missed", "late", "failed", "banked"];
  return tables.info.withRowIndex("_row")
    .join(enrolled, { on: KEYS })
    .join(tables.courses, { on: PRESENTATION, how: "left" })
    .join(dueByPresentation, { on: PRESENTATION, how: "left" })
    .join(submitted, { on: KEYS, how: "left" })
    .join(submittedDue, { on: KEYS, how: "left" })
    .withColumns(
      zero("due_by_day"),
      zero("due_weight"),
      zero("submitted"),
      zero("points_earned"),
      zero("late"),
      zero("failed"),
      zero("banked"),
      zero("_due_submitted"),
      zero("_due_weight_submitted"),
    )
    .withColumns(
      pl.col("due_by_day").sub(pl.col("_due_submitted")).alias("missed"),
      pl.col("due_weight").sub(pl.col("_due_weight_submitted")).alias("missed_weight"),
    )
    // Counts stay integers in the CSV, so the drafted spec reads them as such.
    .withColumns(...counts.map((name) => pl.col(name).cast(INT)))
    .sort("_row")
    .select(
      "code_module",
      COHORT,
      "gender",
      "region",
      "highest_education",
      "imd_band",
      "age_band",
      "num_of_prev_attempts",
      "studied_credits",
      "disability",
      "date_registration",
      "module_presentation_length",
      "due_by_day",
      "due_weight",
      "submitted",
      "missed",
      "missed_weight",
      "late",
      "failed",
      "banked",
      "mean_score",
      "lowest_score",
      "points_earned",
      "days_since_last_submission",
      TARGET.column,
    );
}

/**
 * How many students on module presentations eventually withdrew, whether or not they are still
 * enrolled on a given day: the denominator of "how many can still be reached".
 *
 * @param tables The tables from {@linkcode readOulad}.
 * @returns The count of `final_result = Withdrawn`.
 */
export function eventualWithdrawals(tables: OuladTables): number {
  return tables.info.filter(pl.col(TARGET.column).eq(pl.lit(TARGET.positive))).height;
}
