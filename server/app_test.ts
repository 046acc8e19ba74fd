import assert from "node:assert/strict";
import { tensorCount } from "../pipeline/mod.ts";
import { createApp } from "./app.ts";
import type { MicroBatcher } from "./serving/mod.ts";
import { SEED_STUDENT, STUDENT, testApp, trainedRegistry } from "./_testing.ts";

const { dir, ids } = await trainedRegistry();
const { app, deps, logger } = await testApp(dir, { adminToken: "t0ken" });
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

Deno.test("POST /v1/predict scores one student with the default profile's model", async () => {
  const res = await app.request("/v1/predict", json(STUDENT));
  assert.equal(res.status, 200);
  assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  const body = await res.json();
  assert.equal(body.model, ids[0]);
  assert.equal(body.profile, "early-A");
  assert.ok(body.probability >= 0 && body.probability <= 1);
  assert.equal(body.at_risk, body.probability >= body.threshold);
  assert.ok(["low", "medium", "high"].includes(body.band));
  assert.deepEqual(body.imputed, []);
});

Deno.test("POST /v1/predict explains each prediction with its top reasons", async (t) => {
  await t.step("five reasons by default, largest contribution first", async () => {
    const body = await (await app.request("/v1/predict", json(STUDENT))).json();
    assert.equal(body.reasons.length, 5);
    for (const r of body.reasons) {
      assert.equal(r.value, STUDENT[r.feature as keyof typeof STUDENT]);
      assert.equal(r.direction, r.contribution >= 0 ? "raises" : "lowers");
    }
    const sizes = body.reasons.map((r: { contribution: number }) => Math.abs(r.contribution));
    assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a));
  });
  await t.step("?reasons=N asks for more, ?reasons=0 for none", async () => {
    const more = await (await app.request("/v1/predict?reasons=12", json(STUDENT))).json();
    assert.equal(more.reasons.length, 12);
    const none = await (await app.request("/v1/predict?reasons=0", json(STUDENT))).json();
    assert.equal(none.reasons, undefined);
  });
  await t.step("a bad count is a 400 naming the parameter", async () => {
    const res = await app.request("/v1/predict?reasons=many", json(STUDENT));
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(await res.json()), /reasons/);
  });
});

Deno.test("POST /v1/predict lists the fields it ignored beside the ones it imputed", async () => {
  const { Age, ...rest } = STUDENT;
  const res = await app.request("/v1/predict", json({ ...rest, age: Age, Final_Grade: 12 }));
  assert.equal(res.status, 200);
  const p = await res.json();
  assert.deepEqual(p.imputed, ["Age"]);
  assert.deepEqual(
    p.ignored,
    ["age", "Final_Grade"],
    "a typo and a leak column early-A does not read",
  );
  const clean = await (await app.request("/v1/predict", json(STUDENT))).json();
  assert.deepEqual(clean.ignored, []);
});

Deno.test("POST /v1/predict lists the fields a model with feature selection does not read", async () => {
  const narrow = await trainedRegistry(20, { hidden: [], cuts: 1, select: 1, classWeight: "none" });
  const { app: other } = await testApp(narrow.dir);
  const p = await (await other.request("/v1/predict?reasons=33", json(STUDENT))).json();
  assert.deepEqual(
    p.reasons.map((r: { feature: string; value: unknown }) => [r.feature, r.value]),
    [["Grade_2", STUDENT.Grade_2]],
  );
  assert.deepEqual(p.ignored, Object.keys(STUDENT).filter((k) => k !== "Grade_2"));
  const moved = await (await other.request(
    "/v1/predict",
    json({ ...STUDENT, Grade_1: 19, Number_of_Failures: 3 }),
  )).json();
  assert.equal(moved.probability, p.probability, "an unread field does not move the estimate");
});

Deno.test("POST /v1/predict answers many students in order and lists imputed fields", async () => {
  const { Grade_2: _, ...partial } = STUDENT;
  const res = await app.request(
    "/v1/predict?profile=early-A",
    json({ students: [STUDENT, partial] }),
  );
  assert.equal(res.status, 200);
  const { predictions } = await res.json();
  assert.equal(predictions.length, 2);
  assert.deepEqual(predictions[1].imputed, ["Grade_2"]);
});

