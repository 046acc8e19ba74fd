import assert from "node:assert/strict";
import { INPUT_LIMITS } from "../../pipeline/mod.ts";
import { STUDENT, testApp, trainedRegistry } from "../_testing.ts";

const { dir } = await trainedRegistry(5);
const { app } = await testApp(dir);
const names = Object.keys(STUDENT);
const values = Object.values(STUDENT).map(String);
const batch = (body: string, type = "text/csv") =>
  app.request("/v1/predict/batch", { method: "POST", headers: { "content-type": type }, body });

Deno.test("POST /v1/predict/batch neutralises formula cells and headers in its CSV", async () => {
  const csv = `${names.join(",")},"=HYPERLINK(""http://x"",""y"")",id\n` +
    `${values.join(",")},"=cmd|' /C calc'!A0",-3.5\n${values.join(",")},@SUM(A1),+1+A1\n`;
  const res = await batch(csv);
  assert.equal(res.status, 200);
  const lines = (await res.text()).trim().split("\n");
  assert.match(lines[0], /^row,"'=HYPERLINK\(""http:\/\/x"",""y""\)",id,probability/);
  assert.match(lines[1], /^1,'=cmd\|' \/C calc'!A0,-3\.5,0\.\d+,/);
  assert.match(lines[2], /^2,'@SUM\(A1\),'\+1\+A1,0\.\d+,/);
});

Deno.test("POST /v1/predict/batch refuses an oversized header at once", async (t) => {
  await t.step("200,000 extra columns: 422 within a few scorings of one row", async () => {
    // The baseline, measured here: a one-row batch. The refusal reads only the header.
    let t0 = performance.now();
    await (await batch(`${names.join(",")}\n${values.join(",")}\n`)).text();
    const baseline = performance.now() - t0;
    const extra = Array.from({ length: 200_000 }, (_, i) => `x${i}`);
    t0 = performance.now();
    const res = await batch(`${[...names, ...extra].join(",")}\n${values.join(",")}\n`);
    const ms = performance.now() - t0;
    assert.equal(res.status, 422);
    assert.match((await res.json()).error, /^Too many columns: a record has at most 512 fields/);
    assert.ok(ms < 20 * baseline + 500, `${ms} ms against a one-row batch's ${baseline} ms`);
  });
  await t.step("a repeated 5 MB column name: 413 (the line bound), the body small", async () => {
    const long = "n".repeat(5_000_000);
    const res = await batch(`${names.join(",")},${long},${long}\n${values.join(",")},1,2\n`);
    assert.equal(res.status, 413);
    assert.ok((await res.text()).length < 500);
  });
  await t.step("a repeated 10,000-character name: 422 naming it cut", async () => {
    const long = "m".repeat(10_000);
    const res = await batch(`${names.join(",")},${long},${long}\n${values.join(",")},1,2\n`);
    assert.equal(res.status, 422);
    const text = await res.text();
    assert.match(JSON.parse(text).error, /^Invalid CSV header: column names are at most 128/);
    assert.ok(text.length < 1000, `${text.length} characters`);
    assert.equal(JSON.parse(text).issues.length, 1, "each name once");
  });
  await t.step("a repeated name within the bounds is named, cut to the name limit", async () => {
    const long = "r".repeat(INPUT_LIMITS.nameChars);
    const res = await batch(`${names.join(",")},${long},${long}\n${values.join(",")},1,2\n`);
    assert.equal(res.status, 422);
    const body = await res.json();
    assert.equal(body.error, `Invalid CSV header: repeated ${long}`);
    assert.ok(JSON.stringify(body).length < 2000);
  });
  await t.step("a first NDJSON line past the line bound: 413 before anything is sent", async () => {
    const res = await batch(
      `{"Age":"${"9".repeat(INPUT_LIMITS.lineChars)}"}\n`,
      "application/x-ndjson",
    );
    assert.equal(res.status, 413);
    assert.match(
      (await res.json()).error,
      new RegExp(`^Line too long: a record takes at most ${INPUT_LIMITS.lineChars} characters`),
    );
  });
  await t.step(
    "a later NDJSON line past the bound ends the stream with an error entry",
    async () => {
      const ok = JSON.stringify(STUDENT);
      const res = await batch(
        `${ok}\n${ok}\n{"x":"${"9".repeat(INPUT_LIMITS.lineChars)}"}\n${ok}\n`,
        "application/x-ndjson",
      );
      assert.equal(res.status, 200);
      const rows = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
      assert.equal(rows.length, 3);
      assert.equal(rows[2].row, 3);
      assert.match(rows[2].error, /^Line too long/);
    },
  );
});

Deno.test("POST /v1/predict/batch refuses a row that gives none of the model's inputs, as /v1/predict does", async () => {
  const ndjson = `${JSON.stringify(STUDENT)}\n{}\n${
    JSON.stringify({ Favourite_Colour: "blue" })
  }\n`;
  const res = await batch(ndjson, "application/x-ndjson");
  assert.equal(res.status, 200);
  const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.equal(typeof lines[0].probability, "number");
  for (const [k, line] of lines.slice(1).entries()) {
    assert.match(line.error, new RegExp(`^Row ${k + 2}: none of the inputs this model reads`));
    assert.equal(line.probability, undefined);
  }
  const single = await app.request("/v1/predict", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  assert.equal(single.status, 422);
});
