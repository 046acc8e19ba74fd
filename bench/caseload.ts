/**
 * The caseload's figures, on each store: importing and scoring a cohort of resampled students
 * (`importCohort`: checking the file, scoring with the top three reasons, one transaction), and
 * the caseload query of one adviser at that size (`caseload()`, which also appends its audit
 * entry), as p50 and p99 over repeated calls. PostgreSQL is a server of the run's own, started
 * from Debian's programs as the tests start it, unless `DATABASE_URL` names one.
 *
 * The students are the Portuguese data set's rows drawn with replacement (OULAD's tables have
 * other columns and no model of this spec); ids are `b000001`…, with 50 advisers in turn.
 *
 * Run alone: `deno run -A bench/caseload.ts [--rows 50000] [--queries 500]`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Registry, resolveDataPath } from "../pipeline/mod.ts";
import {
  addUser,
  caseload,
  importCohort,
  openStore,
  type StoreKind,
} from "../server/caseload/mod.ts";
// The tests' PostgreSQL launcher: initdb, pg_ctl on a free port, removed at exit.
import { startPostgres } from "../server/caseload/_testing.ts";
import { resampleCsv, splitRecords } from "./resample.ts";

/** One store's caseload figures. */
export interface CaseloadFigure {
  store: StoreKind;
  students: number;
  /** Import and scoring of the whole cohort, in seconds. */
  import_s: number;
  /** Students per adviser. */
  per_adviser: number;
  queries: number;
  p50_ms: number;
  p99_ms: number;
  /** The 1-minute load when the figure was taken. */
  load_1m: number;
}

/** Advisers the students are spread over. */
const ADVISERS = 50;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/**
 * Measures the caseload on one store.
 *
 * @param kind sqlite or postgres.
 * @param options The resampled CSV, the models folder, how many queries.
 * @returns The figure.
 */
export async function benchCaseloadStore(
  kind: StoreKind,
  options: { csv: string; modelsDir: string; queries: number; workDir: string },
): Promise<CaseloadFigure> {
  const registry = new Registry(options.modelsDir);
  const active = (await registry.active())["early-A"];
  if (!active) {
    throw new Error(`No active early-A model in ${options.modelsDir}: run deno task train`);
  }
  const predictor = await registry.load(active);
  const { header, records: lines } = splitRecords(await Deno.readTextFile(options.csv));
  const names = header.split(",");
  const records = lines.map((line, i) => {
    const cells = line.split(",");
    const r: Record<string, unknown> = Object.fromEntries(names.map((n, j) => [n, cells[j]]));
    r.student_id = `b${String(i + 1).padStart(6, "0")}`;
    r.adviser = `adviser${i % ADVISERS}`;
    return r;
  });
  let url = kind === "postgres" ? Deno.env.get("DATABASE_URL") : undefined;
  const server = kind === "postgres" && !url ? startPostgres() : undefined;
  if (server) url = await server.createDatabase(`bench_${Date.now()}`);
  const file = `${options.workDir}/caseload-bench-${Date.now()}.db`;
  await Deno.mkdir(options.workDir, { recursive: true });
  const store = await openStore(kind === "postgres" ? { url } : { file });
  try {
    for (let a = 0; a < ADVISERS; a++) {
      await addUser(store, { name: `adviser${a}`, role: "adviser" });
    }
    const admin = { name: "admin", role: "admin" } as const;
    const t0 = performance.now();
    const { cohort } = await importCohort(store, admin, { predictor, records }, { name: "bench" });
    const importS = (performance.now() - t0) / 1000;
    const times: number[] = [];
    for (let q = 0; q < options.queries; q++) {
      const user = { name: `adviser${q % ADVISERS}`, role: "adviser" } as const;
      const t = performance.now();
      await caseload(store, user, { cohort, limit: 500 });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return {
      store: kind,
      students: records.length,
      import_s: importS,
      per_adviser: Math.ceil(records.length / ADVISERS),
      queries: times.length,
      p50_ms: quantile(times, 0.5),
      p99_ms: quantile(times, 0.99),
      load_1m: Deno.loadavg()[0],
    };
  } finally {
    await store.close();
    predictor.dispose();
    server?.stop();
    if (kind === "sqlite") {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) await Deno.remove(f).catch(() => {});
    }
  }
}

/**
 * Measures the caseload on both stores.
 *
 * @param options Rows, seed, data, models folder, queries, work folder, a log.
 * @returns One figure per store.
 */
export async function benchCaseload(options: {
  rows: number;
  seed: number;
  data?: string;
  modelsDir: string;
  queries: number;
  workDir: string;
  log: (line: string) => void;
}): Promise<CaseloadFigure[]> {
  const csv = `${options.workDir}/caseload-${options.rows}.csv`;
  await resampleCsv(resolveDataPath(options.data), csv, { rows: options.rows, seed: options.seed });
  const out: CaseloadFigure[] = [];
  try {
    const kinds = (Deno.env.get("CASELOAD_BENCH_STORES") ?? "sqlite,postgres").split(
      ",",
    ) as StoreKind[];
    for (const kind of kinds) {
      options.log(`Caseload on ${kind}: importing ${options.rows.toLocaleString("en")} students`);
      const f = await benchCaseloadStore(kind, { ...options, csv });
      options.log(
        `  import ${f.import_s.toFixed(1)} s, caseload p50 ${f.p50_ms.toFixed(1)} ms, p99 ${
          f.p99_ms.toFixed(1)
        } ms (load ${f.load_1m.toFixed(2)})`,
      );
      out.push(f);
    }
  } finally {
    await Deno.remove(csv).catch(() => {});
  }
  return out;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rows: { type: "string", default: "50000" },
      queries: { type: "string", default: "500" },
      "models-dir": { type: "string" },
    },
  });
  const figures = await benchCaseload({
    rows: Number(values.rows),
    seed: 42,
    modelsDir: values["models-dir"] ?? Deno.env.get("MODELS_DIR") ?? "models",
    queries: Number(values.queries),
    workDir: await Deno.makeTempDir({ prefix: "caseload-bench-" }),
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(figures, null, 2));
}
