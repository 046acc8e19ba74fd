/**
 * Test helpers of the caseload: a fresh store of either kind (SQLite in a temporary file, or a
 * new database on a PostgreSQL server of the test process's own), one `early-A` model trained
 * once into a temporary registry, and the 649 students of the data set as import records.
 *
 * The PostgreSQL server is Debian's `postgresql` programs: a cluster made with `initdb` in a
 * temporary folder, started with `pg_ctl` on a free loopback port, and removed when the process
 * ends. PostgreSQL refuses to run as root, so under root it runs as the `postgres` user that the
 * Debian package creates.
 *
 * @module
 */
import {
  type Dataset,
  loadDataset,
  loadSpec,
  type Predictor,
  Registry,
  resolveDataPath,
  trainProfile,
} from "../../pipeline/mod.ts";
import { openStore, type Store, type StoreKind, type StoreOptions } from "./store.ts";

/** Both stores: every caseload test runs on each. */
export const STORES: readonly StoreKind[] = ["sqlite", "postgres"];

/** The repository root. */
export const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);
/** The committed spec. */
export const SPEC_PATH = `${ROOT}data/specs/student_dropout.json`;
/** The data set (the shared default, or `DROPOUT_DATA`). */
export const DATA_PATH = resolveDataPath(undefined, ROOT.replace(/\/$/, ""));

/** A running test server. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  /** The port. */
  port: number;
  /** Makes an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and removes its folder. */
  stop(): void;
}

/**
 * Finds Debian's PostgreSQL server programs (`/usr/lib/postgresql/<version>/bin`).
 *
 * @returns The folder holding `initdb`, `pg_ctl` and `postgres`.
 * @throws Error naming the package to install when there is none.
 */
export function postgresBin(): string {
  try {
    const versions = [...Deno.readDirSync("/usr/lib/postgresql")].map((e) => e.name)
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const bin = `/usr/lib/postgresql/${v}/bin`;
      if (Deno.statSync(`${bin}/initdb`).isFile) return bin;
    }
  } catch {
    // not installed
  }
  throw new Error(
    "PostgreSQL is not installed: the caseload tests need Debian's postgresql package " +
      "(apt-get install -y postgresql, or run `deno task test`, which installs it)",
  );
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function runSync(cmd: string, args: string[], asPostgres: boolean) {
  const [c, a] = asPostgres ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  const out = new Deno.Command(c, { args: a, stdout: "piped", stderr: "piped" }).outputSync();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(`${cmd} failed: ${text.trim()}`);
  }
}

/**
 * Starts a PostgreSQL server of its own, stopped when the process unloads.
 *
 * @returns The server.
 */
export function startPostgres(): PostgresServer {
  const bin = postgresBin();
  const root = Deno.uid?.() === 0;
  const dir = Deno.makeTempDirSync({ prefix: "caseload-pg-" });
  if (root) runSync("chown", ["postgres:postgres", dir], false);
  const data = `${dir}/data`;
  runSync(`${bin}/initdb`, ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"], root);
  const port = freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  runSync(`${bin}/pg_ctl`, ["-D", data, "-o", options, "-l", `${dir}/log`, "-w", "start"], root);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      runSync(`${bin}/pg_ctl`, ["-D", data, "-m", "immediate", "-w", "stop"], root);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  };
  globalThis.addEventListener("unload", stop);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    stop,
    createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Bad database name: ${name}`);
      runSync(
        `${bin}/createdb`,
        ["-h", "127.0.0.1", "-p", `${port}`, "-U", "postgres", name],
        false,
      );
      return Promise.resolve(`postgres://postgres@127.0.0.1:${port}/${name}`);
    },
  };
}

let server: PostgresServer | undefined;
let made = 0;

/** Where a test store lives, to open it again after a restart. */
export interface TestStorePlace {
  kind: StoreKind;
  options: StoreOptions;
}

/**
 * Makes an empty place for a store of the given kind.
 *
 * @param kind sqlite or postgres.
 * @returns How to open it.
 */
export async function freshPlace(kind: StoreKind): Promise<TestStorePlace> {
  made++;
  if (kind === "postgres") {
    server ??= startPostgres();
    const url = await server.createDatabase(`caseload_${Deno.pid}_${made}`);
    return { kind, options: { url } };
  }
  const dir = await Deno.makeTempDir({ prefix: "caseload-sqlite-" });
  globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  return { kind, options: { file: `${dir}/caseload.db` } };
}

