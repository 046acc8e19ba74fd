/**
 * The caseload under failure, on both stores, with the real server as a subprocess: a SIGKILL at
 * several points of a cohort import leaves either the whole cohort or none of it, and the next
 * start imports cleanly; and three replicas behind nginx on one PostgreSQL database take two
 * advisers' actions at once, lose none, and all answer the same caseload, one of them SIGKILLed.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  cohortRecords,
  freshPlace,
  STORES,
  type TestStorePlace,
} from "../../server/caseload/_testing.ts";
import { addUser, openStore, type Store } from "../../server/caseload/mod.ts";
import type { ServerProcess } from "../server/_process.ts";
import { ADMIN, fixture, report, serve, sleep } from "./_harness.ts";
import { startNginx } from "./_nginx.ts";

const { dir } = await fixture();
const { records } = await cohortRecords();
/** Copies of the 649 students in the big cohort, so that an import takes long enough to interrupt. */
const COPIES = 20;

function cohortCsv(copies: number): string {
  const header = Object.keys(records[0]);
  const lines = [header.join(",")];
  for (let k = 0; k < copies; k++) {
    for (const r of records) {
      lines.push(header.map((h) => (h === "student_id" ? `${r[h]}-${k}` : r[h])).join(","));
    }
  }
  return lines.join("\n") + "\n";
}

/** A store place the server in `cwd` reaches: SQLite under its data/ folder, or a PostgreSQL database. */
async function serverPlace(
  kind: "sqlite" | "postgres",
  cwd: string,
): Promise<{ place: TestStorePlace; env: Record<string, string> }> {
  if (kind === "postgres") {
    const place = await freshPlace(kind);
    return { place, env: { DATABASE_URL: place.options.url! } };
  }
  return {
    place: { kind, options: { file: `${cwd}/data/caseload/caseload.db` } },
    env: { CASELOAD_DB: "data/caseload/caseload.db" },
  };
}

async function counts(store: Store) {
  const cohorts = await store.db.selectFrom("cohorts").select("id").execute();
  const per = [];
  for (const { id } of cohorts) {
    const n = async (t: "students" | "scores") =>
      Number(
        (await store.db.selectFrom(t).select((e) => e.fn.countAll().as("n"))
          .where("cohort_id", "=", id).executeTakeFirstOrThrow()).n,
      );
    per.push({ id, students: await n("students"), scores: await n("scores") });
  }
  const imports = await store.db.selectFrom("audit").select("id")
    .where("action", "=", "cohort.import").execute();
  return { per, imports: imports.length };
}

const post = (url: string, body: string, headers: Record<string, string> = ADMIN) =>
  fetch(url, { method: "POST", headers: { ...headers, "content-type": "text/csv" }, body });

for (const kind of STORES) {
  Deno.test({
    name:
      `kill -9 during a cohort import leaves no half cohort, and the next start is clean (${kind})`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const cwd = await Deno.makeTempDir({ dir, prefix: `kill-${kind}-` });
      await Deno.symlink(`${dir}/models`, `${cwd}/models`);
      const { place, env } = await serverPlace(kind, cwd);
      const setup = await openStore(place.options);
      for (const name of ["alice", "bob"]) await addUser(setup, { name, role: "adviser" });
      await setup.close();
      const big = cohortCsv(COPIES);
      const rows = records.length * COPIES;
      let server: ServerProcess = await serve(cwd, env);
      const outcomes: string[] = [];
      try {
        const t0 = performance.now();
        const first = await post(`${server.url}/v1/cohorts?profile=early-A&name=timed`, big);
        const text = await first.text();
        assert.equal(first.status, 201, text);
        const full = performance.now() - t0;
        for (const share of [0.3, 0.6, 0.85, 0.97]) {
          const before = await checked();
          const sent = post(`${server.url}/v1/cohorts?profile=early-A&name=killed`, big)
            .then((r) => r.body?.cancel(), () => undefined);
          await sleep(full * share);
          await server.stop("SIGKILL");
          await sent;
          server = await serve(cwd, env);
          const after = await checked();
          outcomes.push(after > before ? "committed" : "absent");
        }
        // The next start is clean: an import goes through.
        const last = await post(`${server.url}/v1/cohorts?profile=early-A&name=after`, big);
        assert.equal(last.status, 201);
        await last.body?.cancel();
        await checked();
        report(
          `caseload kill -9 (${kind}): import of ${rows} students took ${Math.round(full)} ms; ` +
            `kills at 30/60/85/97 %: ${outcomes.join(", ")}; never a half cohort`,
        );
      } finally {
        await server.stop("SIGKILL");
      }

      /** Every cohort whole (students = scores = rows), one import entry each; returns the count. */
      async function checked(): Promise<number> {
        const store = await openStore(place.options);
        try {
          const { per, imports } = await counts(store);
          for (const c of per) assert.deepEqual(c, { id: c.id, students: rows, scores: rows });
          assert.equal(imports, per.length);
          return per.length;
        } finally {
          await store.close();
        }
      }
    },
  });
}

