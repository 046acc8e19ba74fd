import assert from "node:assert/strict";
import { loadSpec } from "../../pipeline/mod.ts";
import { openApiDocument } from "../../server/routes/mod.ts";
import { SPEC_PATH, STUDENT } from "../../server/_testing.ts";
import { type Case, corpus } from "./_corpus.ts";
import { cohortRecords } from "../../server/caseload/_testing.ts";
import { addUser, openStore } from "../../server/caseload/mod.ts";
import { ADMIN, fixture, report, serve } from "./_harness.ts";
import { rawRequest } from "./_raw_http.ts";

const spec = await loadSpec(SPEC_PATH);
const { dir, ids } = await fixture();
const canary = `${dir}/canary.txt`;
const SECRET = "CANARY-must-never-be-served";
await Deno.writeTextFile(canary, SECRET);

// The caseload's advisers, in the store the server opens (its default SQLite file), as the
// caseload's own tests add them; the cohort itself is imported through the server below.
const setup = await openStore({ file: `${dir}/data/caseload/caseload.db` });
for (const name of ["alice", "bob"]) await addUser(setup, { name, role: "adviser" });
await setup.close();
const COHORT = (await cohortRecords()).records.slice(0, 40);

/** Imports the corpus's cohort (40 students) and gives its id. */
async function importCohort(url: string): Promise<number> {
  const header = Object.keys(COHORT[0]);
  const body = [header.join(","), ...COHORT.map((r) => header.map((h) => r[h]).join(","))]
    .join("\n") + "\n";
  const res = await fetch(`${url}/v1/cohorts?profile=early-A&name=corpus`, {
    method: "POST",
    headers: { ...ADMIN, "content-type": "text/csv" },
    body,
  });
  const answer = await res.json();
  assert.equal(res.status, 201, JSON.stringify(answer));
  return answer.cohort;
}

/** Sends one case and gives its status and body. */
async function send(url: string, c: Case): Promise<{ status: number; body: string }> {
  if (c.raw) {
    const head = [`${c.method} ${c.path} HTTP/1.1`, "Host: 127.0.0.1", ...c.raw.head].join("\r\n");
    const answer = await rawRequest(url, head, { timeoutMs: 10_000 });
    return { status: answer.status, body: answer.body };
  }
  const body = typeof c.body === "function" ? c.body() : c.body;
  const res = await fetch(`${url}${c.path}`, {
    method: c.method,
    headers: c.headers,
    body: body as BodyInit | undefined,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: await res.text() };
}

/** Why an answer breaks the case's rule, or undefined when it keeps it. */
function judge(c: Case, status: number, body: string): string | undefined {
  const cls = Math.floor(status / 100);
  if (cls === 5) return `answered ${status}: ${body.slice(0, 200)}`;
  if (body.includes(SECRET)) return "served the canary file";
  const ok = c.expect === "2xx" ? cls === 2 : c.expect === "4xx" ? cls === 4 : status === c.expect;
  if (!ok) return `expected ${c.expect}, got ${status}: ${body.slice(0, 300)}`;
  if (cls === 4) {
    let error: unknown;
    try {
      error = JSON.parse(body).error;
    } catch {
      return `a ${status} without a JSON body: ${body.slice(0, 200)}`;
    }
    if (typeof error !== "string" || !/^[A-Z]/.test(error)) return `no capitalised error: ${body}`;
  }
  if (!c.match.test(body)) return `body does not match ${c.match}: ${body.slice(0, 400)}`;
  return undefined;
}

Deno.test("bad-input corpus: every route answers 4xx naming the field or row, never 5xx", async (t) => {
  const server = await serve(dir);
  const tally = new Map<string, { tried: number; passed: number }>();
  try {
    // The caseload's cases need a cohort of the running server's own.
    const cohort = await importCohort(server.url);
    const cases = corpus({ spec, ids, canary, caseload: { cohort, records: COHORT } });
    assert.ok(cases.length >= 150, `${cases.length} cases`);

    await t.step("the corpus covers every route of the OpenAPI document and static files", () => {
      const routes = new Set(cases.map((c) => c.route));
      const paths = openApiDocument(spec).paths as Record<string, Record<string, unknown>>;
      for (const [path, operations] of Object.entries(paths)) {
        for (const method of Object.keys(operations)) {
          const route = `${method.toUpperCase()} ${path}`;
          assert.ok(routes.has(route), `no case for ${route}`);
        }
      }
      assert.ok(routes.has("GET /*"));
    });

    const byRoute = Map.groupBy(cases, (c) => c.route);
    for (const [route, list] of byRoute) {
      await t.step(`${route} (${list.length} cases)`, async () => {
        const failures: string[] = [];
        for (const c of list) {
          let why: string | undefined;
          try {
            const { status, body } = await send(server.url, c);
            why = judge(c, status, body);
          } catch (error) {
            why = `request failed: ${error}`;
          }
          if (why) failures.push(`${c.name}: ${why}`);
        }
        tally.set(route, { tried: list.length, passed: list.length - failures.length });
        assert.deepEqual(failures, [], failures.join("\n"));
      });
    }

    await t.step(
      "no caseload case changed anything: one cohort, its one import, no write",
      async () => {
        const { cohorts } = await (await fetch(`${server.url}/v1/cohorts`, { headers: ADMIN }))
          .json();
        assert.equal(cohorts.length, 1, JSON.stringify(cohorts));
        const { entries } = await (await fetch(`${server.url}/v1/audit`, { headers: ADMIN }))
          .json();
        // Reads are audited too (the one valid caseload listing); writes are the import alone.
        const reads = ["caseload.list", "student.read", "audit.export"];
        const writes = entries.map((e: { action: string }) => e.action)
          .filter((a: string) => !reads.includes(a));
        assert.deepEqual(writes, ["cohort.import"]);
      },
    );

    await t.step("/health and /v1/predict still answer after the whole corpus", async () => {
      const health = await fetch(`${server.url}/health`);
      assert.deepEqual(await health.json(), { status: "ok" });
      const res = await fetch(`${server.url}/v1/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(STUDENT),
      });
      assert.equal(res.status, 200);
      assert.equal((await res.json()).model, ids[0]);
    });
  } finally {
    assert.equal(await server.stop(), 0, "the server stops cleanly after the corpus");
  }
  const unhandled = server.logs.filter((l) => l.includes('"msg":"Unhandled error"'))
    .map((l) => l.slice(0, 300));
  assert.deepEqual(unhandled, [], "no request reached the 500 handler");
  const tried = [...tally.values()].reduce((a, r) => a + r.tried, 0);
  const passed = [...tally.values()].reduce((a, r) => a + r.passed, 0);
  report(
    `bad-input corpus: ${passed}/${tried} cases passed over ${tally.size} routes; ` +
      [...tally].map(([r, x]) => `${r} ${x.passed}/${x.tried}`).join(", "),
  );
});