Deno.test("POST /v1/predict answers 422 naming each invalid field", async (t) => {
  await t.step("one student", async () => {
    const res = await app.request("/v1/predict", json({ ...STUDENT, Age: "abc", School: "XX" }));
    assert.equal(res.status, 422);
    const body = await res.json();
    assert.deepEqual(body.issues.map((i: { field: string }) => i.field).sort(), ["Age", "School"]);
    assert.match(body.issues.find((i: { field: string }) => i.field === "Age").expected, /15–22/);
  });
  await t.step("the second of two students", async () => {
    const res = await app.request("/v1/predict", json({ students: [STUDENT, { Age: 40 }] }));
    assert.equal(res.status, 422);
    const [issue] = (await res.json()).issues;
    assert.deepEqual([issue.row, issue.field], [2, "Age"]);
  });
  await t.step("a huge bad value comes back cut, with its length", async () => {
    const res = await app.request("/v1/predict", json({ ...STUDENT, School: "X".repeat(100_000) }));
    assert.equal(res.status, 422);
    const text = await res.text();
    assert.ok(text.length < 2_000, `${text.length} characters`);
    const [issue] = JSON.parse(text).issues;
    assert.equal(issue.value, `${"X".repeat(64)}… (100000 characters)`);
    assert.match(
      issue.message,
      /^Column "School": "X{64}… \(100000 characters\)", expected one of/,
    );
  });
});

