import assert from "node:assert/strict";
import { loadSpec } from "../../pipeline/mod.ts";
import { openApiDocument } from "../../server/routes/mod.ts";
import { SPEC_PATH, testApp } from "../../server/_testing.ts";
import { addUser, openStore } from "../../server/caseload/mod.ts";
import { ADMIN, fixture, report, serve, TOKEN } from "./_harness.ts";
import { rawRequest } from "./_raw_http.ts";

const spec = await loadSpec(SPEC_PATH);
const { dir, ids } = await fixture();
const JOB = crypto.randomUUID();

// The caseload's users, added to the store the test servers open (their default SQLite file), as
// the caseload's own tests add them: an adviser and a viewer, each with a token of their own.
const setup = await openStore({ file: `${dir}/data/caseload/caseload.db` });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ADVISER = bearer(await addUser(setup, { name: "alice", role: "adviser" }));
const VIEWER = bearer(await addUser(setup, { name: "vera", role: "viewer" }));
await setup.close();

/** Every admin route, with a request that passes auth without starting any training. */
const ADMIN_ROUTES: { route: string; method: string; path: string; authorized: number }[] = [
  { route: "POST /v1/datasets", method: "POST", path: "/v1/datasets", authorized: 422 },
  { route: "GET /v1/datasets", method: "GET", path: "/v1/datasets", authorized: 200 },
  { route: "POST /v1/models/train", method: "POST", path: "/v1/models/train", authorized: 400 },
  { route: "GET /v1/jobs/{id}", method: "GET", path: `/v1/jobs/${JOB}`, authorized: 404 },
  {
    route: "GET /v1/datasets/{id}/drift",
    method: "GET",
    path: `/v1/datasets/${"0".repeat(64)}/drift`,
    authorized: 404,
  },
  {
    route: "POST /v1/models/{id}/activate",
    method: "POST",
    path: `/v1/models/${ids[0]}/activate`,
    authorized: 200,
  },
  {
    route: "POST /v1/models/prune",
    method: "POST",
    path: "/v1/models/prune?dry_run=1",
    authorized: 200,
  },
  { route: "POST /upload_train_data", method: "POST", path: "/upload_train_data", authorized: 422 },
  { route: "POST /retrain", method: "POST", path: "/retrain", authorized: 413 },
];

/** A cohort that does not exist: an authorised caller gets 404 for it, and nothing changes. */
const NO_COHORT = 999999;

/**
 * Every caseload route. Any user's token or `ADMIN_TOKEN` gets past the 401; `admin` marks the
 * routes a role other than admin is refused with 403 (the server's ForbiddenError). `authorized`
 * is the status the admin's request gets; it never changes anything.
 */
const CASELOAD_ROUTES: {
  route: string;
  method: string;
  path: string;
  admin: boolean;
  authorized: number;
  body?: string;
  type?: string;
}[] = [
  { route: "GET /v1/cohorts", method: "GET", path: "/v1/cohorts", admin: false, authorized: 200 },
  // An empty file: refused as such, after the role check.
  {
    route: "POST /v1/cohorts",
    method: "POST",
    path: "/v1/cohorts",
    admin: true,
    authorized: 422,
    body: "",
    type: "text/csv",
  },
  {
    route: "DELETE /v1/cohorts/{id}",
    method: "DELETE",
    path: `/v1/cohorts/${NO_COHORT}`,
    admin: true,
    authorized: 404,
  },
  {
    route: "POST /v1/cohorts/{id}/rescore",
    method: "POST",
    path: `/v1/cohorts/${NO_COHORT}/rescore`,
    admin: true,
    authorized: 404,
    body: "",
    type: "text/csv",
  },
  {
    route: "GET /v1/caseload",
    method: "GET",
    path: `/v1/caseload?cohort=${NO_COHORT}`,
    admin: false,
    authorized: 404,
  },
  {
    route: "GET /v1/cohorts/{id}/students/{student}",
    method: "GET",
    path: `/v1/cohorts/${NO_COHORT}/students/s001`,
    admin: false,
    authorized: 404,
  },
  {
    route: "POST /v1/cohorts/{id}/students/{student}/actions",
    method: "POST",
    path: `/v1/cohorts/${NO_COHORT}/students/s001/actions`,
    admin: false,
    authorized: 404,
    body: '{"kind":"contacted"}',
    type: "application/json",
  },
  {
    route: "POST /v1/cohorts/{id}/outcomes",
    method: "POST",
    path: `/v1/cohorts/${NO_COHORT}/outcomes`,
    admin: true,
    authorized: 404,
    body: "student_id,outcome\ns001,1\n",
    type: "text/csv",
  },
  {
    route: "GET /v1/cohorts/{id}/performance",
    method: "GET",
    path: `/v1/cohorts/${NO_COHORT}/performance`,
    admin: false,
    authorized: 404,
  },
  { route: "GET /v1/audit", method: "GET", path: "/v1/audit", admin: true, authorized: 200 },
];

