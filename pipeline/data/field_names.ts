/**
 * Telling a misspelt field from a field the spec does not know: a name that is not a column but
 * reads like one (`Grade1` for `Grade_1`, `absences` for `Number_of_Absences`) is paired with the
 * column it most resembles, so a route can warn instead of silently imputing the column.
 *
 * @module
 */

/**
 * The given names that resemble a known one: equal once case, spaces, `_` and `-` are dropped,
 * within an edit distance of one per five characters, or one contained in the other (four
 * characters at least).
 *
 * @param unknown Names that are not columns.
 * @param known The names they may stand for (the inputs not given).
 * @returns Each resembling name with the known name it is closest to.
 * @example
 * ```ts
 * closeFieldNames(["Grade1", "Absences", "shoe"], ["Grade_1", "Number_of_Absences"]);
 * // [{ field: "Grade1", known: "Grade_1" }, { field: "Absences", known: "Number_of_Absences" }]
 * ```
 */
export function closeFieldNames(
  unknown: string[],
  known: string[],
): { field: string; known: string }[] {
  const keys = known.map((k) => [k, _key(k)] as const);
  const out: { field: string; known: string }[] = [];
  for (const field of unknown) {
    const f = _key(field);
    if (f.length === 0) continue;
    let best: string | undefined;
    let bestScore = Infinity;
    for (const [name, k] of keys) {
      const d = _distance(f, k);
      const contained = f.length >= 4 && (k.includes(f) || f.includes(k));
      const close = d <= Math.max(1, Math.floor(Math.max(f.length, k.length) / 5));
      if (!close && !contained) continue;
      const score = close ? d : 10 + Math.abs(k.length - f.length);
      if (score < bestScore) {
        best = name;
        bestScore = score;
      }
    }
    if (best !== undefined) out.push({ field, known: best });
  }
  return out;
}

function _key(name: string): string {
  return name.toLowerCase().replace(/[\s_\-.]+/g, "");
}

/** Levenshtein distance, two rows at a time; names are short. */
function _distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
