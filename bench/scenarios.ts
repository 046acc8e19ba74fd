/**
 * The load scenarios of `deno task bench` and the request bodies they send.
 * The bodies are real students of the training CSV, drawn by the pipeline's
 * seeded generator, so every run sends the same requests. Each scenario runs
 * interleaved with its two references, the same body and connections each:
 * the ceiling (`/bench/constant` on the same server, behind the same
 * middleware, answering a constant of the size of the scenario's answer) and
 * the bare `Deno.serve` answering the same constant (the physical limit).
 * Two scenarios run one more reference, a bound that shows what limits their ratio:
 * `predict-c30` the constant outside the request frame (`/bench/unframed`), and
 * `predict-batch100` the ceiling that also parses its JSON body and serialises it again
 * (`/bench/roundtrip`).
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
  /** The bound run beside its references, if any: {@linkcode UNFRAMED} or {@linkcode ROUNDTRIP}. */
  bound?: typeof UNFRAMED | typeof ROUNDTRIP;
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

/** The name of the runs of the constant outside the request frame: what the frame costs. */
export const UNFRAMED = "unframed";

/** The name of the runs of the ceiling that parses and re-serialises its JSON body. */
export const ROUNDTRIP = "roundtrip";

/** Every scenario, in the order they run. */
export const SCENARIOS: Scenario[] = [
  {
    name: "predict-c30",
    description: "/v1/predict, one student (default: 5 reasons), 30 connections",
    path: "/v1/predict",
    body: "student",
    connections: 30,
    bound: UNFRAMED,
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
    bound: ROUNDTRIP,
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
 * The reference runs of a scenario: its ceiling on the same server, its bare limit, and its bound
 * when it has one, the same body and connections, each answering a constant of `bytes` bytes.
 *
 * @param scenario The scenario.
 * @param bytes The size of the scenario's answer.
 * @returns The ceiling, the bare scenario (its path is on the bare server) and any bound.
 */
export function references(scenario: Scenario, bytes: number): Scenario[] {
  const { bound: _, ...run } = scenario;
  const refs: Scenario[] = [
    {
      ...run,
      name: CEILING,
      description: `same server and middleware, a constant ${bytes}-byte answer`,
      path: `/bench/constant?bytes=${bytes}`,
    },
    {
      ...run,
      name: BARE,
      description: `bare Deno.serve, the same constant ${bytes}-byte answer`,
      path: `/?bytes=${bytes}`,
    },
  ];
  if (scenario.bound === UNFRAMED) {
    refs.push({
      ...run,
      name: UNFRAMED,
      description: `same server without the request frame, a constant ${bytes}-byte answer`,
      path: `/bench/unframed?bytes=${bytes}`,
    });
  } else if (scenario.bound === ROUNDTRIP) {
    refs.push({
      ...run,
      name: ROUNDTRIP,
      description:
        `the ceiling parsing and re-serialising its JSON body, a constant ${bytes}-byte answer`,
      path: `/bench/roundtrip?bytes=${bytes}`,
    });
  }
  return refs;
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