Deno.test("POST /v1/predict answers 400 for malformed bodies and unknown profiles", async (t) => {
  const cases: [string, RequestInit, RegExp][] = [
    [
      "not JSON",
      { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" },
      /Malformed JSON body/,
    ],
    ["an array", json([STUDENT]), /expected an object of fields/],
    ["a nested value", json({ Age: { x: 1 } }), /Age/],
    ["students not an array", json({ students: 3 }), /students/],
    ["an empty students list", json({ students: [] }), /at least 1/],
    ["an extra envelope key", json({ students: [STUDENT], x: 1 }), /Unrecognized key|x/],
  ];
  for (const [name, init, pattern] of cases) {
    await t.step(name, async () => {
      const res = await app.request("/v1/predict", init);
      assert.equal(res.status, 400);
      const body = await res.json();
      assert.match(JSON.stringify(body), pattern);
    });
  }
  await t.step("an unknown profile", async () => {
    const res = await app.request("/v1/predict?profile=nope", json(STUDENT));
    assert.equal(res.status, 400);
    assert.match((await res.json()).error, /Unknown profile "nope": expected one of early-A/);
  });
  await t.step("a profile without an active model answers 503", async () => {
    const res = await app.request("/v1/predict?profile=early-C", json(STUDENT));
    assert.equal(res.status, 503);
  });
});

Deno.test("POST /v1/predict answers 413 past the body limit", async () => {
  const big = { students: Array.from({ length: 20_000 }, () => STUDENT) };
  const res = await app.request("/v1/predict", json(big));
  assert.equal(res.status, 413);
  assert.match((await res.json()).error, /Payload too large/);
});

Deno.test("POST /predict and /api/predict answer the original shape from JSON and forms", async (t) => {
  const forms: [string, () => RequestInit][] = [
    ["JSON", () => json(SEED_STUDENT)],
    ["urlencoded form", () => ({ method: "POST", body: new URLSearchParams(SEED_STUDENT) })],
    ["multipart form", () => {
      const form = new FormData();
      for (const [k, v] of Object.entries(SEED_STUDENT)) form.append(k, v);
      return { method: "POST", body: form };
    }],
  ];
  for (const path of ["/predict", "/api/predict"]) {
    for (const [name, init] of forms) {
      await t.step(`${path} with ${name}`, async () => {
        const res = await app.request(path, init());
        assert.equal(res.status, 200);
        const body = await res.json();
        assert.ok(body.prediction === 0 || body.prediction === 1);
        assert.equal(typeof body.probability, "number");
        assert.equal(body.model, ids[1]);
      });
    }
  }
  await t.step("a bad form field answers 422 naming it", async () => {
    const res = await app.request("/predict", {
      method: "POST",
      body: new URLSearchParams({ ...SEED_STUDENT, Final_Grade: "twenty" }),
    });
    assert.equal(res.status, 422);
    assert.equal((await res.json()).issues[0].field, "Final_Grade");
  });
});

Deno.test("POST /v1/predict/batch streams CSV with an error entry for a bad row", async () => {
  const header = Object.keys(STUDENT).join(",");
  const row = (over: Record<string, unknown>) => Object.values({ ...STUDENT, ...over }).join(",");
  const csv = [`student_id,${header}`, `a1,${row({})}`, `a2,${row({ Age: 99 })}`, `a3,${row({})}`]
    .join("\n");
  const res = await app.request("/v1/predict/batch", {
    method: "POST",
    headers: { "content-type": "text/csv", accept: "text/csv" },
    body: csv,
  });
  assert.equal(res.status, 200);
  const lines = (await res.text()).trim().split("\n");
  assert.equal(lines[0], "row,student_id,probability,at_risk,band,imputed,error");
  assert.equal(lines.length, 4);
  assert.match(lines[1], /^1,a1,0\.\d+,(true|false),(low|medium|high),,$/);
  assert.match(lines[2], /^2,a2,,,,,"Row 2, column ""Age"": ""99"", expected an integer 15–22"$/);
  assert.match(lines[3], /^3,a3,0\.\d+/);
});

Deno.test("POST /v1/predict/batch reads NDJSON and answers NDJSON", async () => {
  const body = [JSON.stringify(STUDENT), "{bad", JSON.stringify({ ...STUDENT, School: "XX" })]
    .join("\n");
  const res = await app.request("/v1/predict/batch?profile=early-A", {
    method: "POST",
    headers: { "content-type": "application/x-ndjson" },
    body,
  });
  assert.equal(res.headers.get("content-type"), "application/x-ndjson");
  const out = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(out[0].model, ids[0]);
  assert.equal(out[1].error, "Row 2: not valid JSON");
  assert.match(out[2].error, /Row 3, column "School"/);
});

Deno.test("POST /v1/predict/batch imputes absent columns, refuses a CSV of none and other types", async () => {
  let res = await app.request("/v1/predict/batch", {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: "Age,School\n17,GP\n",
  });
  assert.equal(res.status, 200);
  const [, row] = (await res.text()).split("\n");
  // The 30 absent inputs are imputed and listed, as for a JSON student with only two fields.
  assert.match(row, /^1,0\.\d{6},(true|false),\w+,Gender Address .*Grade_2,$/);
  res = await app.request("/v1/predict/batch", {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: "Shoe_Size\n42\n",
  });
  assert.equal(res.status, 422);
  const body = await res.json();
  assert.match(body.error, /none of the model's inputs/);
  assert.ok(body.issues.some((i: { field: string }) => i.field === "Grade_1"));
  res = await app.request("/v1/predict/batch", { method: "POST", body: "x" });
  assert.equal(res.status, 415);
  await res.body?.cancel();
});

Deno.test("admin routes answer 401 without the token and 403 when admin is disabled", async () => {
  for (const [path, method] of [["/v1/datasets", "POST"], ["/v1/datasets", "GET"]]) {
    const res = await app.request(path, { method, body: method === "POST" ? "x" : undefined });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="admin"');
    await res.body?.cancel();
  }
  const wrong = await app.request("/v1/models/train", json({}, { authorization: "Bearer nope" }));
  assert.equal(wrong.status, 401);
  const { app: closed } = await testApp(dir);
  for (const path of ["/v1/models/train", "/retrain", "/upload_train_data"]) {
    const res = await closed.request(path, json({}, { authorization: "Bearer t0ken" }));
    assert.equal(res.status, 403);
    assert.match((await res.json()).error, /^Admin disabled/);
  }
});

Deno.test("GET /v1/models, /v1/models/{id} and its evaluation describe the models", async () => {
  const list = await (await app.request("/v1/models")).json();
  assert.deepEqual(list.models.map((m: { id: string }) => m.id).sort(), [...ids].sort());
  const one = await (await app.request(`/v1/models/${ids[0]}`)).json();
  assert.equal(one.profile, "early-A");
  assert.equal(one.evaluation, undefined);
  const ev = await (await app.request(`/v1/models/${ids[0]}/evaluation`)).json();
  const m = ev.confusion_matrix.matrix;
  assert.equal(m[0][0] + m[0][1] + m[1][0] + m[1][1], ev.metrics.test.n);
  assert.ok(ev.roc.length > 2 && ev.pr.length > 2 && ev.calibration.length > 0);
  const missing = await app.request("/v1/models/nope/evaluation");
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("POST /evaluate answers the original classification report", async () => {
  const body = await (await app.request("/evaluate", { method: "POST" })).json();
  const r = body.classification_report;
  assert.deepEqual(Object.keys(r), ["False", "True", "accuracy", "macro avg", "weighted avg"]);
  assert.equal(body.y_pred.length, body.y_test.length);
  assert.equal(r.False.support + r.True.support, body.y_test.length);
  const [[tn, fp], [fn, tp]] = body.confusion_matrix;
  assert.equal(r.accuracy, (tn + tp) / (tn + fp + fn + tp));
});

Deno.test("system routes: health, ready, spec, OpenAPI, docs, page and metrics", async () => {
  assert.deepEqual(await (await app.request("/health")).json(), { status: "ok" });
  assert.equal((await app.request("/ready")).status, 200);
  const spec = await (await app.request("/v1/spec")).json();
  assert.equal(spec.profiles.seed.leaks[0], "Final_Grade");
  const doc = await (await app.request("/openapi.json")).json();
  assert.equal(doc.openapi, "3.1.0");
  for (const path of ["/v1/predict", "/v1/predict/batch", "/predict", "/v1/models/train"]) {
    assert.ok(doc.paths[path], path);
  }
  const predictParams = doc.paths["/v1/predict"].post.parameters.map((p: { name: string }) =>
    p.name
  );
  assert.deepEqual(predictParams, ["profile", "reasons"]);
  assert.ok(doc.components.schemas.Prediction.properties.reasons, "reasons are described");
  assert.match(await (await app.request("/docs")).text(), /swagger-ui-bundle\.js/);
  const bundle = await app.request("/docs/swagger-ui-bundle.js");
  assert.equal(bundle.status, 200);
  assert.ok((await bundle.arrayBuffer()).byteLength > 100_000);
  assert.match(await (await app.request("/")).text(), /href="\/docs"/);
  assert.equal((await app.request("/js/api.js")).status, 200);
  for (const source of ["/deno.json", "/js/csv_test.ts", "/js/../deno.json"]) {
    const res = await app.request(source);
    assert.equal(res.status, 404, `${source} is not part of the page`);
    await res.body?.cancel();
  }
  const metrics = await (await app.request("/metrics")).text();
  assert.match(
    metrics,
    /dropout_http_requests_total\{route="\/v1\/predict",method="POST",status="200"\} \d+/,
  );
  assert.match(
    metrics,
    /dropout_predictions_total\{profile="early-A",band="(low|medium|high)"\} \d+/,
  );
  assert.match(metrics, new RegExp(`dropout_active_model\\{profile="seed",model="${ids[1]}"\\} 1`));
  assert.ok(logger.lines.some((l) => l.msg === "Request" && typeof l.request_id === "string"));
});

Deno.test("10,000 predictions leave tf.memory().numTensors unchanged", async () => {
  await app.request("/v1/predict", json(STUDENT)); // warm up
  const before = tensorCount();
  for (let i = 0; i < 100; i++) {
    const batch = Array.from(
      { length: 100 },
      () => app.request("/v1/predict", json({ ...STUDENT, Age: 15 + (i % 8) })),
    );
    for (const res of await Promise.all(batch)) {
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
  }
  assert.equal(tensorCount(), before);
  assert.ok(deps.models.get("early-A"));
});

Deno.test("unexpected errors answer 500 with the request id and no internals", async () => {
  const failing = { score: () => Promise.reject(new Error("secret internals")) };
  const broken = createApp({ ...deps, batcher: failing as unknown as MicroBatcher });
  const res = await broken.request("/v1/predict", json(STUDENT));
  assert.equal(res.status, 500);
  const body = await res.json();
  assert.deepEqual(Object.keys(body).sort(), ["error", "request_id"]);
  assert.doesNotMatch(JSON.stringify(body), /secret/);
  assert.ok(logger.lines.some((l) => l.level === "error" && l.request_id === body.request_id));
});
