/**
 * The load scenarios of `deno task bench` and the request bodies they send.
 * The bodies are real students of the training CSV, drawn by the pipeline's
 * seeded generator, so every run sends the same requests. Each scenario runs
 * interleaved with its two references, the same body and connections each:
 * the ceiling (`/bench/constant` on the same server, behind the same
 * middleware, answering a constant of the size of the scenario's answer) and
 * the bare `Deno.serve` answering the same constant (the physical limit).
 *
 * @module
 */
import { type DatasetSpec, mulberry32, sampleIndices } from "../pipeline/mod.ts";
import { splitRecords } from "./resample.ts";

/** One load scenario. */
export interface Scenario {
  /** Its name in the table and the results file. */
  name: string;
  /** What it measures, in a few words. */
  description: string;
  /** The path (with query) the requests go to. */
  path: string;
  /** Which body it sends. */
  body: keyof Bodies;
  /** Concurrent connections. */
  connections: number;
}

/** The request bodies and their content types. */
export interface Bodies {
  /** One student, as JSON (the early-A fields). */
  student: string;
  /** The original web page's 13 fields, URL-encoded. */
  form: string;
  /** `{"students": [...]}` with 100 students. */
  batch100: string;
}

/** Content type of each body. */
export const CONTENT_TYPES: Record<keyof Bodies, string> = {
  student: "application/json",
  form: "application/x-www-form-urlencoded",
  batch100: "application/json",
};

/** The name of a scenario's ceiling runs: same server and middleware, a constant answer. */
export const CEILING = "ceiling";

/** The name of a scenario's physical-limit runs: a bare `Deno.serve`, the same constant. */
export const BARE = "bare";

/** Every scenario, in the order they run. */
export const SCENARIOS: Scenario[] = [
  {
    name: "predict-c30",
    description: "/v1/predict, one student (default: 5 reasons), 30 connections",
    path: "/v1/predict",
    body: "student",
    connections: 30,
  },
  {
    name: "predict-c256",
    description: "/v1/predict, one student, 256 connections",
    path: "/v1/predict",
    body: "student",
    connections: 256,
  },
  {
    name: "compat-form-c30",
    description: "/predict (original API, seed model), form body, 30 connections",
    path: "/predict",
    body: "form",
    connections: 30,
  },
  {
    name: "predict-batch100",
    description: "/v1/predict, 100 students per request (5 reasons each), 30 connections",
    path: "/v1/predict",
    body: "batch100",
    connections: 30,
  },
  {
    name: "predict-noreasons-c30",
    description: "/v1/predict?reasons=0, one student without explanations, 30 connections",
    path: "/v1/predict?reasons=0",
    body: "student",
    connections: 30,
  },
];

/**
 * Picks the scenarios to run: all, or the named ones (each runs with its ceiling and bare limit).
 *
 * @param names Names given with `--scenario`; empty for all.
 * @returns The scenarios, in run order.
 * @throws Error naming an unknown scenario.
 */
export function selectScenarios(names: string[]): Scenario[] {
  if (names.length === 0) return SCENARIOS;
  for (const name of names) {
    if (!SCENARIOS.some((s) => s.name === name)) {
      throw new Error(
        `Unknown scenario "${name}": expected one of ${SCENARIOS.map((s) => s.name).join(", ")}`,
      );
    }
  }
  return SCENARIOS.filter((s) => names.includes(s.name));
}

/**
 * The two reference runs of a scenario: its ceiling on the same server and its bare limit, the
 * same body and connections, answering a constant of `bytes` bytes.
 *
 * @param scenario The scenario.
 * @param bytes The size of the scenario's answer.
 * @returns The ceiling and the bare scenario (the bare path is on the bare server).
 */
export function references(scenario: Scenario, bytes: number): [Scenario, Scenario] {
  return [
    {
      ...scenario,
      name: CEILING,
      description: `same server and middleware, a constant ${bytes}-byte answer`,
      path: `/bench/constant?bytes=${bytes}`,
    },
    {
      ...scenario,
      name: BARE,
      description: `bare Deno.serve, the same constant ${bytes}-byte answer`,
      path: `/?bytes=${bytes}`,
    },
  ];
}

/**
 * Builds the request bodies from the training CSV: 100 students drawn with a seed;
 * the first of them is the single student and the form.
 *
 * @param csv The training CSV text.
 * @param spec The dataset spec (its `early-A` and `seed` profiles name the fields).
 * @param seed The seed of the draw.
 * @returns The bodies.
 */
export function buildBodies(csv: string, spec: DatasetSpec, seed = 42): Bodies {
  const { header, records } = splitRecords(csv);
  const names = header.split(",").map((h) => h.trim());
  const picked = sampleIndices(records.length, 100, mulberry32(seed));
  // A plain split is enough: the training CSV has no quoted fields (checked here).
  const rows = picked.map((i) => {
    if (records[i].includes('"')) throw new Error("Cannot build bench bodies: quoted CSV fields");
    const cells = records[i].split(",");
    return Object.fromEntries(names.map((n, j) => [n, cells[j]?.trim() ?? ""]));
  });
  const typed = (row: Record<string, string>, fields: string[]) =>
    Object.fromEntries(
      fields.map((f) => [f, /^-?\d+(\.\d+)?$/.test(row[f]) ? Number(row[f]) : row[f]]),
    );
  const earlyA = spec.profiles["early-A"]?.features ?? [];
  const seedFields = spec.profiles.seed?.features ?? [];
  const students = rows.map((row) => typed(row, earlyA));
  return {
    student: JSON.stringify(students[0]),
    form: new URLSearchParams(seedFields.map((f) => [f, rows[0][f]])).toString(),
    batch100: JSON.stringify({ students }),
  };
}