/** A caseload request with these credentials. */
function caseloadRequest(
  url: string,
  r: (typeof CASELOAD_ROUTES)[number],
  headers: Record<string, string>,
  query?: string,
): Promise<Response> {
  const sep = r.path.includes("?") ? "&" : "?";
  return fetch(`${url}${r.path}${query ? `${sep}${query}` : ""}`, {
    method: r.method,
    headers: r.type ? { ...headers, "content-type": r.type } : headers,
    body: r.body,
  });
}

/** The body that, with the right token, gets the `authorized` status above. */
function authorizedBody(route: string): BodyInit | undefined {
  if (route === "POST /v1/models/train") return '{"profile":"nope"}';
  if (route === "POST /retrain") return "x".repeat(128 * 1024);
  if (route.startsWith("POST")) return "";
  return undefined;
}

/** Wrong credentials: each must get 401. */
const WRONG: [string, Record<string, string>, string?][] = [
  ["no Authorization header", {}],
  ["a wrong token", { authorization: "Bearer wrong" }],
  ["the token plus a character", { authorization: `Bearer ${TOKEN}x` }],
  ["the token less its last character", { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
  ["the token in upper case", { authorization: `Bearer ${TOKEN.toUpperCase()}` }],
  ["the token without a scheme", { authorization: TOKEN }],
  ["the token as Basic credentials", { authorization: `Basic ${btoa(`admin:${TOKEN}`)}` }],
  ["another scheme", { authorization: `Token ${TOKEN}` }],
  ["Bearer without a token", { authorization: "Bearer" }],
  ["two tokens", { authorization: `Bearer wrong Bearer ${TOKEN}` }],
  ["a wrong token then the right one", { authorization: `Bearer wrong, Bearer ${TOKEN}` }],
  ["the token in a cookie", { cookie: `token=${TOKEN}` }],
  ["the token in another header", { "x-admin-token": TOKEN }],
  ["the token in the query", {}, `token=${TOKEN}`],
];

Deno.test("the admin routes here are exactly the OpenAPI document's secured operations", () => {
  const paths = openApiDocument(spec).paths as Record<
    string,
    Record<string, { security?: unknown }>
  >;
  const secured = Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops).filter(([, op]) => op.security).map(([m]) => `${m.toUpperCase()} ${path}`)
  );
  assert.deepEqual(
    new Set(secured),
    new Set([...ADMIN_ROUTES, ...CASELOAD_ROUTES].map((r) => r.route)),
  );
  // The document says which caseload routes refuse a role: exactly the admin-only ones here,
  // and the actions route (a viewer may not record actions).
  const forbidding = Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops as Record<string, { responses?: Record<string, unknown> }>)
      .filter(([, op]) => op.responses?.["403"])
      .map(([m]) => `${m.toUpperCase()} ${path}`)
  ).filter((route) => CASELOAD_ROUTES.some((r) => r.route === route));
  assert.deepEqual(
    new Set(forbidding),
    new Set([
      ...CASELOAD_ROUTES.filter((r) => r.admin).map((r) => r.route),
      "POST /v1/cohorts/{id}/students/{student}/actions",
    ]),
  );
});

