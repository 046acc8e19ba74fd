import assert from "node:assert/strict";
import { SEED_STUDENT, STUDENT, testApp, trainedRegistry } from "../_testing.ts";

const { dir } = await trainedRegistry();
const { app } = await testApp(dir, { adminToken: "t0ken" });
const post = (path: string, body: string, type?: string) =>
  app.request(path, {
    method: "POST",
    headers: type === undefined ? {} : { "content-type": type },
    body,
  });

Deno.test("POST /v1/predict reads a body as JSON only when its type says so", async (t) => {
  for (
    const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"]
  ) {
    await t.step(`${type} → 415`, async () => {
      const res = await post("/v1/predict", JSON.stringify(STUDENT), type);
      assert.equal(res.status, 415);
      assert.match(
        (await res.json()).error,
        /Unsupported content type .*expected application\/json/,
      );
    });
  }
  for (
    const type of ["application/json", "application/json; charset=utf-8", "application/vnd.x+json"]
  ) {
    await t.step(`${type} → 200`, async () => {
      const res = await post("/v1/predict", JSON.stringify(STUDENT), type);
      assert.equal(res.status, 200, await res.clone().text());
      await res.body?.cancel();
    });
  }
  await t.step("the same rule on POST /v1/models/train, after the token", async () => {
    const res = await app.request("/v1/models/train", {
      method: "POST",
      headers: { authorization: "Bearer t0ken", "content-type": "text/plain" },
      body: "{}",
    });
    assert.equal(res.status, 415);
    await res.body?.cancel();
  });
});

Deno.test("POST /v1/predict answers 422 naming the inputs when a student gives none of them", async (t) => {
  await t.step("only fields the model does not know", async () => {
    const res = await post("/v1/predict", '{"Favourite_Colour":"blue"}', "application/json");
    assert.equal(res.status, 422);
    const body = await res.json();
    assert.match(body.error, /none of the inputs this model reads was given \(School, Gender, Age/);
    assert.ok(body.issues.some((i: { field: string }) => i.field === "Grade_2"));
  });
  await t.step("a __proto__ key carries no inputs in", async () => {
    const narrow = await trainedRegistry(20, {
      hidden: [],
      cuts: 1,
      select: 1,
      classWeight: "none",
    });
    const { app: other } = await testApp(narrow.dir);
    const res = await other.request("/v1/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"__proto__": {"Grade_2": 5}, "Age": 16}',
    });
    assert.equal(res.status, 422);
    const body = await res.json();
    assert.deepEqual(body.issues.map((i: { field: string }) => i.field), ["Grade_2"]);
    assert.match(body.error, /\(Grade_2\)/);
  });
  await t.step("one empty student among many is named by its row", async () => {
    const res = await post(
      "/v1/predict",
      JSON.stringify({ students: [STUDENT, { Age: null, School: " " }] }),
      "application/json",
    );
    assert.equal(res.status, 422);
    const body = await res.json();
    assert.ok(body.issues.every((i: { row: number }) => i.row === 2));
  });
});

Deno.test("POST /v1/predict warns when imputed inputs carry most of the model's weight", async () => {
  // The seed model leans on Final_Grade, the leak: without it the answer is the average student.
  const { Final_Grade: _, ...rest } = SEED_STUDENT;
  const res = await post("/v1/predict?profile=seed", JSON.stringify(rest), "application/json");
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(body.imputed, ["Final_Grade"]);
  assert.match(body.warning, /^Imputed inputs carry \d+ % of this model's weight .*: Final_Grade;/);
  const whole = await post(
    "/v1/predict?profile=seed",
    JSON.stringify(SEED_STUDENT),
    "application/json",
  );
  assert.equal((await whole.json()).warning, undefined);
  const { Study_Time: __, ...light } = SEED_STUDENT;
  const minor = await post("/v1/predict?profile=seed", JSON.stringify(light), "application/json");
  const answer = await minor.json();
  assert.deepEqual([answer.imputed, answer.warning], [["Study_Time"], undefined]);
});

Deno.test("POST /v1/datasets refuses a JSON body with 415, as batch does", async () => {
  const res = await app.request("/v1/datasets", {
    method: "POST",
    headers: { authorization: "Bearer t0ken", "content-type": "application/json" },
    body: '{"School":"GP"}',
  });
  assert.equal(res.status, 415);
  assert.match((await res.json()).error, /expected text\/csv or multipart\/form-data/);
});
