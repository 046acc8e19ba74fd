import assert from "node:assert/strict";
import { loadSpec } from "../../pipeline/mod.ts";
import { DATA_PATH, SEED_STUDENT, SPEC_PATH, testApp, trainedRegistry } from "../_testing.ts";
import { classificationReport } from "./compat.ts";

Deno.test("classificationReport() matches scikit-learn's figures for a small case", () => {
  // truth 0 0 0 1 1, predicted 0 1 0 1 0: class 0 precision 2/3 recall 2/3; class 1 1/2, 1/2.
  const r = classificationReport([0, 0, 0, 1, 1], [0, 1, 0, 1, 0]);
  assert.deepEqual(r.False, {
    precision: 2 / 3,
    recall: 2 / 3,
    "f1-score": 2 / 3,
    support: 3,
  });
  assert.deepEqual(r.True, { precision: 0.5, recall: 0.5, "f1-score": 0.5, support: 2 });
  assert.equal(r.accuracy, 0.6);
  assert.equal(r["macro avg"].precision, (2 / 3 + 0.5) / 2);
  assert.equal(r["weighted avg"].recall, (3 * (2 / 3) + 2 * 0.5) / 5);
  assert.equal(r["weighted avg"].support, 5);
});

// The contract the original system's web page relies on, route by route.
const { dir } = await trainedRegistry();
const { app } = await testApp(dir, { adminToken: "t0ken" });
const spec = await loadSpec(SPEC_PATH);
const fields = spec.profiles.seed.features;

Deno.test("POST /predict and /api/predict require the original's 13 fields, in FastAPI's 422 shape", async (t) => {
  assert.equal(fields.length, 13);
  for (const path of ["/predict", "/api/predict"]) {
    await t.step(`${path}: an empty form lists every field as missing`, async () => {
      const res = await app.request(path, { method: "POST", body: new URLSearchParams() });
      assert.equal(res.status, 422);
      const body = await res.json();
      assert.deepEqual(
        body.detail,
        fields.map((f) => ({
          type: "missing",
          loc: ["body", f],
          msg: "Field required",
          input: null,
        })),
      );
      assert.match(body.message, /^Invalid student: Mother_Education, Father_Education/);
    });
    await t.step(
      `${path}: a partial JSON body lists the missing and the invalid fields`,
      async () => {
        const { Grade_1: _, Address: __, ...rest } = SEED_STUDENT;
        const res = await app.request(path, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ...rest, Final_Grade: "twenty", School: "XX" }),
        });
        assert.equal(res.status, 422);
        const { detail } = await res.json();
        assert.deepEqual(
          detail.map((d: { type: string; loc: string[] }) => [d.type, d.loc[1]]),
          [["missing", "Grade_1"], ["missing", "Address"], ["int_parsing", "Final_Grade"], [
            "value_error",
            "School",
          ]],
        );
        assert.equal(detail[2].input, "twenty");
      },
    );
    await t.step(
      `${path}: an empty form field counts as missing, as FastAPI reads it`,
      async () => {
        const res = await app.request(path, {
          method: "POST",
          body: new URLSearchParams({ ...SEED_STUDENT, Study_Time: "" }),
        });
        assert.equal(res.status, 422);
        assert.deepEqual((await res.json()).detail.map((d: { loc: string[] }) => d.loc[1]), [
          "Study_Time",
        ]);
      },
    );
  }
  await t.step(
    "a failing student is flagged, high risk, as the original's p > 0.5 flags them",
    async () => {
      const failing = { ...SEED_STUDENT, Grade_1: "5", Grade_2: "5", Final_Grade: "4" };
      const res = await app.request("/predict", {
        method: "POST",
        body: new URLSearchParams(failing),
      });
      const body = await res.json();
      assert.ok(body.probability > 0.5, `${body.probability}`);
      assert.deepEqual([body.prediction, body.at_risk, body.band], [1, true, "high"]);
      assert.ok(body.threshold <= 0.5, `threshold ${body.threshold}`);
    },
  );
  await t.step("a whole form still answers prediction 0 or 1 beside the probability", async () => {
    const res = await app.request("/predict", {
      method: "POST",
      body: new URLSearchParams(SEED_STUDENT),
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.prediction, body.probability >= body.threshold ? 1 : 0);
  });
});

