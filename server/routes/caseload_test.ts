import assert from "node:assert/strict";
import { brierScore, rocAuc } from "../../pipeline/mod.ts";
import { testApp, trainedRegistry } from "../_testing.ts";
import { cohortRecords, freshPlace, STORES } from "../caseload/_testing.ts";
import { addUser } from "../caseload/mod.ts";

const { dir } = await trainedRegistry(5);
const { records, outcomes } = await cohortRecords();

function csv(rows: Record<string, unknown>[]): string {
  const header = Object.keys(rows[0]);
  return [header.join(","), ...rows.map((r) => header.map((h) => r[h]).join(","))].join("\n") +
    "\n";
}

for (const kind of STORES) {
  Deno.test({
    name: `the caseload API end to end (${kind})`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async (t) => {
      const place = await freshPlace(kind);
      const sub = await Deno.makeTempDir({ dir, prefix: "app-" });
      await Deno.symlink(`${dir}/models`, `${sub}/models`);
      const { app, deps } = await testApp(sub, {
        adminToken: "t0ken",
        databaseUrl: place.options.url,
      });
      const store = deps.caseload!;
      assert.equal(store.kind, kind);
      const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
      const ADMIN = bearer("t0ken");
      const ALICE = bearer(await addUser(store, { name: "alice", role: "adviser" }));
      const BOB = bearer(await addUser(store, { name: "bob", role: "adviser" }));
      const VIEWER = bearer(await addUser(store, { name: "vera", role: "viewer" }));
      const post = (
        path: string,
        headers: Record<string, string>,
        body: string,
        type = "text/csv",
      ) =>
        app.request(path, { method: "POST", headers: { ...headers, "content-type": type }, body });
      const cohorts = async () =>
        (await (await app.request("/v1/cohorts", { headers: ADMIN })).json()).cohorts.length;
      let cohort = 0;

      try {
        await t.step(
          "a bad file is refused naming row and column, and nothing is stored",
          async () => {
            const cases: [string, string, number, string][] = [
              [
                "unknown adviser",
                csv(records.map((r, i) => i === 6 ? { ...r, adviser: "eve" } : r)),
                7,
                "adviser",
              ],
              [
                "duplicate id",
                csv(records.map((r, i) => i === 8 ? { ...r, student_id: "s001" } : r)),
                9,
                "student_id",
              ],
              [
                "bad value",
                csv(records.map((r, i) => i === 2 ? { ...r, Age: "old" } : r)),
                3,
                "Age",
              ],
              ["malformed row", csv(records).replace("\ns005,", "\ns005,x,"), 5, ""],
            ];
            for (const [what, body, row, column] of cases) {
              const res = await post("/v1/cohorts?profile=early-A", ADMIN, body);
              assert.equal(res.status, 422, what);
              const { issues } = await res.json();
              assert.ok(
                issues.some((i: { row: number; field?: string }) =>
                  i.row === row && (!column || i.field === column)
                ),
                `${what}: ${JSON.stringify(issues)}`,
              );
            }
            assert.equal(await cohorts(), 0);
            const res = await post("/v1/cohorts?profile=early-A", ALICE, csv(records));
            assert.equal(res.status, 403);
            await res.body?.cancel();
            const anon = await app.request("/v1/cohorts", { method: "POST", body: csv(records) });
            assert.equal(anon.status, 401);
            await anon.body?.cancel();
          },
        );

        await t.step("POST /v1/cohorts imports and scores the 649 students", async () => {
          const res = await post("/v1/cohorts?profile=early-A&name=autumn", ADMIN, csv(records));
          assert.equal(res.status, 201);
          const body = await res.json();
          assert.equal(body.students, 649);
          cohort = body.cohort;
          assert.equal(await cohorts(), 1);
        });

        await t.step("GET /v1/caseload is the adviser's own students, ranked", async () => {
          const res = await app.request(`/v1/caseload?cohort=${cohort}&limit=1000`, {
            headers: ALICE,
          });
          const { students } = await res.json();
          assert.equal(students.length, 325);
          assert.ok(students.every((s: { adviser: string }) => s.adviser === "alice"));
          assert.ok(students[0].probability >= students.at(-1).probability);
          assert.equal(students[0].reasons.length, 3);
          const bad = await app.request(`/v1/caseload?cohort=${cohort}&band=purple`, {
            headers: ALICE,
          });
          assert.equal(bad.status, 400);
          await bad.body?.cancel();
        });

        await t.step(
          "another adviser's student answers 404 like one who does not exist",
          async () => {
            const theirs = await app.request(`/v1/cohorts/${cohort}/students/s002`, {
              headers: ALICE,
            });
            const none = await app.request(`/v1/cohorts/${cohort}/students/s998`, {
              headers: ALICE,
            });
            assert.equal(theirs.status, 404);
            assert.equal(none.status, 404);
            assert.equal(
              (await theirs.json()).error.replace("s002", "X"),
              (await none.json()).error.replace("s998", "X"),
            );
            const own = await app.request(`/v1/cohorts/${cohort}/students/s002`, { headers: BOB });
            assert.equal((await own.json()).history.length, 1);
          },
        );

        await t.step("an action closes the flag", async () => {
          const open =
            await (await app.request(`/v1/caseload?cohort=${cohort}&open=1`, { headers: BOB }))
              .json();
          const student = open.students[0].student_id;
          const res = await post(
            `/v1/cohorts/${cohort}/students/${student}/actions`,
            BOB,
            JSON.stringify({ kind: "contacted", note: "Phoned home" }),
            "application/json",
          );
          assert.equal(res.status, 201);
          assert.equal((await res.json()).author, "bob");
          const after =
            await (await app.request(`/v1/caseload?cohort=${cohort}&open=1&limit=1000`, {
              headers: BOB,
            })).json();
          assert.ok(!after.students.some((s: { student_id: string }) => s.student_id === student));
          const viewer = await post(
            `/v1/cohorts/${cohort}/students/${student}/actions`,
            VIEWER,
            '{"kind":"meeting"}',
            "application/json",
          );
          assert.equal(viewer.status, 403);
          await viewer.body?.cancel();
          const badKind = await post(
            `/v1/cohorts/${cohort}/students/${student}/actions`,
            BOB,
            '{"kind":"x"}',
            "application/json",
          );
          assert.equal(badKind.status, 400);
          await badKind.body?.cancel();
        });

        await t.step(
          "outcomes, then /performance equals the pipeline's metrics to 1e-9",
          async () => {
            const unknown = await post(
              `/v1/cohorts/${cohort}/outcomes`,
              ADMIN,
              "student_id,Dropped_Out\ns001,True\nzz,False\n",
            );
            assert.equal(unknown.status, 422);
            assert.deepEqual(
              (await unknown.json()).issues.map((
                i: { row: number; field: string },
              ) => [i.row, i.field]),
              [[2, "student_id"]],
            );
            const rows = [...outcomes].map(([id, o]) => ({
              student_id: id,
              Dropped_Out: o ? "True" : "False",
            }));
            const res = await post(`/v1/cohorts/${cohort}/outcomes`, ADMIN, csv(rows));
            assert.deepEqual(await res.json(), { stored: 649, positive: 100 });
            const report =
              await (await app.request(`/v1/cohorts/${cohort}/performance`, { headers: ADMIN }))
                .json();
            const predictor = deps.models.get("early-A")!;
            const p = predictor.predict(predictor.read(records)).map((x) => x.probability);
            const labels = records.map((r) => outcomes.get(r.student_id as string)!);
            assert.ok(Math.abs(report.scorings[0].roc_auc - rocAuc(labels, p)) < 1e-9);
            assert.ok(Math.abs(report.scorings[0].brier - brierScore(labels, p)) < 1e-9);
            assert.match(report.note, /not an effect/);
          },
        );

        await t.step("rescore keeps history", async () => {
          const res = await post(`/v1/cohorts/${cohort}/rescore`, ADMIN, "");
          assert.equal(res.status, 200);
          await res.body?.cancel();
          const s =
            await (await app.request(`/v1/cohorts/${cohort}/students/s002`, { headers: BOB }))
              .json();
          assert.equal(s.history.length, 2);
        });

        await t.step("GET /v1/audit lists reads, exports CSV, and is admin-only", async () => {
          const { entries } = await (await app.request("/v1/audit", { headers: ADMIN })).json();
          assert.ok(
            entries.some((e: { action: string; actor: string; student_id: string }) =>
              e.action === "student.read" && e.actor === "bob" && e.student_id === "s002"
            ),
          );
          const res = await app.request("/v1/audit?format=csv", { headers: ADMIN });
          assert.match(res.headers.get("content-type")!, /text\/csv/);
          assert.match(await res.text(), /^id,at,actor,action,cohort_id,student_id,detail\n/);
          const denied = await app.request("/v1/audit", { headers: ALICE });
          assert.equal(denied.status, 403);
          await denied.body?.cancel();
        });

        await t.step(
          "DELETE /v1/cohorts/{id} removes the students and audits it once",
          async () => {
            const res = await app.request(`/v1/cohorts/${cohort}`, {
              method: "DELETE",
              headers: ADMIN,
            });
            assert.deepEqual(await res.json(), { cohort, deleted_students: 649 });
            const gone = await app.request(`/v1/cohorts/${cohort}/students/s002`, { headers: BOB });
            assert.equal(gone.status, 404);
            await gone.body?.cancel();
            const { entries } = await (await app.request("/v1/audit", { headers: ADMIN })).json();
            assert.equal(
              entries.filter((e: { action: string }) => e.action === "cohort.delete").length,
              1,
            );
          },
        );
      } finally {
        await store.close();
        deps.models.close();
      }
    },
  });
}

