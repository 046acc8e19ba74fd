import assert from "node:assert/strict";
import { idColumns, ranked, toScored } from "./batch.js";
import { CsvParser, recordAt, sniffSeparator } from "./csv.js";

const SCORED =
  "row,Student_ID,probability,at_risk,band,imputed,warning,baseline,reason_1,reason_2,error\n" +
  "1,S1,0.213142,true,high,,,0.154,Grade_2 = 8 raises risk +12.3 pts,Age = 19 raises risk +2.0 pts,\n" +
  '2,"S,2",0.042835,false,low,Grade_2 Age,Imputed inputs carry 60 %,0.154,School = GP lowers risk −2.8 pts,,\n' +
  '3,S3,,,,,,,,,"Row 3, column ""Age"": ""abc"", expected an integer 15–22"\n';

Deno.test("toScored() and ranked() read rows by the header and order them by risk, errors apart", () => {
  const parser = new CsvParser();
  const [header, ...records] = [...parser.push(SCORED), ...parser.end()];
  assert.deepEqual(idColumns(header), ["Student_ID"]);
  const rows = records.map((r) => toScored(r, header));
  assert.deepEqual(rows[1], {
    row: 2,
    ids: ["S,2"],
    probability: 0.042835,
    band: "low",
    imputed: "Grade_2 Age",
    warning: "Imputed inputs carry 60 %",
    reasons: ["School = GP lowers risk −2.8 pts"],
    error: "",
  });
  assert.deepEqual(rows[0].reasons.length, 2);
  assert.match(rows[2].error, /^Row 3/);
  assert.deepEqual(ranked(rows, "").shown.map((r) => r.row), [1, 2]);
  assert.deepEqual(ranked(rows, "low"), { shown: [rows[1]], matching: 1 });
  assert.deepEqual(ranked(rows, "", 1).matching, 2);
});

Deno.test("recordAt() reads one row of a comma, semicolon or tab file by its number", async () => {
  assert.equal(sniffSeparator("a;b;c"), ";");
  assert.equal(sniffSeparator("a\tb"), "\t");
  assert.equal(sniffSeparator('"x;y",b'), ",");
  for (const sep of [",", ";", "\t"]) {
    const file = new Blob([
      `\uFEFFid${sep}Age${sep}School\n\nS1${sep}17${sep}GP\nS2${sep}${sep}MS\n`,
    ]);
    assert.deepEqual(await recordAt(file, 2), { id: "S2", School: "MS" });
    assert.equal(await recordAt(file, 3), undefined);
  }
});
