import assert from "node:assert/strict";
import {
  column,
  type Dataset,
  datasetDrift,
  deriveSeed,
  loadDataset,
  loadSpec,
  mulberry32,
  resolveDataPath,
  sampleIndices,
  shuffleInPlace,
  takeRows,
  trainingDistributions,
} from "../mod.ts";

const spec = await loadSpec("data/specs/student_dropout.json");
const data = await loadDataset(resolveDataPath(), spec);
const features = spec.profiles["early-A"].features.map((f) => column(spec, f));
const model = { id: "training-file", distributions: trainingDistributions(data, features) };

Deno.test("drift reports on 100 random samples of the training file raise an alarm on at most 5 %", async (t) => {
  for (const size of [50, 200, 1000]) {
    await t.step(`${size} rows`, () => {
      const rng = mulberry32(deriveSeed(7, size));
      let alarms = 0;
      const seen: string[] = [];
      for (let s = 0; s < 100; s++) {
        // Without replacement where the file has enough rows, with it for 1,000 of 649.
        const rows = size <= data.rows
          ? shuffleInPlace(Array.from({ length: data.rows }, (_, i) => i), rng).slice(0, size)
          : sampleIndices(data.rows, size, rng);
        const report = datasetDrift(model, takeRows(data, rows));
        if (report.drifted.length > 0) {
          alarms++;
          seen.push(report.drifted.join(","));
        }
      }
      if (Deno.env.get("DRIFT_ALARMS")) console.log(`${size} rows: ${alarms} of 100 samples`);
      assert.ok(alarms <= 5, `${alarms} of 100 samples of ${size} rows raised an alarm: ${seen}`);
    });
  }
});

Deno.test("the shifted copy (Age + 3, absences × 3 + 4) is flagged on exactly those two inputs", () => {
  const cells = { ...data.cells };
  cells.Age = data.cells.Age.map((a) => (typeof a === "number" ? a + 3 : a));
  cells.Number_of_Absences = data.cells.Number_of_Absences.map((a) =>
    typeof a === "number" ? a * 3 + 4 : a
  );
  const shifted: Dataset = { ...data, cells };
  const report = datasetDrift(model, shifted);
  assert.deepEqual([...report.drifted].sort(), ["Age", "Number_of_Absences"]);
  assert.equal(report.too_few_rows, false);
});
