import assert from "node:assert/strict";
import { sql } from "kysely";
import {
  ADMIN,
  ALICE,
  BOB,
  cohortRecords,
  freshPlace,
  STORES,
  storeTest,
  testPredictor,
} from "./_testing.ts";
import { importCohort } from "./cohorts.ts";
import { migrate, openStore, type Store } from "./store.ts";
import { MIGRATIONS } from "./migrations/mod.ts";
import { appendAudit } from "./audit.ts";
import { addUser } from "./users.ts";

const predictor = await testPredictor();
const { records } = await cohortRecords();

for (const kind of STORES) {
  Deno.test({
    name: `openStore() migrates once and a restart keeps everything (${kind})`,
    sanitizeResources: kind === "sqlite",
    sanitizeOps: kind === "sqlite",
    fn: async () => {
      const place = await freshPlace(kind);
      const first = await openStore(place.options);
      assert.deepEqual(await migrate(first), []);
      for (const u of [ALICE, BOB]) await addUser(first, u);
      const { cohort } = await importCohort(first, ADMIN, {
        predictor,
        records: records.slice(0, 20),
      }, { name: "kept" });
      await first.close();
      const again = await openStore(place.options);
      try {
        assert.deepEqual(await migrate(again), []);
        const applied = await again.db.selectFrom("schema_migrations" as "users")
          .select(sql<string>`name`.as("name")).execute();
        assert.deepEqual(applied.map((r) => r.name), Object.keys(MIGRATIONS));
        const n = await again.db.selectFrom("students").select((e) => e.fn.countAll().as("n"))
          .where("cohort_id", "=", cohort).executeTakeFirstOrThrow();
        assert.equal(Number(n.n), 20);
      } finally {
        await again.close();
      }
    },
  });
}

Deno.test("openStore() waits for a lock held by another connection on a new SQLite file", async () => {
  // Serving workers open one file together: one of them switching it to WAL while another holds
  // a lock must wait its turn, not fail with "database is locked".
  const dir = await Deno.makeTempDir();
  const file = `${dir}/caseload.sqlite`;
  const holder = new Worker(
    `data:text/javascript,${
      encodeURIComponent(`
        import { DatabaseSync } from "node:sqlite";
        self.onmessage = (e) => {
          const db = new DatabaseSync(e.data);
          db.exec("begin exclusive; create table held (x integer);");
          self.postMessage("locked");
          setTimeout(() => { db.exec("commit"); db.close(); }, 300);
        };
      `)
    }`,
    { type: "module" },
  );
  const locked = new Promise<void>((resolve) => {
    holder.onmessage = (e) => e.data === "locked" && resolve();
  });
  holder.postMessage(file);
  await locked;
  try {
    const store = await openStore({ file });
    try {
      // The holder's table is there: the open waited for its commit.
      const held = await sql<{ n: number }>`select count(*) as n from held`.execute(store.db);
      assert.equal(Number(held.rows[0].n), 0);
      assert.deepEqual(await migrate(store), []);
    } finally {
      await store.close();
    }
  } finally {
    holder.terminate();
    await Deno.remove(dir, { recursive: true });
  }
});

storeTest("the audit log refuses updates and deletes in the database itself", async (store) => {
  await appendAudit(store.db, store.now(), { actor: "admin", action: "test" });
  await assert.rejects(store.db.updateTable("audit").set({ actor: "x" }).execute(), /append-only/);
  await assert.rejects(store.db.deleteFrom("audit").execute(), /append-only/);
  const rows = await store.db.selectFrom("audit").selectAll().execute();
  assert.equal(rows.length, 1);
});

/** The query plan of a statement, as text. */
async function plan(store: Store, query: { sql: string; parameters: readonly unknown[] }) {
  if (store.kind === "sqlite") {
    const r = await sql.raw<{ detail: string }>(
      `explain query plan ${inline(query)}`,
    ).execute(store.db);
    return r.rows.map((x) => x.detail).join("\n");
  }
  // A test table is small, so PostgreSQL would rightly scan it; forbidding scans shows whether
  // an index can serve the query at all.
  return await store.db.transaction().execute(async (tx) => {
    await sql`set local enable_seqscan = off`.execute(tx);
    const r = await sql.raw<{ "QUERY PLAN": string }>(`explain ${inline(query)}`).execute(tx);
    return r.rows.map((x) => x["QUERY PLAN"]).join("\n");
  });
}

/** A compiled query with its parameters written in as literals (test-only, for EXPLAIN). */
function inline(query: { sql: string; parameters: readonly unknown[] }): string {
  const lit = (v: unknown) =>
    typeof v === "number" ? String(v) : `'${String(v).replaceAll("'", "''")}'`;
  return query.sql.replace(/\$(\d+)/g, (_, i) => lit(query.parameters[Number(i) - 1]))
    .replace(
      /\?/g,
      (() => {
        let i = 0;
        return () => lit(query.parameters[i++]);
      })(),
    );
}

storeTest("every list query is served by an index", async (store) => {
  const { cohort } = await importCohort(store, ADMIN, { predictor, records }, { name: "p" });
  const db = store.db;
  if (store.kind === "postgres") await sql`analyze`.execute(db);
  const queries = {
    "adviser by risk": db.selectFrom("students").select(["student_id", "probability"])
      .where("cohort_id", "=", cohort).where("adviser", "=", "alice").orderBy("probability", "desc")
      .limit(500),
    "adviser by change": db.selectFrom("students").select(["student_id"])
      .where("cohort_id", "=", cohort).where("adviser", "=", "alice").orderBy("change", "desc")
      .limit(500),
    "everyone by risk": db.selectFrom("students").select(["student_id"])
      .where("cohort_id", "=", cohort).orderBy("probability", "desc").limit(500),
    "a student's history": db.selectFrom("scores").selectAll().where("cohort_id", "=", cohort)
      .where("student_id", "=", "s001").orderBy("scoring_id"),
    "a student's actions": db.selectFrom("actions").selectAll().where("cohort_id", "=", cohort)
      .where("student_id", "=", "s001").orderBy("id"),
    "a scoring's scores": db.selectFrom("scores").selectAll().where("scoring_id", "=", 1),
    "the audit log": db.selectFrom("audit").selectAll().where("id", ">", 0).orderBy("id")
      .limit(1000),
  };
  for (const [name, q] of Object.entries(queries)) {
    const text = await plan(store, q.compile());
    const indexed = store.kind === "sqlite"
      ? /USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY|USING PRIMARY KEY/.test(text) &&
        !/^SCAN students$|^SCAN scores$|^SCAN actions$/m.test(text)
      : /Index( Only)? Scan|Bitmap Index Scan/.test(text);
    assert.ok(indexed, `${name}: ${text}`);
    if (Deno.env.get("SHOW_PLANS")) console.log(`${name}:\n${text}`);
    if (store.kind === "sqlite" && name.includes("by risk")) {
      assert.ok(!/USE TEMP B-TREE FOR ORDER BY/.test(text), `${name} sorts: ${text}`);
    }
  }
});
