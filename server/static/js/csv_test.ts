import assert from "node:assert/strict";
import { countLines, CsvParser, safeCsv, safeField } from "./csv.js";

const SCORED =
  "row,Student_ID,probability,at_risk,band,imputed,error\n1,S1,0.213142,true,high,,\n" +
  '2,"S,2",0.042835,false,low,Grade_2 Age,\n' +
  '3,S3,,,,,"Row 3, column ""Age"": ""abc"", expected an integer 15–22"\n';

Deno.test("CsvParser reads quoted fields the same whatever the chunk boundaries", async (t) => {
  const whole = new CsvParser();
  const expected = [...whole.push(SCORED), ...whole.end()];
  assert.equal(expected.length, 4);
  assert.deepEqual(expected[2], ["2", "S,2", "0.042835", "false", "low", "Grade_2 Age", ""]);
  assert.equal(expected[3][6], 'Row 3, column "Age": "abc", expected an integer 15–22');
  await t.step("split at every position, including inside quotes and doubled quotes", () => {
    for (let at = 0; at <= SCORED.length; at++) {
      const parser = new CsvParser();
      const records = [
        ...parser.push(SCORED.slice(0, at)),
        ...parser.push(SCORED.slice(at)),
        ...parser.end(),
      ];
      assert.deepEqual(records, expected, `split at ${at}`);
    }
  });
  await t.step("CRLF line ends, blank lines and a last line without a newline", () => {
    const parser = new CsvParser();
    const records = [...parser.push('a,b\r\n\r\n"x\r\ny",2'), ...parser.end()];
    assert.deepEqual(records, [["a", "b"], ["x\r\ny", "2"]], "a quoted field keeps its bytes");
  });
});

Deno.test("countLines() counts lines with or without a final newline", async () => {
  assert.equal(await countLines(new Blob(["a\nb\nc\n"])), 3);
  assert.equal(await countLines(new Blob(["a\nb\nc"])), 3);
  assert.equal(await countLines(new Blob([])), 0);
});

Deno.test("safeCsv() neutralises formula cells of the download, once", async (t) => {
  const scored = 'row,=HYPERLINK("http://x"),probability,error\n' +
    '1,=cmd|\' /C calc\'!A0,0.5,\n2,-3.5,0.25,\n3,"@SUM(A1),x",,"+1+A1"\n4,\'=ok,0.1,\n';
  const expected = 'row,"\'=HYPERLINK(""http://x"")",probability,error\n' +
    "1,'=cmd|' /C calc'!A0,0.5,\n2,-3.5,0.25,\n3,\"'@SUM(A1),x\",,'+1+A1\n4,'=ok,0.1,\n";
  await t.step("header and cells starting with = + - @ get a quote; numbers do not", () => {
    for (const at of [0, 7, 40, scored.length]) {
      assert.equal(safeCsv([scored.slice(0, at), scored.slice(at)]).join(""), expected);
    }
  });
  await t.step("a second pass changes nothing", () => {
    assert.equal(safeCsv([expected]).join(""), expected);
  });
  await t.step("tab and carriage return starts are neutralised too", () => {
    assert.equal(safeField("\t=1"), "'\t=1");
    assert.equal(safeField("\r=1"), '"\'\r=1"');
  });
});
