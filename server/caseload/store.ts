/**
 * The caseload's database: SQLite in a file under the data folder by default (`node:sqlite`,
 * built into Deno), PostgreSQL when `DATABASE_URL=postgres://…` is set, both behind one query
 * layer (Kysely), so every query and test is the same on both. Migrations run when a store opens.
 *
 * Chosen by measurement (50,000 students in one transaction, then 300 caseload queries, on
 * the 2-core shared machine): `node:sqlite` opened in 10 ms, inserted in 1.2 s and answered
 * at p99 17 ms in 160 MB; PGlite 0.5.16 took 14 s to open, 5.4 s to insert, p99 133 ms and
 * 761 MB. Kysely's SQLite dialect expects better-sqlite3's statement shape, so a short adapter
 * below gives `node:sqlite` that shape; Kysely's own PostgreSQL dialect drives npm `pg`.
 *
 * @module
 */
import { Kysely, PostgresDialect, type PostgresPool, SqliteDialect } from "kysely";
import { Migrator } from "kysely/migration";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
// @ts-types="./_pg.d.ts"
import pg from "pg";
import { migrationProvider } from "./migrations/mod.ts";
import type { StoreKind } from "./schema.ts";
import type { CaseloadDatabase } from "./schema.ts";

export type { StoreKind };

/** An open caseload database. */
export interface Store {
  /** The query layer. */
  readonly db: Kysely<CaseloadDatabase>;
  /** Which database it is. */
  readonly kind: StoreKind;
  /** Where it is, without any password. */
  readonly location: string;
  /** The clock used for every recorded time. */
  now(): Date;
  /** Closes the connections. */
  close(): Promise<void>;
}

/** How to open a store. */
export interface StoreOptions {
  /** `postgres://…` for PostgreSQL; otherwise SQLite. */
  url?: string;
  /** The SQLite file (default `data/caseload/caseload.db`), or `:memory:`. */
  file?: string;
  /** The clock (tests fix it). */
  now?: () => Date;
  /** Most PostgreSQL connections (default 10). */
  maxConnections?: number;
}

/** The default SQLite file, relative to the working folder. */
export const DEFAULT_DB_FILE = "data/caseload/caseload.db";

/** Gives a `node:sqlite` database the better-sqlite3 shape that Kysely's SQLite dialect calls. */
function sqliteAdapter(raw: DatabaseSync) {
  return {
    close: () => raw.close(),
    prepare(query: string) {
      const s = raw.prepare(query);
      const args = (p: ReadonlyArray<unknown>) => p as SQLInputValue[];
      return {
        reader: s.columns().length > 0,
        all: (p: ReadonlyArray<unknown>) => s.all(...args(p)),
        run: (p: ReadonlyArray<unknown>) => s.run(...args(p)),
        iterate: (p: ReadonlyArray<unknown>) => s.iterate(...args(p)),
      };
    },
  };
}

/**
 * Opens the caseload database and brings its schema up to date.
 *
 * @param options `url` for PostgreSQL, else `file` for SQLite.
 * @returns The open store.
 * @throws Error when a migration fails (the store is closed first).
 */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const url = options.url;
  const now = options.now ?? (() => new Date());
  let store: Store;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const pool: PostgresPool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
    });
    const db = new Kysely<CaseloadDatabase>({ dialect: new PostgresDialect({ pool }) });
    const where = new URL(url);
    where.password = "";
    store = { db, kind: "postgres", location: where.toString(), now, close: () => db.destroy() };
  } else {
    const file = options.file ?? DEFAULT_DB_FILE;
    if (file !== ":memory:") {
      const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
      // Made only when missing: the server may write the file but not the whole data folder.
      const exists = await Deno.stat(dir).then(() => true, () => false);
      if (!exists) await Deno.mkdir(dir, { recursive: true });
    }
    const raw = new DatabaseSync(file);
    // The busy timeout first: switching a new file to WAL takes a lock, and serving workers
    // opening one file together would otherwise see "database is locked" at once instead of
    // waiting their turn. WAL lets readers go on during a write; FULL sync makes a commit
    // survive a crash or kill -9.
    raw.exec(
      "pragma busy_timeout = 5000; pragma journal_mode = wal; pragma synchronous = full; " +
        "pragma foreign_keys = on",
    );
    const db = new Kysely<CaseloadDatabase>({
      dialect: new SqliteDialect({ database: sqliteAdapter(raw) }),
    });
    store = { db, kind: "sqlite", location: file, now, close: () => db.destroy() };
  }
  try {
    await migrate(store).catch(async (error) => {
      // Two processes opening one new SQLite file race to migrate it (PostgreSQL takes a lock):
      // the loser's transaction fails, and a second look finds the schema made by the winner.
      if (store.kind !== "sqlite") throw error;
      await new Promise((r) => setTimeout(r, 250));
      await migrate(store);
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/**
 * Runs the migrations not yet applied.
 *
 * @param store The store.
 * @returns The names of the migrations run now.
 */
export async function migrate(store: Store): Promise<string[]> {
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider(store.kind),
    migrationTableName: "schema_migrations",
    migrationLockTableName: "schema_migrations_lock",
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "?";
    throw new Error(`Cannot migrate the caseload database: migration ${failed} failed`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