Deno.test({
  name: "3 replicas behind nginx on one PostgreSQL: two advisers writing at once lose nothing",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { place, env } = await serverPlace("postgres", dir);
    // Each replica in a folder of its own (a start writes its deno.json copy there), all on one
    // registry; started together on the new database, they race to migrate it and the
    // migrator's lock lets one.
    const cwds = [];
    for (let i = 0; i < 3; i++) {
      const cwd = await Deno.makeTempDir({ dir, prefix: `replica-${i}-` });
      await Deno.symlink(`${dir}/models`, `${cwd}/models`);
      cwds.push(cwd);
    }
    const replicas: ServerProcess[] = await Promise.all(cwds.map((cwd) => serve(cwd, env)));
    const setup = await openStore(place.options);
    const alice = {
      authorization: `Bearer ${await addUser(setup, { name: "alice", role: "adviser" })}`,
    };
    const bob = {
      authorization: `Bearer ${await addUser(setup, { name: "bob", role: "adviser" })}`,
    };
    const nginx = await startNginx(replicas.map((r) => Number(new URL(r.url).port)));
    try {
      const res = await post(`${nginx.url}/v1/cohorts?profile=early-A&name=shared`, cohortCsv(1));
      assert.equal(res.status, 201);
      const { cohort } = await res.json();
      const ids = records.map((r) => `${r.student_id}-0`);
      const act = (who: Record<string, string>, student: string, kind: string) =>
        fetch(`${nginx.url}/v1/cohorts/${cohort}/students/${student}/actions`, {
          method: "POST",
          headers: { ...who, "content-type": "application/json" },
          body: JSON.stringify({ kind, note: `by ${who === alice ? "alice" : "bob"}` }),
        }).then(async (r) => {
          assert.equal(r.status, 201, await r.text());
        });
      // Alice has the odd rows (s001, s003, …), Bob the even ones.
      const aliceIds = ids.filter((_, i) => i % 2 === 0).slice(0, 60);
      const bobIds = ids.filter((_, i) => i % 2 === 1).slice(0, 60);
      const writes = [
        ...aliceIds.map((s) => act(alice, s, "contacted")),
        ...bobIds.map((s) => act(bob, s, "meeting")),
      ];
      // A second action on the same students at the same time: both kept.
      writes.push(...aliceIds.slice(0, 20).map((s) => act(alice, s, "referred")));
      await Promise.all(writes);
      const stored = await setup.db.selectFrom("actions").select(["student_id", "kind"]).execute();
      assert.equal(stored.length, 140);
      // Every replica answers the same caseload; then one dies and nginx routes around it.
      const views = [];
      for (const r of replicas) {
        const body = await (await fetch(`${r.url}/v1/caseload?cohort=${cohort}&limit=1000`, {
          headers: alice,
        })).json();
        views.push(
          JSON.stringify(
            body.students.map((
              s: { student_id: string; acted: boolean },
            ) => [s.student_id, s.acted]),
          ),
        );
      }
      assert.equal(new Set(views).size, 1);
      await replicas[2].stop("SIGKILL");
      for (let i = 0; i < 6; i++) {
        const r = await fetch(`${nginx.url}/v1/caseload?cohort=${cohort}&open=1`, { headers: bob });
        assert.equal(r.status, 200);
        const { students } = await r.json();
        assert.ok(!students.some((s: { student_id: string }) => bobIds.includes(s.student_id)));
      }
      report(
        `caseload on 3 replicas (PostgreSQL): 140 concurrent actions through nginx, 140 stored`,
      );
    } finally {
      await nginx.stop();
      for (const r of replicas) await r.stop("SIGKILL");
      await setup.close();
    }
  },
});
