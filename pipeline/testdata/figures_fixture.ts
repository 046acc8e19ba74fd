/**
 * A twelve-student table for the figure tests, small enough to count by hand:
 * `withdrew` is true for rows 1, 2, 3 and 5; `grade` separates the classes at
 * 10 (row 12 has no grade); `gpa` does not.
 *
 * @module
 */
import { type Dataset, type DatasetSpec, parseDataset, parseSpec } from "../mod.ts";

/** The fixture's spec: a category, an integer, a boolean, a number and the target. */
export const FIGURE_SPEC: DatasetSpec = parseSpec({
  name: "figures_fixture",
  target: { column: "withdrew", positive: "true" },
  leak: ["grade"],
  columns: [
    { name: "campus", type: "category", values: ["north", "south", "east"] },
    { name: "grade", type: "integer", min: 0, max: 20 },
    { name: "club", type: "boolean", true_values: ["yes"], false_values: ["no"] },
    { name: "gpa", type: "number", min: 0, max: 4 },
    { name: "withdrew", type: "boolean", true_values: ["true"], false_values: ["false"] },
  ],
  profiles: { all: { features: ["campus", "club", "gpa"] } },
});

const CSV = `campus,grade,club,gpa,withdrew
north,4,yes,1.0,true
north,6,no,1.5,true
north,8,no,2.6,true
north,12,yes,3.0,false
south,9,no,1.3,true
south,11,yes,3.5,false
south,14,no,3.8,false
south,15,yes,2.5,false
east,10,no,2.2,false
east,13,yes,3.1,false
east,16,no,3.9,false
east,,yes,,false
`;

/**
 * Parses the fixture.
 *
 * @returns The twelve-row dataset.
 */
export async function figureData(): Promise<Dataset> {
  return await parseDataset(new TextEncoder().encode(CSV), FIGURE_SPEC, { source: "fixture" });
}
