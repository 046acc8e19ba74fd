/**
 * The caseload's numbered migrations, run in order at start by Kysely's migrator (which takes a
 * lock, so replicas starting together on one PostgreSQL database run each migration once).
 * A migration is never edited once released: a change is a new numbered file.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { Migration, MigrationProvider } from "kysely/migration";
import * as m0001 from "./0001_initial.ts";
import type { StoreKind } from "../schema.ts";

export type { StoreKind };

/** One numbered migration: its `up` step, told which store it runs on. */
export interface CaseloadMigration {
  up(db: Kysely<unknown>, kind: StoreKind): Promise<void>;
}

/** The migrations, by name; names sort in the order they run. */
export const MIGRATIONS: Readonly<Record<string, CaseloadMigration>> = {
  "0001_initial": m0001,
};

/**
 * The migrations as Kysely's migrator reads them.
 *
 * @param kind The store they run on.
 * @returns A provider for `new Migrator({ db, provider })`.
 */
export function migrationProvider(kind: StoreKind): MigrationProvider {
  return {
    getMigrations(): Promise<Record<string, Migration>> {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(MIGRATIONS)) {
        out[name] = { up: (db: Kysely<unknown>) => m.up(db, kind) };
      }
      return Promise.resolve(out);
    },
  };
}
