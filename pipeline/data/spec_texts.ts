/**
 * The words a spec gives the page, the model card and the tasks: the data set's title and
 * description, how the outcome is phrased, the leak note and the limits. Each has a plain
 * fallback made from the spec's own fields, so a drafted spec reads correctly, if dryly, before
 * anyone words it, and no text about one data set is written into code.
 *
 * @module
 */
import type { DatasetSpec } from "./spec.ts";

/** Every dataset-specific text, resolved. */
export interface SpecTexts {
  /** The data set's name for people. */
  title: string;
  /** Where the data comes from ("" when the spec does not say). */
  description: string;
  /** The positive outcome after "the chance of". */
  event: string;
  /** Students with it, after a count or "who": `failed the year`. */
  positive: string;
  /** Students without it, after a count or "who": `passed the year`. */
  negative: string;
  /** How the label is defined. */
  definition: string;
  /** Why the leak columns must not warn early ("" when the spec has none). */
  leakNote: string;
  /** What a model of this data cannot tell. */
  limits: string[];
}

/**
 * Resolves a spec's texts, with fallbacks for the fields it leaves out.
 *
 * @param spec The dataset spec.
 * @returns The texts.
 * @example
 * ```ts
 * specTexts(spec).event; // "failing the year", or "target = Dropout" for a drafted spec
 * ```
 */
export function specTexts(spec: DatasetSpec): SpecTexts {
  const { column, positive } = spec.target;
  const o = spec.outcome;
  const leaks = spec.leak.join(", ");
  return {
    title: spec.title || spec.name,
    description: spec.description ?? "",
    event: o?.event ?? `${column} = ${positive}`,
    positive: o?.positive ?? `had ${column} = ${positive}`,
    negative: o?.negative ?? `had another ${column}`,
    definition: o?.definition ?? `${column} is ${positive}`,
    leakNote: spec.leak_note ??
      (spec.leak.length === 0
        ? ""
        : `${leaks} ${
          spec.leak.length === 1 ? "is" : "are"
        } known only with the outcome: a model given ${
          spec.leak.length === 1 ? "it" : "them"
        } is right by construction and cannot warn early`),
    limits: spec.limits ?? [
      `Trained on the rows of ${
        spec.title || spec.name
      } only: other institutions, years or populations need their own data and a retrained model.`,
    ],
  };
}