Deno.test("the OpenAPI document lists every caseload route", async () => {
  const { app } = await testApp(await Deno.makeTempDir({ dir, prefix: "doc-" }));
  const doc = await (await app.request("/openapi.json")).json();
  for (
    const [path, method] of [
      ["/v1/cohorts", "post"],
      ["/v1/cohorts", "get"],
      ["/v1/cohorts/{id}", "delete"],
      ["/v1/cohorts/{id}/rescore", "post"],
      ["/v1/caseload", "get"],
      ["/v1/cohorts/{id}/students/{student}", "get"],
      ["/v1/cohorts/{id}/students/{student}/actions", "post"],
      ["/v1/cohorts/{id}/outcomes", "post"],
      ["/v1/cohorts/{id}/performance", "get"],
      ["/v1/audit", "get"],
    ]
  ) assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
});

Deno.test("bad caseload and audit queries answer 400 naming the parameter, never a default", async () => {
  const sub = await Deno.makeTempDir({ dir, prefix: "query-" });
  await Deno.symlink(`${dir}/models`, `${sub}/models`);
  const { app, deps } = await testApp(sub, { adminToken: "t0ken" });
  const headers = { authorization: "Bearer t0ken" };
  try {
    for (
      const [path, name] of [
        // An empty cohort was read as cohort 0 and answered 404.
        ["/v1/caseload?cohort=", "cohort"],
        ["/v1/caseload?cohort=0x10", "cohort"],
        ["/v1/caseload?cohort=1&limit=1.5", "limit"],
        // The audit log took any after or limit, reading a bad one as the default.
        ["/v1/audit?after=abc", "after"],
        ["/v1/audit?after=-1", "after"],
        [`/v1/audit?after=${"9".repeat(30)}`, "after"],
        ["/v1/audit?limit=0", "limit"],
        ["/v1/audit?limit=all", "limit"],
        ["/v1/audit?format=xml", "format"],
      ]
    ) {
      const res = await app.request(path, { headers });
      assert.equal(res.status, 400, path);
      assert.match((await res.json()).error, new RegExp(`^Invalid query "${name}"`), path);
    }
    const ok = await app.request("/v1/audit?after=0&limit=5&format=json", { headers });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { entries: [] });
    const unknown = await app.request("/v1/caseload?cohort=7", { headers });
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
  } finally {
    await deps.caseload?.close();
    deps.models.close();
  }
});
