/**
 * Generates `coded_university.csv`, a small synthetic higher-education table whose columns hold
 * each kind that spec inference must tell apart: integer codes with a telling name (`course`,
 * `application_mode`, `mothers_occupation`, `marital_status`), few integer codes spread thin
 * without one (`entry_path`), codes with leading zeros (`region_code`), identifiers (a text `student_code`, an integer `enrolment_no`), a
 * 0/1 flag, a true integer quantity (`age_at_enrolment`), an ordered scale, a count, a decimal and
 * a three-class target. Run from the project root to rewrite the file:
 *
 * ```sh
 * deno run --allow-write=pipeline/testdata pipeline/testdata/make_coded_fixture.ts
 * ```
 *
 * @module
 */
import { mulberry32 } from "../core/random.ts";

/** The course codes of the fixture, in numeric order. */
export const COURSE_CODES = [
  33,
  171,
  8014,
  9003,
  9070,
  9119,
  9130,
  9147,
  9238,
  9254,
  9500,
  9556,
  9670,
  9773,
];
const MODES = [1, 2, 5, 7, 10, 15, 16, 17, 18, 26, 27, 39, 42, 43, 44, 51, 53, 57];
const OCCUPATIONS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 90, 99, 122, 123, 125, 131, 132, 134, 141];
const PATHS = [1, 17, 39, 43, 44, 51];
const REGIONS = ["01", "02", "05", "07", "11", "13", "16"];

/**
 * Makes the fixture's text.
 *
 * @param rows How many students (default 160).
 * @param seed The generator's seed (default 11).
 * @returns The CSV, LF line ends, with a header.
 */
export function makeCodedUniversity(rows = 160, seed = 11): string {
  const random = mulberry32(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const lines = [
    [
      "student_code",
      "enrolment_no",
      "course",
      "application_mode",
      "mothers_occupation",
      "marital_status",
      "entry_path",
      "region_code",
      "scholarship_holder",
      "age_at_enrolment",
      "study_load",
      "units_approved",
      "admission_grade",
      "target",
    ].join(","),
  ];
  for (let i = 0; i < rows; i++) {
    const age = 17 + Math.floor(random() ** 2 * 36);
    const units = Math.floor(random() * 27);
    const grade = (95 + random() * 95).toFixed(1);
    const scholarship = random() < 0.3 ? 1 : 0;
    const risk = 0.15 + 0.02 * (age - 17) - 0.02 * units - 0.15 * scholarship;
    const u = random();
    const target = u < risk ? "Dropout" : u < risk + 0.2 ? "Enrolled" : "Graduate";
    lines.push([
      `S${String(1000 + 7 * i).padStart(6, "0")}`,
      20230001 + i,
      pick(COURSE_CODES),
      pick(MODES),
      pick(OCCUPATIONS),
      1 + Math.floor(random() ** 3 * 6),
      pick(PATHS),
      pick(REGIONS),
      scholarship,
      age,
      1 + Math.floor(random() * 4),
      units,
      grade,
      target,
    ].join(","));
  }
  return lines.join("\n") + "\n";
}

if (import.meta.main) {
  await Deno.writeTextFile(
    new URL("coded_university.csv", import.meta.url),
    makeCodedUniversity(),
  );
}