Deno.test("auth: every caseload route answers 401 without or with a wrong token, 403 to a role it refuses", async (t) => {
  let tried = 0;
  const enabled = await serve(dir);
  try {
    for (const r of CASELOAD_ROUTES) {
      await t.step(
        `${r.route}: ${WRONG.length} wrong credentials → 401, the admin → ${r.authorized}`,
        async () => {
          for (const [what, headers, query] of WRONG) {
            const res = await caseloadRequest(enabled.url, r, headers, query);
            const text = await res.text();
            assert.equal(res.status, 401, `${what}: ${res.status} ${text}`);
            assert.match(JSON.parse(text).error, /bearer token/);
            assert.ok(!text.includes(TOKEN), "the answer never echoes the token");
            for (const [k, v] of res.headers) {
              assert.ok(!v.includes(TOKEN), `the ${k} header never echoes the token`);
            }
            tried++;
          }
          // A user's token is just as secret: a mangled one gets the same 401.
          const mangled = `${VIEWER.authorization}x`;
          const res = await caseloadRequest(enabled.url, r, { authorization: mangled });
          const text = await res.text();
          assert.equal(res.status, 401, text);
          assert.ok(!text.includes(mangled.slice(7)), "the answer never echoes a user's token");
          tried++;
          const ok = await caseloadRequest(enabled.url, r, ADMIN);
          const okText = await ok.text();
          assert.equal(ok.status, r.authorized, `ADMIN_TOKEN passes: ${okText}`);
        },
      );
    }

    await t.step(
      "an adviser or a viewer is refused every admin-only route with 403",
      async () => {
        for (const r of CASELOAD_ROUTES.filter((r) => r.admin)) {
          for (const [who, headers] of [["adviser", ADVISER], ["viewer", VIEWER]] as const) {
            const res = await caseloadRequest(enabled.url, r, headers);
            const text = await res.text();
            assert.equal(res.status, 403, `${who} on ${r.route}: ${text}`);
            assert.match(JSON.parse(text).error, /admin/, `${who} on ${r.route}: ${text}`);
            tried++;
          }
        }
        // A viewer may not record actions; the refusal comes before the student is looked up.
        const actions = CASELOAD_ROUTES.find((r) => r.route.endsWith("/actions"))!;
        const res = await caseloadRequest(enabled.url, actions, VIEWER);
        const text = await res.text();
        assert.equal(res.status, 403, text);
        assert.match(JSON.parse(text).error, /viewer may not record actions/);
        tried++;
      },
    );

    await t.step(
      "an adviser and a viewer pass every route open to them (404 for the unknown cohort)",
      async () => {
        for (const r of CASELOAD_ROUTES.filter((r) => !r.admin)) {
          const viewers = r.route.endsWith("/actions") ? [ADVISER] : [ADVISER, VIEWER];
          for (const headers of viewers) {
            const res = await caseloadRequest(enabled.url, r, headers);
            const text = await res.text();
            assert.equal(res.status, r.authorized, `${r.route}: ${text}`);
          }
        }
      },
    );

    await t.step("no refusal left a trace: the audit log holds no entry", async () => {
      const res = await fetch(`${enabled.url}/v1/audit`, { headers: ADMIN });
      assert.deepEqual((await res.json()).entries, []);
    });
  } finally {
    assert.equal(await enabled.stop(), 0);
  }

  const disabled = await serve(dir, { ADMIN_TOKEN: "" });
  try {
    await t.step(
      "ADMIN_TOKEN unset: its old value is an unknown token (401); a user's still passes",
      async () => {
        for (const r of CASELOAD_ROUTES) {
          const res = await caseloadRequest(disabled.url, r, ADMIN);
          const text = await res.text();
          assert.equal(res.status, 401, `${r.route}: ${text}`);
          assert.ok(!text.includes(TOKEN));
          tried++;
          const user = await caseloadRequest(disabled.url, r, ADVISER);
          await user.body?.cancel();
          assert.equal(user.status, r.admin ? 403 : r.authorized, r.route);
        }
      },
    );
  } finally {
    assert.equal(await disabled.stop(), 0);
  }
  report(
    `auth: ${tried} unauthorised requests over ${CASELOAD_ROUTES.length} caseload routes, all refused`,
  );
});

Deno.test("auth: every admin route answers 401 without or with a wrong token, 403 when disabled", async (t) => {
  let tried = 0;
  const enabled = await serve(dir);
  try {
    for (const r of ADMIN_ROUTES) {
      await t.step(
        `${r.route}: ${WRONG.length} wrong credentials → 401, the token → ${r.authorized}`,
        async () => {
          for (const [what, headers, query] of WRONG) {
            const res = await fetch(`${enabled.url}${r.path}${query ? `?${query}` : ""}`, {
              method: r.method,
              headers,
              body: r.method === "POST" ? "{}" : undefined,
            });
            const text = await res.text();
            assert.equal(res.status, 401, `${what}: ${res.status} ${text}`);
            assert.match(JSON.parse(text).error, /^Unauthorized/);
            assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="admin"');
            assert.ok(!text.includes(TOKEN), "the answer never echoes the token");
            tried++;
          }
          const res = await fetch(`${enabled.url}${r.path}`, {
            method: r.method,
            headers: r.route === "POST /v1/models/train"
              ? { ...ADMIN, "content-type": "application/json" }
              : ADMIN,
            body: authorizedBody(r.route),
          });
          await res.body?.cancel();
          assert.equal(res.status, r.authorized, "the right token passes");
        },
      );
    }
  } finally {
    assert.equal(await enabled.stop(), 0);
  }

  const disabled = await serve(dir, { ADMIN_TOKEN: "" });
  try {
    await t.step(
      "ADMIN_TOKEN unset: every admin route answers 403, with or without a token",
      async () => {
        for (const r of ADMIN_ROUTES) {
          for (const headers of [{}, ADMIN, { authorization: "Bearer " }]) {
            const res = await fetch(`${disabled.url}${r.path}`, {
              method: r.method,
              headers,
              body: r.method === "POST" ? "{}" : undefined,
            });
            assert.equal(res.status, 403, r.route);
            assert.match((await res.json()).error, /^Admin disabled/);
            tried++;
          }
        }
      },
    );
  } finally {
    assert.equal(await disabled.stop(), 0);
  }
  report(
    `auth: ${tried} unauthorised requests over ${ADMIN_ROUTES.length} admin routes, all refused`,
  );
});