/**
 * Opens a new, migrated, empty store.
 *
 * @param kind sqlite or postgres.
 * @param options More options (a fixed clock).
 * @returns The store and its place.
 */
export async function freshStore(
  kind: StoreKind,
  options: StoreOptions = {},
): Promise<{ store: Store; place: TestStorePlace }> {
  const place = await freshPlace(kind);
  place.options = { ...place.options, ...options };
  return { store: await openStore(place.options), place };
}

let data: Promise<Dataset> | undefined;
let model: Promise<{ dir: string; id: string }> | undefined;

/**
 * The data set, loaded once.
 *
 * @returns The 649 students.
 */
export function trainingData(): Promise<Dataset> {
  data ??= loadSpec(SPEC_PATH).then((spec) => loadDataset(DATA_PATH, spec));
  return data;
}

/**
 * Trains and activates one `early-A` model (few epochs) in a temporary registry, once per process.
 *
 * @returns The registry folder and the model id.
 */
export function trainedModel(): Promise<{ dir: string; id: string }> {
  model ??= (async () => {
    const spec = await loadSpec(SPEC_PATH);
    const dir = await Deno.makeTempDir({ prefix: "caseload-models-" });
    globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
    const registry = new Registry(dir);
    const trained = await trainProfile(await trainingData(), spec, {
      profile: "early-A",
      seed: 7,
      model: { epochs: 20 },
    });
    const saved = await registry.save(trained, { data: await trainingData(), spec });
    trained.classifier.dispose();
    await registry.activate(saved.id);
    return { dir, id: saved.id };
  })();
  return model;
}

/**
 * Loads the trained model as a predictor (the caller disposes it).
 *
 * @returns The predictor.
 */
export async function testPredictor(): Promise<Predictor> {
  const { dir, id } = await trainedModel();
  return await new Registry(dir).load(id);
}

/**
 * Reads a CSV file into records keyed by its header (a test-only reader: the data set has no
 * quoted fields).
 *
 * @param path The file.
 * @returns The records.
 */
export async function readRecords(path: string): Promise<Record<string, string>[]> {
  const [header, ...lines] = (await Deno.readTextFile(path)).trim().split(/\r?\n/);
  const names = header.split(",");
  return lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(names.map((n, i) => [n, cells[i]]));
  });
}

/**
 * The data set's students as a cohort file: an id `s001`…, advisers `alice`/`bob` in turn,
 * and the outcome columns left out.
 *
 * @returns The records and the outcomes by id (1 = dropped out).
 */
export async function cohortRecords(): Promise<{
  records: Record<string, string>[];
  outcomes: Map<string, number>;
}> {
  const rows = await readRecords(DATA_PATH);
  const outcomes = new Map<string, number>();
  const records = rows.map((row, i) => {
    const id = `s${String(i + 1).padStart(3, "0")}`;
    outcomes.set(id, row.Dropped_Out === "True" ? 1 : 0);
    const { Dropped_Out: _d, Final_Grade: _f, ...inputs } = row;
    return { student_id: id, adviser: i % 2 === 0 ? "alice" : "bob", ...inputs };
  });
  return { records, outcomes };
}

/** The admin, two advisers and a viewer of the seeded stores. */
export const ADMIN = { name: "admin", role: "admin" } as const;
/** An adviser with the odd rows of the data set. */
export const ALICE = { name: "alice", role: "adviser" } as const;
/** An adviser with the even rows. */
export const BOB = { name: "bob", role: "adviser" } as const;
/** A viewer. */
export const VIEWER = { name: "vera", role: "viewer" } as const;

/**
 * Registers one test per store, each given a fresh store with the advisers and viewer added.
 *
 * @param name The test's name (the store's kind is appended).
 * @param fn The test.
 */
export function storeTest(
  name: string,
  fn: (store: Store, place: TestStorePlace) => Promise<void>,
): void {
  for (const kind of STORES) {
    Deno.test({
      name: `${name} (${kind})`,
      // pg's pool and the PostgreSQL server outlive a single test's bookkeeping.
      sanitizeResources: kind === "sqlite",
      sanitizeOps: kind === "sqlite",
      fn: async () => {
        const { store, place } = await freshStore(kind);
        try {
          const { addUser } = await import("./users.ts");
          for (const u of [ALICE, BOB, VIEWER]) await addUser(store, u);
          await fn(store, place);
        } finally {
          await store.close();
        }
      },
    });
  }
}
