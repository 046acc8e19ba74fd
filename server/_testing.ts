/**
 * Test helpers: train the `early-A` and `seed` models once into a temporary
 * registry (few epochs, a few seconds), and build the app around it with a
 * memory logger. Shared by the unit tests beside the server files and the
 * end-to-end tests in `tests/server/`.
 *
 * @module
 */
import {
  type Dataset,
  loadDataset,
  loadSpec,
  type ModelParams,
  Registry,
  resolveDataPath,
  trainProfile,
} from "../pipeline/mod.ts";
import { createApp } from "./app.ts";
import { type Config, makeConfig } from "./config/mod.ts";
import type { AppDeps } from "./config/mod.ts";
import { memoryLogger } from "./ops/mod.ts";
import { buildDeps, toPath } from "./server.ts";

/** The repository root. */
export const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);
/** The committed spec. */
export const SPEC_PATH = `${ROOT}data/specs/student_dropout.json`;
/** The training data (the shared default, or `DROPOUT_DATA`). */
export const DATA_PATH = resolveDataPath(undefined, ROOT.replace(/\/$/, ""));

/** A student with every early-A field, taken from the data set's first row. */
export const STUDENT = {
  School: "GP",
  Gender: "F",
  Age: 18,
  Address: "U",
  Family_Size: "GT3",
  Parental_Status: "A",
  Mother_Education: 4,
  Father_Education: 4,
  Mother_Job: "at_home",
  Father_Job: "teacher",
  Reason_for_Choosing_School: "course",
  Guardian: "mother",
  Travel_Time: 2,
  Study_Time: 2,
  Number_of_Failures: 0,
  School_Support: "yes",
  Family_Support: "no",
  Extra_Paid_Class: "no",
  Extra_Curricular_Activities: "no",
  Attended_Nursery: "yes",
  Wants_Higher_Education: "yes",
  Internet_Access: "no",
  In_Relationship: "no",
  Family_Relationship: 4,
  Free_Time: 3,
  Going_Out: 4,
  Weekend_Alcohol_Consumption: 1,
  Weekday_Alcohol_Consumption: 1,
  Health_Status: 3,
  Number_of_Absences: 4,
  Grade_1: 0,
  Grade_2: 11,
};

/** The original system's 13 fields, as its web page sends them. */
export const SEED_STUDENT = {
  Mother_Education: "4",
  Father_Education: "4",
  Final_Grade: "11",
  Grade_1: "0",
  Grade_2: "11",
  Number_of_Failures: "0",
  School: "GP",
  Wants_Higher_Education: "yes",
  Study_Time: "2",
  Weekend_Alcohol_Consumption: "1",
  Weekday_Alcohol_Consumption: "1",
  Address: "U",
  Reason_for_Choosing_School: "course",
};

let data: Promise<Dataset> | undefined;

/**
 * The training data, read once per process.
 *
 * @returns The dataset.
 */
export function trainingData(): Promise<Dataset> {
  data ??= loadSpec(SPEC_PATH).then((spec) => loadDataset(DATA_PATH, spec));
  return data;
}

/**
 * Trains and activates `early-A` and `seed` models into a new temporary folder,
 * removed when the test process ends. The models read every field (`select: 0`) whatever the
 * profile's tuned settings, since the tests of reasons and fields count on it.
 *
 * @param epochs The most epochs (few keeps tests fast).
 * @param model Settings merged over the profile's and the above.
 * @returns The folder (the registry) and the two model ids.
 */
export async function trainedRegistry(
  epochs = 40,
  model: Partial<ModelParams> = {},
): Promise<{ dir: string; ids: string[] }> {
  const spec = await loadSpec(SPEC_PATH);
  const dir = await Deno.makeTempDir({ prefix: "dropout-server-test-" });
  globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  const registry = new Registry(`${dir}/models`);
  const ids: string[] = [];
  for (const profile of ["early-A", "seed"]) {
    const trained = await trainProfile(await trainingData(), spec, {
      profile,
      seed: 7,
      model: { epochs, select: 0, ...model },
    });
    const saved = await registry.save(trained, { data: await trainingData(), spec });
    trained.classifier.dispose();
    await registry.activate(saved.id);
    ids.push(saved.id);
  }
  return { dir, ids };
}

/**
 * Builds the app in-process around a registry folder.
 *
 * @param dir A folder holding `models/` (from {@linkcode trainedRegistry}).
 * @param overrides Configuration to change (admin token, limits, micro-batching, …).
 * @returns The app, its dependencies and the log lines.
 */
export async function testApp(dir: string, overrides: Partial<Config> = {}) {
  const logger = memoryLogger();
  const config = makeConfig({
    modelsDir: `${dir}/models`,
    uploadsDir: `${dir}/uploads`,
    caseloadDb: `${dir}/caseload.db`,
    dataPath: DATA_PATH,
    specPath: SPEC_PATH,
    ...overrides,
  });
  const deps: AppDeps = await buildDeps(config, { logger, clock: () => Date.UTC(2026, 0, 1) });
  return { app: createApp(deps), deps, logger, config };
}

/**
 * Reads `deno.json`.
 *
 * @returns Its tasks.
 */
export function denoTasks(): Record<string, { command: string }> {
  return JSON.parse(Deno.readTextFileSync(toPath(`${ROOT}deno.json`))).tasks;
}

/** The drift issue's shift: Age + 3 (capped at 22) and absences × 3 + 4 (capped at 93). */
export const DRIFT_SHIFT: Record<string, (x: number) => number> = {
  Age: (x) => Math.min(x + 3, 22),
  Number_of_Absences: (x) => Math.min(x * 3 + 4, 93),
};

/**
 * The training CSV with some numeric columns changed, as text (a drifted copy; never committed).
 *
 * @param change Each column's new value from its old one (default {@linkcode DRIFT_SHIFT}).
 * @returns The CSV text.
 */
export async function shiftedCsv(
  change: Record<string, (x: number) => number> = DRIFT_SHIFT,
): Promise<string> {
  const [header, ...lines] = (await Deno.readTextFile(DATA_PATH)).trimEnd().split("\n");
  const names = header.split(",");
  const out = lines.map((line) =>
    line.split(",").map((cell, i) => {
      const f = change[names[i]];
      return f ? String(f(Number(cell))) : cell;
    }).join(",")
  );
  return [header, ...out].join("\n") + "\n";
}