Deno.test("auth: no admin route reads a byte of the body before the token is checked", async (t) => {
  const posts = ADMIN_ROUTES.filter((r) => r.method === "POST");

  await t.step(
    "in-process: a body stream is never pulled when the answer is 401 or 403",
    async () => {
      for (const adminToken of [TOKEN, undefined]) {
        const { app } = await testApp(dir, { adminToken });
        for (const r of posts) {
          let pulls = 0;
          const body = new ReadableStream<Uint8Array>({
            pull(controller) {
              pulls++;
              controller.enqueue(new Uint8Array(1024).fill(0x41));
            },
          }, { highWaterMark: 0 });
          const res = await app.request(
            r.path,
            { method: r.method, body, duplex: "half" } as RequestInit,
          );
          assert.equal(res.status, adminToken ? 401 : 403, r.route);
          await res.body?.cancel();
          assert.equal(pulls, 0, `${r.route} pulled the body ${pulls} times before refusing`);
          await body.cancel();
        }
      }
      // The control: with the token, the same kind of body is read.
      const { app } = await testApp(dir, { adminToken: TOKEN });
      let pulls = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (++pulls > 3) return controller.close();
          controller.enqueue(new TextEncoder().encode("a,b\n"));
        },
      }, { highWaterMark: 0 });
      const res = await app.request("/v1/datasets", {
        method: "POST",
        headers: ADMIN,
        body,
        duplex: "half",
      } as RequestInit);
      await res.body?.cancel();
      assert.equal(res.status, 422);
      assert.ok(pulls > 0, "the control reads its body");
    },
  );

  const server = await serve(dir);
  let slowest = 0;
  try {
    await t.step(
      "over TCP: a body that never ends, or a declared 10 GB one, gets 401 at once",
      async () => {
        for (const r of posts) {
          for (
            const head of [
              ["Transfer-Encoding: chunked"],
              [`Content-Length: ${10 * 1024 ** 3}`],
            ]
          ) {
            const answer = await rawRequest(
              server.url,
              [
                `${r.method} ${r.path} HTTP/1.1`,
                "Host: 127.0.0.1",
                "Content-Type: text/csv",
                ...head,
              ].join("\r\n"),
              {
                // One chunk of a body that is never finished.
                body: new TextEncoder().encode(
                  head[0].startsWith("Transfer") ? "5\r\nSchoo\r\n" : "School",
                ),
                timeoutMs: 3000,
              },
            );
            assert.equal(answer.status, 401, `${r.route} ${head[0]}: ${answer.body}`);
            slowest = Math.max(slowest, answer.ms);
          }
        }
        assert.ok(slowest < 1000, `slowest refusal took ${slowest.toFixed(0)} ms`);
      },
    );

    await t.step(
      "over TCP, the control: with the token, a declared 10 GB upload gets 413",
      async () => {
        const answer = await rawRequest(
          server.url,
          [
            "POST /v1/datasets HTTP/1.1",
            "Host: 127.0.0.1",
            `Authorization: ${ADMIN.authorization}`,
            `Content-Length: ${10 * 1024 ** 3}`,
          ].join("\r\n"),
          { timeoutMs: 3000 },
        );
        assert.equal(answer.status, 413);
      },
    );
  } finally {
    assert.equal(await server.stop(), 0);
  }
  report(
    `auth: ${posts.length} admin POST routes refuse unread bodies; slowest 401 ${
      slowest.toFixed(0)
    } ms`,
  );
});
