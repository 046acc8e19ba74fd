/**
 * The CSV rows of the bad-input corpus: training uploads (valid ones with a
 * BOM, CRLF, quoted fields or reordered columns; invalid ones with duplicate
 * headers, ragged rows, bad cells, binary bytes, …) and batch-scoring bodies
 * in CSV and NDJSON.
 *
 * @module
 */
import { mulberry32 } from "../../pipeline/mod.ts";
import { STUDENT } from "../../server/_testing.ts";
import {
  bytes,
  type Case,
  CSV_TYPE,
  type Expect,
  field,
  form,
  json,
  JSON_TYPE,
  MB,
  NDJSON,
  nested,
  student,
} from "./_corpus_kit.ts";
import { csvText, DATA_ROWS, DATA_TEXT, HEADER, reorderedColumns } from "./_harness.ts";

/** Training CSVs, valid and not, for both upload routes. */
export function uploadCsvs(): {
  name: string;
  body: string | Uint8Array;
  expect: Expect;
  match: RegExp;
}[] {
  const rows = DATA_ROWS.map((r) => [...r]);
  const at = (row: number, col: string, value: string) => {
    const copy = rows.map((r) => [...r]);
    copy[row][HEADER.indexOf(col)] = value;
    return csvText(copy);
  };
  const garbage = new Uint8Array(4096);
  const rng = mulberry32(7);
  for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(rng() * 256);
  const ok = /"dataset":\{"id":"[0-9a-f]{64}"|Training data uploaded/;
  return [
    { name: "the data set as it is", body: DATA_TEXT, expect: "2xx", match: ok },
    { name: "with a UTF-8 BOM", body: "\uFEFF" + DATA_TEXT, expect: "2xx", match: ok },
    { name: "CRLF line ends", body: csvText(rows, "\r\n"), expect: "2xx", match: ok },
    {
      name: "every field quoted",
      body: rows.map((r) => r.map((f) => `"${f}"`).join(",")).join("\n") + "\n",
      expect: "2xx",
      match: ok,
    },
    {
      name: "34 columns in another order",
      body: reorderedColumns(mulberry32(3)),
      expect: "2xx",
      match: ok,
    },
    {
      name: "a quoted comma inside a field (one field, not two)",
      body: at(1, "School", '"G,P"'),
      expect: 422,
      match: /Row 1, column \\"School\\": \\"G,P\\"/,
    },
    {
      name: "duplicate header",
      body: csvText(rows.map((r, i) => [...r, i === 0 ? "Age" : r[2]])),
      expect: 422,
      match: /header problems with Age/,
    },
    {
      name: "a short ragged row",
      body: csvText(rows.map((r, i) => i === 3 ? r.slice(0, -1) : r)),
      expect: 422,
      match: /do not have 34 fields.*"row":3/,
    },
    {
      name: "a long ragged row",
      body: csvText(rows.map((r, i) => i === 2 ? [...r, "x"] : r)),
      expect: 422,
      match: /do not have 34 fields.*"row":2/,
    },
    { name: "empty file", body: "", expect: 422, match: /the file is empty/ },
    { name: "blank lines only", body: "\n\r\n\n", expect: 422, match: /the file is empty/ },
    {
      name: "header only",
      body: DATA_ROWS[0].join(",") + "\n",
      expect: 422,
      match: /no data rows/,
    },
    { name: "binary garbage", body: garbage, expect: 422, match: /not UTF-8|binary/ },
    {
      name: "NUL bytes",
      body: DATA_TEXT.replace("GP", "G\u0000P"),
      expect: 422,
      match: /binary/,
    },
    {
      name: "Latin-1 bytes (not UTF-8)",
      body: bytes(DATA_TEXT.slice(0, 200), [0xe9], DATA_TEXT.slice(200)),
      expect: 422,
      match: /not UTF-8/,
    },
    {
      name: "UTF-16 with a BOM",
      body: bytes([0xff, 0xfe], [...DATA_TEXT.slice(0, 300)].flatMap((c) => [c.charCodeAt(0), 0])),
      expect: 422,
      match: /not UTF-8/,
    },
    {
      name: "a missing column",
      body: csvText(rows.map((r) => r.filter((_, i) => HEADER[i] !== "Grade_2"))),
      expect: 422,
      match: field("Grade_2"),
    },
    {
      name: "an unknown column",
      body: csvText(rows.map((r, i) => [...r, i === 0 ? "Shoe_Size" : "42"])),
      expect: 422,
      match: field("Shoe_Size"),
    },
    {
      name: "a non-integer age in row 5",
      body: at(5, "Age", "abc"),
      expect: 422,
      match: /Row 5, column \\"Age\\"/,
    },
    {
      name: "an out-of-range grade in row 7",
      body: at(7, "Grade_1", "21"),
      expect: 422,
      match: /Row 7, column \\"Grade_1\\"/,
    },
    {
      name: "an unknown category in row 4",
      body: at(4, "Mother_Job", "astronaut"),
      expect: 422,
      match: /Row 4, column \\"Mother_Job\\"/,
    },
    {
      name: "NaN in row 6",
      body: at(6, "Number_of_Absences", "NaN"),
      expect: 422,
      match: /Row 6, column \\"Number_of_Absences\\"/,
    },
    {
      name: "Infinity in row 8",
      body: at(8, "Age", "Infinity"),
      expect: 422,
      match: /Row 8, column \\"Age\\"/,
    },
    {
      name: "1e308 in row 9",
      body: at(9, "Grade_2", "1e308"),
      expect: 422,
      match: /Row 9, column \\"Grade_2\\"/,
    },
    {
      name: "a missing label in row 2",
      body: at(2, "Dropped_Out", ""),
      expect: 422,
      match: /Row 2, column \\"Dropped_Out\\"/,
    },
    {
      name: "an unknown label in row 3",
      body: at(3, "Dropped_Out", "maybe"),
      expect: 422,
      match: /Row 3, column \\"Dropped_Out\\"/,
    },
    {
      name: "a 1 MB cell in row 1",
      body: at(1, "School", "A".repeat(MB)),
      expect: 422,
      match: /Row 1, column \\"School\\"/,
    },
    {
      name: "a JSON body instead of CSV",
      body: student({}),
      expect: 422,
      match: /header problems/,
    },
  ];
}

/** Batch bodies (CSV and NDJSON), valid and not. */
export function batchCases(route: string): Case[] {
  const five = DATA_ROWS.slice(0, 6);
  const ok =
    /^row,probability,at_risk,band,imputed,warning,baseline,reason_1,reason_2,reason_3,error$/m;
  const post = (
    name: string,
    body: Case["body"],
    headers: Record<string, string>,
    expect: Expect,
    match: RegExp,
    path = "/v1/predict/batch",
  ): Case => ({ route, name, method: "POST", path, headers, body, expect, match });
  const cell = (row: number, col: string, value: string) =>
    csvText(five.map((r, i) => i === row ? r.map((f, j) => HEADER[j] === col ? value : f) : r));
  const garbage = new Uint8Array(2048);
  const rng = mulberry32(11);
  for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(rng() * 256);
  const record = Object.fromEntries(HEADER.map((h, i) => [h, DATA_ROWS[1][i]]));
  return [
    post("five rows", csvText(five), CSV_TYPE, 200, /^5,0\.\d{6},/m),
    post("with a BOM", "\uFEFF" + csvText(five), CSV_TYPE, 200, ok),
    post("CRLF line ends", csvText(five, "\r\n"), CSV_TYPE, 200, /^5,0\.\d{6},/m),
    post(
      "a quoted comma in an id column",
      csvText(five.map((r, i) => [...r, i === 0 ? "Name" : `"Doe, Jane ${i}"`])),
      CSV_TYPE,
      200,
      /^row,Name,probability/m,
    ),
    post(
      "34 columns in another order",
      reorderedColumns(mulberry32(5)).split("\n").slice(0, 6).join("\n") + "\n",
      CSV_TYPE,
      200,
      /^5,0\.\d{6},/m,
    ),
    post("header only", five[0].join(",") + "\n", CSV_TYPE, 200, ok),
    post(
      "duplicate header",
      csvText(five.map((r, i) => [...r, i === 0 ? "Age" : "17"])),
      CSV_TYPE,
      422,
      /repeated Age/,
    ),
    post(
      "a missing column (imputed in every row, as a missing JSON field is)",
      csvText(five.map((r) => r.filter((_, i) => HEADER[i] !== "Grade_2"))),
      CSV_TYPE,
      200,
      /^5,0\.\d{6},(true|false),\w+,1,[^\n]*,$/m,
    ),
    post(
      "a missing column, its name asked for (imputed=names)",
      csvText(five.map((r) => r.filter((_, i) => HEADER[i] !== "Grade_2"))),
      CSV_TYPE,
      200,
      /^5,0\.\d{6},(true|false),\w+,Grade_2,[^\n]*,$/m,
      "/v1/predict/batch?imputed=names",
    ),
    post(
      "a ragged row",
      csvText(five.map((r, i) => i === 2 ? r.slice(0, 33) : r)),
      { ...CSV_TYPE, accept: "application/x-ndjson" },
      200,
      /"row":2,"error":"Row 2: 33 fields, expected 34"/,
    ),
    post(
      "a bad age in row 1",
      cell(1, "Age", "abc"),
      { ...CSV_TYPE, accept: "application/x-ndjson" },
      200,
      /"row":1,"error":"Row 1, column \\"Age\\"/,
    ),
    post(
      "1e308 in row 3",
      cell(3, "Grade_1", "1e308"),
      { ...CSV_TYPE, accept: "application/x-ndjson" },
      200,
      /"row":3,"error":"Row 3, column \\"Grade_1\\"/,
    ),
    post(
      "a 1 MB cell in row 2",
      cell(2, "Mother_Job", "x".repeat(MB)),
      { ...CSV_TYPE, accept: "application/x-ndjson" },
      200,
      /"row":2,"error":"Row 2, column \\"Mother_Job\\"/,
    ),
    post(
      "a Latin-1 byte in row 1",
      bytes(csvText(five.slice(0, 1)), "G", [0xe9], csvText(five.slice(1)).slice(2)),
      { ...CSV_TYPE, accept: "application/x-ndjson" },
      200,
      /"row":1,"error":"Row 1, column \\"School\\"/,
    ),
    post("an empty body", "", CSV_TYPE, 400, /Empty CSV/),
    post("blank lines only", "\n\r\n\n", CSV_TYPE, 400, /Empty CSV/),
    post("binary garbage", garbage, CSV_TYPE, 422, /missing School/),
    post("NUL bytes in the header", "\u0000".repeat(64) + "\n1,2\n", CSV_TYPE, 422, /missing/),
    post("a JSON content type", json(STUDENT), JSON_TYPE, 415, /Unsupported content type/),
    post("no content type", bytes(csvText(five)), {}, 415, /Unsupported content type/),
    post("text/plain", csvText(five), { "content-type": "text/plain" }, 415, /content type/),
    post(
      "NDJSON: a line that is not JSON",
      json(record) + "\n{not json\n",
      NDJSON,
      200,
      /"row":2,"error":"Row 2: not valid JSON"/,
    ),
    post(
      "NDJSON: NaN in a line",
      '{"Age": NaN}\n',
      NDJSON,
      200,
      /"row":1,"error":"Row 1: not valid JSON"/,
    ),
    post(
      "NDJSON: an array line",
      "[1,2]\n",
      NDJSON,
      200,
      /"row":1,"error":"Row 1: expected a JSON object of fields"/,
    ),
    post(
      "NDJSON: a bad grade",
      json({ ...record, Grade_1: 99 }) + "\n",
      NDJSON,
      200,
      /"row":1,"error":"Row 1, column \\"Grade_1\\"/,
    ),
    post(
      "NDJSON: a deeply nested field",
      `{"Age":${nested(5000)}}\n`,
      NDJSON,
      200,
      /"row":1,"error":"Row 1, column \\"Age\\"/,
    ),
    post(
      "multipart without a file field",
      form({ data: "x" }),
      {},
      400,
      /field \\"file\\"/,
    ),
    post(
      "multipart without a boundary",
      "--x\r\n\r\n",
      { "content-type": "multipart/form-data" },
      400,
      /Malformed form body/,
    ),
    post(
      "a multipart CSV file",
      form({ file: new Blob([csvText(five)], { type: "text/csv" }) }),
      {},
      200,
      /^5,0\.\d{6},/m,
    ),
    post(
      "an unknown profile",
      csvText(five),
      CSV_TYPE,
      400,
      /Unknown profile \\"nope\\"/,
      "/v1/predict/batch?profile=nope",
    ),
    post(
      "profile=constructor (not an own key)",
      csvText(five),
      CSV_TYPE,
      400,
      /Unknown profile \\"constructor\\"/,
      "/v1/predict/batch?profile=constructor",
    ),
    {
      route,
      name: "a declared 600 MB body",
      method: "POST",
      path: "/v1/predict/batch",
      raw: { head: ["Content-Type: text/csv", `Content-Length: ${600 * MB}`] },
      expect: 413,
      match: /at most 536870912 bytes/,
    },
  ];
}
