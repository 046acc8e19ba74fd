import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type ColumnSpec,
  loadSpec,
  type Predictor,
  Registry,
  SchemaError,
  tensorCount,
} from "../../pipeline/mod.ts";
import { SPEC_PATH, testApp } from "../../server/_testing.ts";
import { fixture, FULL, report } from "./_harness.ts";
import { allowedStudent, forbiddenStudent, missingFields } from "./_records.ts";

const SEED = 20261126;
const RUNS = FULL ? 10_000 : 1000;
const HTTP_RUNS = FULL ? 2000 : 200;

const spec = await loadSpec(SPEC_PATH);
const { dir, ids } = await fixture();
const registry = new Registry(`${dir}/models`);
const { app } = await testApp(dir);

function columnsOf(predictor: Predictor): ColumnSpec[] {
  return predictor.features;
}

Deno.test("any student the spec allows is preprocessed and scored, with a probability in [0, 1]", async (t) => {
  const predictors = await Promise.all(ids.map((id) => registry.load(id)));
  const before = tensorCount();
  let checked = 0;
  try {
    for (const predictor of predictors) {
      await t.step(`${predictor.profile}: in-process, ${RUNS} students`, () => {
        const columns = columnsOf(predictor);
        fc.assert(
          fc.property(allowedStudent(columns), (student) => {
            const rows = predictor.read([student], { allowExtra: false });
            const encoded = predictor.preprocessor.transformRow(rows[0]);
            assert.ok(encoded.vector.every(Number.isFinite), "every encoded value is finite");
            const [p] = predictor.predict(rows);
            assert.ok(p.probability >= 0 && p.probability <= 1, `probability ${p.probability}`);
            assert.equal(p.at_risk, p.probability >= p.threshold);
            assert.deepEqual(p.imputed, missingFields(student, columns));
            checked++;
          }),
          { seed: SEED, numRuns: RUNS },
        );
      });
    }
    assert.equal(tensorCount(), before, "predictions leave no tensors behind");
  } finally {
    for (const p of predictors) p.dispose();
  }

  for (const profile of ["early-A", "seed"]) {
    await t.step(`${profile}: POST /v1/predict, ${HTTP_RUNS} students`, async () => {
      const columns = spec.profiles[profile].features.map((f) =>
        spec.columns.find((c) => c.name === f)!
      );
      const loaded = await registry.load(ids[["early-A", "seed"].indexOf(profile)]);
      const used = loaded.usedFeatures;
      loaded.dispose();
      await fc.assert(
        fc.asyncProperty(allowedStudent(columns), async (student) => {
          const res = await app.request(`/v1/predict?profile=${profile}&reasons=0`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(student),
          });
          const body = await res.json();
          const missing = missingFields(student, columns);
          if (used.every((f) => missing.includes(f))) {
            // None of the inputs the model reads: refused, naming them.
            assert.equal(res.status, 422, JSON.stringify(body));
            assert.deepEqual(body.issues.map((i: { field: string }) => i.field), used);
            checked++;
            return;
          }
          assert.equal(res.status, 200, JSON.stringify(body));
          assert.ok(body.probability >= 0 && body.probability <= 1);
          assert.deepEqual(body.imputed, missingFields(student, columns));
          checked++;
        }),
        { seed: SEED, numRuns: HTTP_RUNS },
      );
    });
  }
  report(`property (allowed): ${checked} students scored, every probability in [0, 1]`);
});

Deno.test("any student with one field outside the spec is rejected, naming that field", async (t) => {
  const predictors = await Promise.all(ids.map((id) => registry.load(id)));
  let checked = 0;
  try {
    for (const predictor of predictors) {
      await t.step(`${predictor.profile}: Predictor.read, ${RUNS} students`, () => {
        fc.assert(
          fc.property(forbiddenStudent(columnsOf(predictor)), ({ student, field }) => {
            let error: unknown;
            try {
              predictor.read([student]);
            } catch (e) {
              error = e;
            }
            assert.ok(error instanceof SchemaError, `accepted ${field}=${student[field]}`);
            assert.deepEqual(error.issues.map((i) => i.column), [field]);
            assert.match(error.message, new RegExp(`\\b${field}\\b`));
            checked++;
          }),
          { seed: SEED, numRuns: RUNS },
        );
      });
    }
  } finally {
    for (const p of predictors) p.dispose();
  }

  for (const profile of ["early-A", "seed"]) {
    await t.step(`${profile}: POST /v1/predict answers 4xx naming the field`, async () => {
      const columns = spec.profiles[profile].features.map((f) =>
        spec.columns.find((c) => c.name === f)!
      );
      await fc.assert(
        fc.asyncProperty(forbiddenStudent(columns), async ({ student, field }) => {
          const res = await app.request(`/v1/predict?profile=${profile}&reasons=0`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(student),
          });
          const body = await res.json();
          assert.ok([400, 422].includes(res.status), `${res.status} ${JSON.stringify(body)}`);
          assert.deepEqual(body.issues.map((i: { field: string }) => i.field), [field]);
          assert.match(body.error, new RegExp(`\\b${field}\\b`));
          checked++;
        }),
        { seed: SEED, numRuns: HTTP_RUNS },
      );
    });
  }
  report(`property (forbidden): ${checked} students rejected, each naming its field`);
});
