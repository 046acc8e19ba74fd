import assert from "node:assert/strict";
import { DATA_PATH, shiftedCsv, STUDENT, testApp, trainedRegistry } from "../_testing.ts";

const { dir, ids } = await trainedRegistry(5);
const { app, deps } = await testApp(dir, { adminToken: "t0ken" });
const auth = { Authorization: "Bearer t0ken" };

async function upload(text: string): Promise<string> {
  const res = await app.request("/v1/datasets?name=drift.csv", {
    method: "POST",
    headers: { ...auth, "content-type": "text/csv" },
    body: text,
  });
  assert.ok(res.status === 201 || res.status === 200, await res.clone().text());
  return (await res.json()).dataset.id;
}

Deno.test("GET /v1/datasets/{id}/drift flags the shifted upload's two inputs against the active model", async (t) => {
  const id = await upload(await shiftedCsv());
  await t.step("the shifted copy: Age and Number_of_Absences", async () => {
    const res = await app.request(`/v1/datasets/${id}/drift`, { headers: auth });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.model, ids[0]);
    assert.equal(body.dataset, id);
    assert.equal(body.rows, 649);
    assert.deepEqual([...body.drifted].sort(), ["Age", "Number_of_Absences"]);
  });
  await t.step("the training data: none", async () => {
    const same = await upload(await Deno.readTextFile(DATA_PATH));
    const body = await (await app.request(`/v1/datasets/${same}/drift?model=${ids[0]}`, {
      headers: auth,
    })).json();
    assert.deepEqual(body.drifted, []);
  });
  await t.step("it needs the admin token, as datasets do", async () => {
    assert.equal((await app.request(`/v1/datasets/${id}/drift`)).status, 401);
  });
  await t.step("an unknown dataset is 404, profile and model together 400", async () => {
    const unknown = await app.request(`/v1/datasets/${"0".repeat(64)}/drift`, { headers: auth });
    assert.equal(unknown.status, 404);
    const both = await app.request(`/v1/datasets/${id}/drift?profile=early-A&model=${ids[0]}`, {
      headers: auth,
    });
    assert.equal(both.status, 400);
  });
});

Deno.test("POST /v1/drift reports the rows a batch would score, leaving out those it cannot", async () => {
  const text = await shiftedCsv();
  const bad = text.replace(/\n([^\n]*)\n/, "\nnot,a,row\n");
  const res = await app.request("/v1/drift?profile=early-A", {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: bad,
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.rows, 648);
  assert.equal(body.skipped, 1);
  assert.deepEqual([...body.drifted].sort(), ["Age", "Number_of_Absences"]);

  const ndjson = await app.request("/v1/drift", {
    method: "POST",
    headers: { "content-type": "application/x-ndjson" },
    body: JSON.stringify(STUDENT) + "\n",
  });
  assert.equal(ndjson.status, 200);
  assert.equal((await ndjson.json()).rows, 1);
  const none = await app.request("/v1/drift", {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: "Age\nabc\n",
  });
  assert.equal(none.status, 422);
});

Deno.test("a model saved before drift statistics still serves, and its drift report is 409", async () => {
  const file = `${dir}/models/${ids[0]}/metadata.json`;
  const { distributions: _, ...old } = JSON.parse(await Deno.readTextFile(file));
  await Deno.writeTextFile(file, JSON.stringify(old));
  const { app: oldApp } = await testApp(dir, { adminToken: "t0ken" });
  const predicted = await oldApp.request("/v1/predict", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(STUDENT),
  });
  assert.equal(predicted.status, 200);
  assert.equal((await predicted.json()).model, ids[0]);
  const res = await oldApp.request("/v1/drift", {
    method: "POST",
    headers: { "content-type": "application/x-ndjson" },
    body: JSON.stringify(STUDENT) + "\n",
  });
  assert.equal(res.status, 409);
  assert.match((await res.json()).error, /predates drift statistics/);
  deps.models.close();
});
