import assert from "node:assert/strict";
import { ranked, toScored } from "./batch.js";
import { CsvParser } from "./csv.js";

const SCORED =
  "row,Student_ID,probability,at_risk,band,imputed,error\n1,S1,0.213142,true,high,,\n" +
  '2,"S,2",0.042835,false,low,Grade_2 Age,\n' +
  '3,S3,,,,,"Row 3, column ""Age"": ""abc"", expected an integer 15–22"\n';

Deno.test("toScored() and ranked() order scored rows by risk and keep errors apart", () => {
  const parser = new CsvParser();
  const [, ...records] = [...parser.push(SCORED), ...parser.end()];
  const rows = records.map(toScored);
  assert.deepEqual(rows[1], {
    row: 2,
    ids: ["S,2"],
    probability: 0.042835,
    band: "low",
    imputed: "Grade_2 Age",
    error: "",
  });
  assert.match(rows[2].error, /^Row 3/);
  assert.deepEqual(ranked(rows, "").shown.map((r) => r.row), [1, 2]);
  assert.deepEqual(ranked(rows, "low"), { shown: [rows[1]], matching: 1 });
  assert.deepEqual(ranked(rows, "", 1).matching, 2);
});
