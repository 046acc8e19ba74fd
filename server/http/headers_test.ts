import assert from "node:assert/strict";
import { DATA_PATH, STUDENT, testApp, trainedRegistry } from "../_testing.ts";
import { secureHeaderList } from "./headers.ts";

const { dir, ids } = await trainedRegistry(5);
const { app } = await testApp(dir);
const predict = (headers: Record<string, string> = {}) =>
  app.request("/v1/predict", { method: "POST", headers, body: JSON.stringify(STUDENT) });

Deno.test("every answer carries a fresh request id, never the client's", async () => {
  const seen = new Set<string>();
  for (const given of ["same-id", "same-id", "<script>", "x".repeat(100)]) {
    const res = await predict({ "x-request-id": given });
    await res.body?.cancel();
    const id = res.headers.get("x-request-id") ?? "";
    assert.match(id, /^[0-9a-f-]{36}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 4);
});

Deno.test("answers about students are no-store; the page's files are not", async () => {
  for (
    const res of [await predict(), await app.request("/v1/models"), await app.request("/nope")]
  ) {
    await res.body?.cancel();
    assert.equal(res.headers.get("cache-control"), "no-store", res.url);
  }
  const page = await app.request("/js/api.js");
  await page.body?.cancel();
  assert.equal(page.headers.get("cache-control"), null);
  const docs = await app.request("/docs/swagger-ui.css");
  await docs.body?.cancel();
  assert.equal(docs.headers.get("cache-control"), "public, max-age=86400");
});

Deno.test("HSTS is sent only when BEHIND_TLS says a TLS proxy is in front", async () => {
  const plain = await predict();
  await plain.body?.cancel();
  assert.equal(plain.headers.get("strict-transport-security"), null);
  const { app: tls } = await testApp(dir, { behindTls: true });
  const res = await tls.request("/health");
  await res.body?.cancel();
  assert.match(res.headers.get("strict-transport-security") ?? "", /^max-age=\d+/);
});

Deno.test("a long method or path comes back cut, and does not grow /metrics", async () => {
  for (let i = 0; i < 50; i++) {
    const res = await app.request(`/${"p".repeat(10_000)}`, { method: `M${i}${"X".repeat(8000)}` });
    assert.equal(res.status, 404);
    const body = await res.text();
    assert.ok(body.length < 400, `${body.length} characters`);
  }
  const metrics = await (await app.request("/metrics")).text();
  const series = metrics.split("\n").filter((l) =>
    l.startsWith("dropout_http_requests_total{") && l.includes('method="other"')
  );
  assert.deepEqual(series, [
    'dropout_http_requests_total{route="unmatched",method="other",status="404"} 50',
  ]);
  assert.ok(metrics.length < 20_000, `${metrics.length} characters`);
});

Deno.test("GET /v1/models/{file} gives 404 for the registry's own files", async () => {
  await Deno.writeTextFile(`${dir}/models/README.md`, "# models\n");
  for (const name of ["README.md", "active.json", `${ids[0]}.json`]) {
    const res = await app.request(`/v1/models/${name}`);
    assert.equal(res.status, 404, name);
    assert.match((await res.json()).error, /^Unknown model/);
  }
});

Deno.test("figures never read an upload and name no server path", async () => {
  const { app: bare, deps } = await testApp(dir, { dataPath: `${dir}/absent.csv` });
  // An admin's private upload is in the store; the public figures must not fall back to it.
  await deps.datasets.add(await Deno.readFile(DATA_PATH), "private.csv");
  assert.ok(await deps.datasets.latest());
  const res = await bare.request("/v1/visualize/Age");
  assert.equal(res.status, 503);
  const text = await res.text();
  assert.match(JSON.parse(text).error, /^No figure data: /);
  assert.ok(!text.includes(dir) && !text.includes("/"), text);
});

Deno.test("public figures leave out groups of fewer than 10 students", async () => {
  const body = await (await app.request("/v1/visualize/Age")).json();
  const [negative, positive] = body.figure.data;
  negative.x.forEach((label: string, i: number) => {
    const n = (negative.y[i] ?? 0) + (positive.y[i] ?? 0);
    assert.ok(n === 0 || n >= 10, `Age ${label}: a group of ${n}`);
  });
  assert.ok(negative.y.includes(null), "the data set has ages held by fewer than 10 students");
});

Deno.test("every answer, error or page, carries hono's secure headers for the server's policy", async () => {
  const expected = await secureHeaderList(false);
  assert.ok(expected.some(([name]) => name === "content-security-policy"));
  assert.ok(expected.some(([name]) => name === "x-content-type-options"));
  const answers = [
    await predict(),
    await app.request("/v1/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    }),
    await app.request("/nope"),
    await app.request("/js/api.js"),
  ];
  for (const res of answers) {
    await res.body?.cancel();
    for (const [name, value] of expected) assert.equal(res.headers.get(name), value, name);
    assert.equal(res.headers.get("x-powered-by"), null);
  }
  assert.equal(answers[1].status, 400);
});
