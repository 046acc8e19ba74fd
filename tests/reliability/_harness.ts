/**
 * What every reliability test shares: the mode (quick in `deno task test`,
 * full under `deno task reliability`), the server process started with the
 * compile task's exact permissions, training CSVs built at run time from the
 * shared data set, and the figures each test prints.
 *
 * @module
 */
import { sha256Hex } from "../../pipeline/mod.ts";
import { DATA_PATH, trainedRegistry } from "../../server/_testing.ts";
import { type ServerProcess, startServer } from "../server/_process.ts";

/** True under `deno task reliability` (`RELIABILITY=full`): more trials, more runs, the 60 s soak. */
export const FULL = Deno.env.get("RELIABILITY") === "full";

/** The admin token of every test server. */
export const TOKEN = "reliability-token";

/** The admin header. */
export const ADMIN = { authorization: `Bearer ${TOKEN}` };

/** A registry folder with active `early-A` and `seed` models, trained quickly. */
export interface Fixture {
  /** The folder holding `models/` (the server's working folder). */
  dir: string;
  /** The ids of the active early-A and seed models. */
  ids: string[];
}

/**
 * Trains the fixture registry: two small models, a second or two.
 *
 * @returns The folder and model ids (removed when the test process ends).
 */
export function fixture(): Promise<Fixture> {
  return trainedRegistry(5);
}

/**
 * Starts the real server in a registry folder with the admin token set.
 *
 * @param dir The working folder (holding `models/`).
 * @param env Extra or overriding environment variables.
 * @returns The running process.
 */
export function serve(dir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  return startServer(dir, { ADMIN_TOKEN: TOKEN, DROPOUT_DATA: DATA_PATH, ...env });
}

/**
 * Runs a body against a fresh server and always stops it (SIGKILL if SIGTERM hangs).
 *
 * @param dir The working folder.
 * @param body What to do with the server.
 * @param env Extra environment variables.
 * @returns What the body returns.
 */
export async function withServer<T>(
  dir: string,
  body: (server: ServerProcess) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> {
  const server = await serve(dir, env);
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

/** The shared data set as text (read once; never copied into the repository). */
export const DATA_TEXT = await Deno.readTextFile(DATA_PATH);

/** Its header and data lines, without line ends. */
export const DATA_LINES = DATA_TEXT.replace(/\r?\n$/, "").split(/\r?\n/);

/** The header's column names. */
export const HEADER = DATA_LINES[0].split(",");

/**
 * A CSV from a header and rows of fields (no quoting: the data has no commas).
 *
 * @param rows Records, the header first.
 * @param eol The line end.
 * @returns The CSV text, ending with a line end.
 */
export function csvText(rows: string[][], eol = "\n"): string {
  return rows.map((r) => r.join(",")).join(eol) + eol;
}

/** The data set as records of fields, the header first. */
export const DATA_ROWS: string[][] = DATA_LINES.map((l) => l.split(","));

/**
 * The data set with its columns in another order (all 34 of them).
 *
 * @param rng A seeded generator.
 * @returns The CSV text.
 */
export function reorderedColumns(rng: () => number): string {
  const order = HEADER.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return csvText(DATA_ROWS.map((r) => order.map((i) => r[i])));
}

/**
 * A training CSV no other test uploads: the data rows shuffled by a seed,
 * repeated `copies` times (bigger files keep the write window open longer).
 *
 * @param rng A seeded generator.
 * @param copies How many times the rows appear.
 * @returns The CSV bytes.
 */
export function shuffledUpload(rng: () => number, copies = 1): Uint8Array<ArrayBuffer> {
  const body: string[][] = [];
  for (let c = 0; c < copies; c++) body.push(...DATA_ROWS.slice(1));
  for (let i = body.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [body[i], body[j]] = [body[j], body[i]];
  }
  return new TextEncoder().encode(csvText([HEADER, ...body]));
}

/**
 * The sha256 of bytes (a dataset's id).
 *
 * @param bytes The content.
 * @returns 64 hex digits.
 */
export function datasetId(bytes: Uint8Array): Promise<string> {
  return sha256Hex(bytes);
}

/**
 * Reads one unlabelled sample of a Prometheus text exposition.
 *
 * @param text The `/metrics` answer.
 * @param name The metric name.
 * @returns Its value.
 * @throws Error when absent.
 */
export function metric(text: string, name: string): number {
  const m = new RegExp(`^${name} ([0-9.e+-]+)$`, "m").exec(text);
  if (!m) throw new Error(`No metric ${name} in /metrics`);
  return Number(m[1]);
}

/**
 * The resident memory and live tensors the server reports.
 *
 * @param url The server's base URL.
 * @returns RSS in bytes and the tensor count.
 */
export async function processGauges(url: string): Promise<{ rss: number; tensors: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return {
    rss: metric(text, "process_resident_memory_bytes"),
    tensors: metric(text, "dropout_tfjs_tensors"),
  };
}

/**
 * Resolves after a delay.
 *
 * @param ms Milliseconds.
 * @returns When the time is up.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Prints a figure line the report quotes (`[reliability] …`).
 *
 * @param what The figures.
 */
export function report(what: string): void {
  console.log(`[reliability${FULL ? ":full" : ":quick"}] ${what}`);
}

/**
 * Polls a condition until it holds.
 *
 * @param condition Checked every 50 ms.
 * @param timeoutMs The longest wait.
 * @param what What is awaited, for the error.
 * @throws Error when the time runs out.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}

/** A training job as `GET /v1/jobs/{id}` reports it. */
export interface JobView {
  /** The job id. */
  id: string;
  /** running, gating, activated, rejected or failed. */
  state: string;
  /** The model trained, once saved. */
  model?: string;
  /** Why it failed. */
  error?: string;
}

/** The final job states. */
export const FINAL_STATES = ["activated", "rejected", "failed"];

/**
 * Polls a job until it ends.
 *
 * @param url The server's base URL.
 * @param id The job id.
 * @param timeoutMs The longest wait.
 * @returns The final job and how many polls there were.
 */
export async function awaitJob(url: string, id: string, timeoutMs: number): Promise<JobView> {
  let job: JobView | undefined;
  await until(
    async () => {
      const res = await fetch(`${url}/v1/jobs/${id}`, { headers: ADMIN });
      if (res.status !== 200) {
        throw new Error(
          `GET /v1/jobs/${id}: ${res.status} ${await res.text()}`,
        );
      }
      job = await res.json();
      return FINAL_STATES.includes(job!.state);
    },
    timeoutMs,
    `job ${id} to end`,
  );
  return job!;
}