Deno.test("the original routes' errors carry FastAPI's detail and the message the page shows", async (t) => {
  const { app: closed } = await testApp(dir);
  for (const path of ["/retrain", "/upload_train_data"]) {
    await t.step(`${path} with admin disabled: 403 with a message`, async () => {
      const res = await closed.request(path, { method: "POST" });
      assert.equal(res.status, 403);
      const body = await res.json();
      assert.match(body.message, /^Admin disabled: set ADMIN_TOKEN/);
      assert.equal(body.detail, body.message);
      assert.equal(body.error, body.message);
    });
    await t.step(`${path} without the token: 401 with a message`, async () => {
      const res = await app.request(path, { method: "POST" });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="admin"');
      assert.match((await res.json()).message, /^Unauthorized/);
    });
  }
  await t.step("/visualize of an unknown feature: 404 with a message", async () => {
    const res = await app.request("/visualize/Shoe_Size");
    assert.equal(res.status, 404);
    assert.match((await res.json()).detail, /^Unknown feature "Shoe_Size"/);
  });
  await t.step("the /v1 routes keep their own error shape", async () => {
    const res = await app.request("/v1/visualize/Shoe_Size");
    const body = await res.json();
    assert.deepEqual([body.detail, body.message], [undefined, undefined]);
  });
});

Deno.test("POST /evaluate gives y_pred and y_test as 0/1 integers, as scikit-learn did", async () => {
  const body = await (await app.request("/evaluate", { method: "POST" })).json();
  assert.ok(body.y_test.length > 50);
  for (const list of [body.y_pred, body.y_test]) {
    assert.ok(list.every((v: unknown) => v === 0 || v === 1), JSON.stringify(list.slice(0, 5)));
  }
  // The page counts correct predictions by comparing the two lists.
  const correct = body.y_pred.filter((p: number, i: number) => p === body.y_test[i]).length;
  assert.equal(correct / body.y_test.length, body.classification_report.accuracy);
  assert.ok(body.y_test.includes(1) && body.y_pred.includes(1));
});

Deno.test("GET /visualize/{feature} draws the figure as a base64 PNG beside it", async () => {
  const res = await app.request("/visualize/Number_of_Failures");
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(typeof body.interpretation, "string");
  assert.ok(Array.isArray(body.figure.data));
  const png = Uint8Array.from(atob(body.image), (ch) => ch.charCodeAt(0));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // IHDR: width and height, big-endian, right after the signature and the chunk header.
  const view = new DataView(png.buffer);
  assert.equal(String.fromCharCode(...png.subarray(12, 16)), "IHDR");
  assert.deepEqual([view.getUint32(16), view.getUint32(20)], [800, 600]);
  assert.ok(png.length > 10_000 && png.length < 500_000, `${png.length} bytes`);
  const v1 = await (await app.request("/v1/visualize/Number_of_Failures")).json();
  assert.equal(v1.image, undefined, "the /v1 route stays a figure");
});

Deno.test("POST /retrain answers 422 naming why for data that cannot train: one class, too few rows", async (t) => {
  const [header, ...rows] = (await Deno.readTextFile(DATA_PATH)).trimEnd().split("\n");
  const at = header.split(",").indexOf(spec.target.column);
  const positive = (line: string) => line.split(",")[at].trim() === spec.target.positive;
  const negatives = rows.filter((r) => !positive(r));
  const upload = async (lines: string[]) => {
    const form = new FormData();
    form.append("file", new File([[header, ...lines].join("\n") + "\n"], "one.csv"));
    const res = await app.request("/upload_train_data", {
      method: "POST",
      headers: { authorization: "Bearer t0ken" },
      body: form,
    });
    assert.equal(res.status, 200, await res.clone().text());
    await res.body?.cancel();
  };
  const retrain = async () => {
    const res = await app.request("/retrain", {
      method: "POST",
      headers: { authorization: "Bearer t0ken" },
    });
    return { status: res.status, body: await res.json() };
  };
  await t.step("every row with one label", async () => {
    await upload(negatives);
    const { status, body } = await retrain();
    assert.equal(status, 422);
    assert.match(body.error ?? body.detail, /one label .*both classes/);
  });
  await t.step("three rows of the positive class", async () => {
    await upload([...negatives, ...rows.filter(positive).slice(0, 3)]);
    const { status, body } = await retrain();
    assert.equal(status, 422);
    assert.match(body.error ?? body.detail, /too few rows, 3 positive/);
  });
});
