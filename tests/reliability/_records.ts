/**
 * fast-check arbitraries of students, generated from the dataset spec: what
 * the spec allows (categories from `values`, integers within min/max,
 * booleans from the true/false values, any field possibly missing) and what
 * it forbids (one field moved out of its domain).
 *
 * @module
 */
import fc from "fast-check";
import type { ColumnSpec } from "../../pipeline/mod.ts";

/** A student as sent: field name to raw value; absent keys are missing. */
export type RawStudent = Record<string, unknown>;

const INTEGER_TEXT = /^[+-]?\d+$/;
const blank = (s: string) => s.trim() === "";

/**
 * One value a column accepts, in any form the server reads (JSON number or text).
 *
 * @param col The column.
 * @returns The arbitrary.
 */
export function allowedValue(col: ColumnSpec): fc.Arbitrary<unknown> {
  switch (col.type) {
    case "category":
      return fc.constantFrom(...col.values as string[]);
    case "ordinal":
      return fc.constantFrom(...col.values!).chain((v) => fc.constantFrom(v, String(v)));
    case "integer":
      return fc.integer({ min: col.min ?? -1e9, max: col.max ?? 1e9 })
        .chain((v) => fc.constantFrom(v, String(v)));
    case "number":
      return fc.double({
        min: col.min ?? -1e9,
        max: col.max ?? 1e9,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "boolean":
      return fc.constantFrom(...col.true_values!, ...col.false_values!, true, false);
  }
}

/**
 * One value a column refuses. Every value is JSON-safe (finite numbers), so the
 * same arbitrary serves in-process and over HTTP.
 *
 * @param col The column.
 * @returns The arbitrary.
 */
export function forbiddenValue(col: ColumnSpec): fc.Arbitrary<unknown> {
  const shapes = fc.constantFrom<unknown>([], {}, [1], { v: 1 });
  switch (col.type) {
    case "category": {
      const values = col.values as string[];
      return fc.oneof(
        fc.string({ minLength: 1 }).filter((s) => !blank(s) && !values.includes(s.trim())),
        fc.constantFrom(...values).map((v) =>
          v.toUpperCase() === v ? v.toLowerCase() : v.toUpperCase()
        )
          .filter((v) => !values.includes(v)),
        fc.integer(),
        fc.boolean(),
        shapes,
      );
    }
    case "ordinal": {
      const values = col.values as number[];
      return fc.oneof(
        fc.integer().filter((v) => !values.includes(v)),
        fc.integer().filter((v) => !values.includes(v)).map(String),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
        fc.string({ minLength: 1 }).filter((s) => !blank(s) && !INTEGER_TEXT.test(s.trim())),
        fc.boolean(),
        shapes,
      );
    }
    case "integer":
    case "number": {
      const min = col.min ?? -Number.MAX_VALUE;
      const max = col.max ?? Number.MAX_VALUE;
      const outside = fc.oneof(
        fc.integer({ max: Math.max(-(2 ** 31), min - 1) }),
        fc.integer({ min: Math.min(2 ** 31 - 1, max + 1) }),
        fc.constantFrom(1e308, -1e308, 2 ** 53 + 2),
      ).filter((v) => v < min || v > max);
      return fc.oneof(
        outside,
        outside.map(String),
        ...(col.type === "integer"
          ? [fc.double({ min, max, noNaN: true }).filter((x) => !Number.isInteger(x))]
          : []),
        fc.string({ minLength: 1 }).filter((s) => !blank(s) && !/^[+-]?[\d.]/.test(s.trim())),
        fc.boolean(),
        shapes,
      );
    }
    case "boolean": {
      const texts = [...col.true_values!, ...col.false_values!];
      return fc.oneof(
        fc.string({ minLength: 1 }).filter((s) => !blank(s) && !texts.includes(s.trim())),
        fc.integer().filter((v) => v !== 0 && v !== 1),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => x !== 0 && x !== 1),
        shapes,
      );
    }
  }
}

/**
 * A student the spec allows: each field valid, or missing (absent, null or blank).
 *
 * @param columns The profile's feature columns.
 * @returns The arbitrary.
 */
export function allowedStudent(columns: ColumnSpec[]): fc.Arbitrary<RawStudent> {
  return fc.record(
    Object.fromEntries(columns.map((col) => [
      col.name,
      fc.oneof(
        { weight: 8, arbitrary: allowedValue(col) },
        { weight: 1, arbitrary: fc.constantFrom(null, "", "  ") },
      ),
    ])),
    { requiredKeys: [] },
  );
}

/**
 * A student the spec forbids: an allowed one with exactly one field out of its domain.
 *
 * @param columns The profile's feature columns.
 * @returns The student and the name of the bad field.
 */
export function forbiddenStudent(
  columns: ColumnSpec[],
): fc.Arbitrary<{ student: RawStudent; field: string }> {
  return fc.tuple(allowedStudent(columns), fc.constantFrom(...columns))
    .chain(([student, col]) =>
      forbiddenValue(col).map((value) => ({
        student: { ...student, [col.name]: value },
        field: col.name,
      }))
    );
}

/**
 * The fields of a student that are missing (absent, null or blank text).
 *
 * @param student The student.
 * @param columns The profile's feature columns.
 * @returns Their names, in column order.
 */
export function missingFields(student: RawStudent, columns: ColumnSpec[]): string[] {
  return columns.map((c) => c.name).filter((name) => {
    const v = student[name];
    return v === undefined || v === null || (typeof v === "string" && blank(v));
  });
}
