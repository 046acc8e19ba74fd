import assert from "node:assert/strict";
import {
  type Dataset,
  DEFAULT_DATA,
  loadDataset,
  type LoadOptions,
  parseDataset,
  parseDatasetChunks,
  resolveDataPath,
  sha256Hex,
} from "./dataset.ts";
import { type DatasetSpec, InputError, loadSpec, SchemaError } from "../mod.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** A small spec with one column of each type and a boolean target spelled three ways. */
const TINY: DatasetSpec = {
  name: "tiny",
  target: { column: "Dropped_Out", positive: "True" },
  leak: [],
  columns: [
    { name: "School", type: "category", values: ["GP", "MS"] },
    { name: "Age", type: "integer", min: 15, max: 22 },
    { name: "gpa", type: "number", min: 0, max: 4 },
    { name: "Study_Time", type: "ordinal", values: [1, 2, 3, 4] },
    { name: "Paid", type: "boolean", true_values: ["yes"], false_values: ["no"] },
    {
      name: "Dropped_Out",
      type: "boolean",
      true_values: ["True", "true", "1"],
      false_values: ["False", "false", "0"],
    },
  ],
  profiles: { all: { features: ["School", "Age", "gpa", "Study_Time", "Paid"] } },
};

const HEADER = "School,Age,gpa,Study_Time,Paid,Dropped_Out";
const TINY_LINES = [
  HEADER,
  "GP,17,3.5,2,yes,False",
  "MS,18,,1,no,True",
  "GP,16,2.25,4,,false",
  "MS,22,0,3,yes,1",
];
const TINY_CSV = TINY_LINES.join("\n") + "\n";
const TINY_CELLS = {
  School: ["GP", "MS", "GP", "MS"],
  Age: [17, 18, 16, 22],
  gpa: [3.5, null, 2.25, 0],
  Study_Time: [2, 1, 4, 3],
  Paid: [1, 0, null, 1],
  Dropped_Out: [0, 1, 0, 1],
};

function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function parse(text: string | Uint8Array, options: LoadOptions = {}): Promise<Dataset> {
  const bytes = typeof text === "string" ? bytesOf(text) : text;
  return parseDataset(bytes, TINY, { source: "tiny.csv", ...options });
}

/** Awaits `promise`, asserts it rejects with a SchemaError and returns the error. */
async function schemaErrorOf(promise: Promise<unknown>): Promise<SchemaError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SchemaError, `expected a SchemaError, got ${error}`);
    return error;
  }
  assert.fail("expected a SchemaError, the data was accepted");
}

/** The real data set's path, found the way the tasks find it. */
function realDataPath(): string {
  return resolveDataPath(undefined, ROOT);
}

Deno.test("parseDataset() reads a valid CSV into typed cells", async (t) => {
  const data = await parse(TINY_CSV);

  await t.step("every cell is typed, empty cells are null", () => {
    assert.equal(data.rows, 4);
    assert.deepEqual(data.cells, TINY_CELLS);
  });

  await t.step("columns follow the spec and labels follow the positive value", () => {
    assert.deepEqual(data.columns.map((c) => c.name), TINY.columns.map((c) => c.name));
    assert.deepEqual(Array.from(data.labels), [0, 1, 0, 1]);
    assert.deepEqual(data.extra, {});
  });

  await t.step("the source and the sha256 of the bytes are kept", async () => {
    assert.equal(data.source, "tiny.csv");
    assert.equal(data.sha256, await sha256Hex(bytesOf(TINY_CSV)));
    assert.match(data.sha256, /^[0-9a-f]{64}$/);
  });
});

Deno.test("parseDataset() reads the spellings of CSV that editors produce", async (t) => {
  await t.step("a UTF-8 byte-order mark does not change the first column's name", async () => {
    const data = await parse(new Uint8Array([0xef, 0xbb, 0xbf, ...bytesOf(TINY_CSV)]));
    assert.deepEqual(data.cells, TINY_CELLS);
  });

  await t.step("CRLF line ends read like LF", async () => {
    const data = await parse(TINY_LINES.join("\r\n") + "\r\n");
    assert.deepEqual(data.cells, TINY_CELLS);
  });

  await t.step("a file without a final line end keeps its last row", async () => {
    const data = await parse(TINY_LINES.join("\n"));
    assert.deepEqual(data.cells, TINY_CELLS);
  });

  await t.step("quoted fields may hold commas, quotes and line breaks", async () => {
    const text = [
      `name,${HEADER}`,
      `"Silva, Ana",GP,17,3.5,2,yes,False`,
      `"Rui ""o Grande""",MS,18,,1,no,True`,
      `"Costa\nMaria","GP",16,2.25,4,,false`,
      `Lopes,MS,"22",0,3,yes,1`,
    ].join("\n");
    const data = await parse(text, { allowExtra: true });
    assert.deepEqual(data.cells, TINY_CELLS);
    assert.deepEqual(data.extra.name, ["Silva, Ana", 'Rui "o Grande"', "Costa\nMaria", "Lopes"]);
  });

  await t.step("a quoted header name matches the spec's name", async () => {
    const data = await parse(TINY_CSV.replace("School,Age", '"School","Age"'));
    assert.deepEqual(data.cells, TINY_CELLS);
  });

  await t.step("columns in another order give the same cells", async () => {
    const order = [5, 3, 0, 4, 2, 1];
    const text = TINY_LINES.map((line) => {
      const fields = line.split(",");
      return order.map((i) => fields[i]).join(",");
    }).join("\n");
    const data = await parse(text);
    assert.deepEqual(data.cells, TINY_CELLS);
    assert.deepEqual(data.columns.map((c) => c.name), TINY.columns.map((c) => c.name));
  });

  await t.step("blank lines between or after rows are not rows", async () => {
    const text = [...TINY_LINES.slice(0, 3), "", ...TINY_LINES.slice(3), "", ""].join("\n");
    const data = await parse(text);
    assert.equal(data.rows, 4);
    assert.deepEqual(data.cells, TINY_CELLS);
  });

  await t.step("rows after a blank line keep their record numbers in errors", async () => {
    const lines = [...TINY_LINES];
    lines[4] = lines[4].replace("MS,22", "MS,99");
    const text = [...lines.slice(0, 2), "", "", ...lines.slice(2)].join("\r\n");
    const error = await schemaErrorOf(parse(text));
    assert.deepEqual(error.issues.map((i) => [i.row, i.column]), [[4, "Age"]]);
  });
});

Deno.test("parseDataset() reads booleans as the spec spells them", async (t) => {
  await t.step("True, true and 1 are positive; False, false and 0 are not", async () => {
    const values = ["True", "true", "1", "False", "false", "0"];
    const text = [HEADER, ...values.map((v) => `GP,17,3,2,yes,${v}`)].join("\n");
    const data = await parse(text);
    assert.deepEqual(Array.from(data.labels), [1, 1, 1, 0, 0, 0]);
    assert.deepEqual(data.cells.Dropped_Out, [1, 1, 1, 0, 0, 0]);
  });

  await t.step("TRUE, yes and Yes are not spellings the spec allows", async () => {
    const text = [HEADER, "GP,17,3,2,yes,TRUE", "GP,17,3,2,Yes,yes"].join("\n");
    const error = await schemaErrorOf(parse(text));
    assert.deepEqual(error.issues.map((i) => [i.row, i.column, i.value]), [
      [1, "Dropped_Out", "TRUE"],
      [2, "Paid", "Yes"],
      [2, "Dropped_Out", "yes"],
    ]);
  });
});

Deno.test("parseDataset() rejects a malformed file and says where", async (t) => {
  await t.step("an empty or blank file", async () => {
    for (const text of ["", "  \n\r\n"]) {
      const error = await schemaErrorOf(parse(text));
      assert.equal(error.message, "Invalid data in tiny.csv: the file is empty");
    }
  });

  await t.step("a header without data rows", async () => {
    for (const text of [HEADER, `${HEADER}\n`, `${HEADER}\r\n\r\n`]) {
      const error = await schemaErrorOf(parse(text));
      assert.equal(
        error.message,
        "Invalid data in tiny.csv: the file has a header but no data rows",
      );
    }
  });

  await t.step("bytes that are not UTF-8", async () => {
    // "Évora" in Latin-1: 0xC9 starts a two-byte sequence that "v" does not continue.
    const latin1 = new Uint8Array([...bytesOf(`name,${HEADER}\n`), 0xc9, ...bytesOf("vora,")]);
    const error = await schemaErrorOf(parse(latin1, { allowExtra: true }));
    assert.equal(error.message, "Invalid data in tiny.csv: the file is not UTF-8 text");
  });

  await t.step("binary garbage", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    const error = await schemaErrorOf(parse(png));
    assert.match(error.message, /not UTF-8 text/);
    const nul = await schemaErrorOf(parse(`${HEADER}\nGP,17\u0000,3,2,yes,True\n`));
    assert.equal(nul.message, "Invalid data in tiny.csv: the file is binary, not CSV text");
  });

  await t.step("a duplicate header names the column", async () => {
    const text = TINY_CSV.replace(HEADER, HEADER.replace("gpa", "Age"));
    const error = await schemaErrorOf(parse(text));
    assert.match(error.message, /header problems with Age/);
    const issue = error.issues.find((i) => i.expected === "a unique column name");
    assert.deepEqual(issue, { row: 0, column: "Age", expected: "a unique column name" });
  });

  await t.step("a missing column is named", async () => {
    const text = TINY_LINES.map((line) => line.split(",").toSpliced(3, 1).join(",")).join("\n");
    const error = await schemaErrorOf(parse(text));
    assert.match(error.message, /header problems with Study_Time$/);
    assert.deepEqual(error.issues, [
      { row: 0, column: "Study_Time", expected: "this column in the header" },
    ]);
  });

  await t.step("a missing target column is named unless the target is optional", async () => {
    const text = TINY_LINES.map((line) => line.split(",").slice(0, 5).join(",")).join("\n");
    const error = await schemaErrorOf(parse(text));
    assert.deepEqual(error.issues.map((i) => i.column), ["Dropped_Out"]);
    const data = await parse(text, {
      requireTarget: false,
      required: ["School", "Age", "gpa", "Study_Time", "Paid"],
    });
    assert.equal(data.rows, 4);
    assert.equal(data.labels.length, 0);
    assert.ok(!("Dropped_Out" in data.cells));
  });

  await t.step("an unexpected column is rejected unless allowExtra keeps it as text", async () => {
    const text = TINY_LINES.map((line, i) => `${line},${i === 0 ? "student_id" : `s${i}`}`)
      .join("\n");
    const error = await schemaErrorOf(parse(text));
    assert.deepEqual(error.issues, [
      { row: 0, column: "student_id", expected: "no such column in the spec" },
    ]);
    const data = await parse(text, { allowExtra: true });
    assert.deepEqual(data.cells, TINY_CELLS);
    assert.deepEqual(data.extra, { student_id: ["s1", "s2", "s3", "s4"] });
  });

  await t.step("ragged rows, short and long, are named by their data row", async () => {
    const lines = [...TINY_LINES];
    lines[2] = "MS,18,,1,no";
    lines[4] = "MS,22,0,3,yes,1,extra";
    const error = await schemaErrorOf(parse(lines.join("\n")));
    assert.equal(error.message, "Invalid data in tiny.csv: 2 row(s) do not have 6 fields");
    assert.deepEqual(error.issues, [
      { row: 2, value: "5 fields", expected: "6 fields as in the header" },
      { row: 4, value: "7 fields", expected: "6 fields as in the header" },
    ]);
    assert.equal(error.total, 2);
  });

  await t.step("a missing label in training data is named", async () => {
    const text = TINY_CSV.replace("GP,16,2.25,4,,false", "GP,16,2.25,4,,");
    const error = await schemaErrorOf(parse(text));
    assert.deepEqual(error.issues.map((i) => [i.row, i.column]), [[3, "Dropped_Out"]]);
    const data = await parse(text, { requireTarget: false });
    assert.equal(data.cells.Dropped_Out[2], null);
  });
});

Deno.test("parseDataset() reports every bad cell by 1-based row, column, value", async (t) => {
  await t.step("the first data row is row 1", async () => {
    const error = await schemaErrorOf(parse(TINY_CSV.replace("GP,17,3.5", "GP,abc,3.5")));
    assert.deepEqual(error.issues, [
      { row: 1, column: "Age", value: "abc", expected: "an integer 15–22" },
    ]);
    assert.equal(error.message, "Invalid data in tiny.csv: 1 invalid cell(s)");
  });

  await t.step("nothing is coerced: 17.0, Yes and 1e308 are each an issue", async () => {
    const text = [HEADER, "GP,17.0,3.5,2,Yes,False", "MS,18,1e308,2,no,True"].join("\n");
    const error = await schemaErrorOf(parse(text));
    assert.deepEqual(error.issues.map((i) => [i.row, i.column, i.value]), [
      [1, "Age", "17.0"],
      [1, "Paid", "Yes"],
      [2, "gpa", "1e308"],
    ]);
  });

  await t.step("many bad cells give the first ones in row order and the true total", async () => {
    // School is wrong in rows 61–120 and Age in rows 1–10: 70 issues, of which the first 50
    // in file order are Age's 10 and School's rows 61–100.
    const lines = [HEADER];
    for (let row = 1; row <= 120; row++) {
      lines.push(`${row > 60 ? "XX" : "GP"},${row <= 10 ? "abc" : "17"},3,2,yes,False`);
    }
    const error = await schemaErrorOf(parse(lines.join("\n")));
    assert.equal(error.total, 70);
    assert.equal(error.issues.length, SchemaError.MAX_ISSUES);
    assert.match(error.message, /70 invalid cell\(s\)/);
    const expected = [
      ...Array.from({ length: 10 }, (_, i) => [i + 1, "Age"]),
      ...Array.from({ length: 40 }, (_, i) => [i + 61, "School"]),
    ];
    assert.deepEqual(error.issues.map((i) => [i.row, i.column]), expected);
  });
});

Deno.test("parseDatasetChunks() gives the cells of one parse, chunk by chunk", async (t) => {
  const bytes = await Deno.readFile(realDataPath());
  const spec = await loadSpec(`${ROOT}/data/specs/student_dropout.json`);
  const whole = await parseDataset(bytes, spec);

  await t.step("the chunks' offsets, sizes and cells add up to the whole", async () => {
    const chunks = await Array.fromAsync(parseDatasetChunks(bytes, spec, { chunkRows: 200 }));
    assert.deepEqual(chunks.map((c) => [c.offset, c.rows]), [
      [0, 200],
      [200, 200],
      [400, 200],
      [600, 49],
    ]);
    for (const col of spec.columns) {
      assert.deepEqual(chunks.flatMap((c) => c.cells[col.name]), whole.cells[col.name], col.name);
    }
    assert.deepEqual(chunks.flatMap((c) => Array.from(c.labels)), Array.from(whole.labels));
    assert.ok(chunks.every((c) => c.sha256 === whole.sha256));
  });

  await t.step("row numbers in errors count from the file's first data row", async () => {
    const lines = new TextDecoder().decode(bytes).split("\n");
    lines[450] = lines[450].replace(/^(\w+,\w+,)\d+,/, "$1abc,");
    const bad = bytesOf(lines.join("\n"));
    const fromChunks = await schemaErrorOf(
      Array.fromAsync(parseDatasetChunks(bad, spec, { chunkRows: 100, source: "bad.csv" })),
    );
    const fromWhole = await schemaErrorOf(parseDataset(bad, spec, { source: "bad.csv" }));
    assert.deepEqual(fromChunks.issues, [
      { row: 450, column: "Age", value: "abc", expected: "an integer 15–22" },
    ]);
    assert.deepEqual(fromChunks.issues, fromWhole.issues);
  });

  await t.step("missing, padded, repeated and invalid cells read as in one parse", async () => {
    const valid = [
      HEADER,
      "GP,17,3.5,2,yes,False",
      " MS ,18,,1,no,True",
      "GP, 16,2.25,4,,false",
      "MS,,0,3,yes,1",
      "GP,17,3.5,2,yes,False",
    ].join("\n") + "\n";
    const chunks = await Array.fromAsync(
      parseDatasetChunks(bytesOf(valid), TINY, { chunkRows: 2 }),
    );
    const one = await parseDataset(bytesOf(valid), TINY);
    for (const col of TINY.columns) {
      assert.deepEqual(chunks.flatMap((c) => c.cells[col.name]), one.cells[col.name], col.name);
    }
    const invalid = valid.replace(" MS ,18,,1,no,True", "XX,23,5, 9 ,maybe,True")
      .replace("MS,,0,3,yes,1", "MS,abc,0,3,yes,");
    const fromChunks = await schemaErrorOf(
      Array.fromAsync(parseDatasetChunks(bytesOf(invalid), TINY, { chunkRows: 10 })),
    );
    const fromWhole = await schemaErrorOf(parseDataset(bytesOf(invalid), TINY));
    assert.equal(fromWhole.issues.length, 7);
    assert.deepEqual(fromChunks.issues, fromWhole.issues);
  });

  await t.step("a header problem throws before the first chunk", async () => {
    const text = new TextDecoder().decode(bytes).replace("Study_Time,", "Study_Tim,");
    const chunks = parseDatasetChunks(bytesOf(text), spec, { chunkRows: 100 });
    const error = await schemaErrorOf(chunks.next());
    assert.ok(error.issues.some((i) => i.column === "Study_Time"));
  });
});

Deno.test("loadDataset() reads the real data: 649 students, 100 positives", async () => {
  const path = realDataPath();
  const spec = await loadSpec(`${ROOT}/data/specs/student_dropout.json`);
  const data = await loadDataset(path, spec);
  assert.equal(data.rows, 649);
  assert.equal(data.labels.reduce((a, b) => a + b, 0), 100);
  assert.equal(data.columns.length, 34);
  assert.equal(data.sha256, await sha256Hex(await Deno.readFile(path)));
  assert.equal(data.source, path);
  // The label is exactly Final_Grade < 10 (the leak the spec declares).
  const grades = data.cells.Final_Grade as number[];
  assert.ok(grades.every((g, i) => (g < 10 ? 1 : 0) === data.labels[i]));
});

Deno.test("loadDataset() names a file it cannot read", async () => {
  const path = `${ROOT}/no/such/file.csv`;
  await assert.rejects(() => loadDataset(path, TINY), (error: unknown) => {
    assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
    assert.ok(error.message.startsWith(`Cannot read data file ${path}:`), error.message);
    return true;
  });
});

Deno.test("resolveDataPath() finds the data or names every place it looked", async (t) => {
  await t.step("a given path that exists is returned as it is", () => {
    const path = realDataPath();
    assert.equal(resolveDataPath(path, "/nowhere"), path);
  });

  await t.step("without a path it takes DROPOUT_DATA, else the default under the root", () => {
    const env = Deno.env.get("DROPOUT_DATA");
    assert.equal(resolveDataPath(undefined, ROOT), env ?? `${ROOT}/${DEFAULT_DATA}`);
  });

  await t.step("a missing given path is named with the default location", () => {
    assert.throws(() => resolveDataPath("/no/such/data.csv", "/nowhere"), (error: unknown) => {
      assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
      assert.ok(error.message.includes("no file at /no/such/data.csv (--data"), error.message);
      assert.ok(error.message.includes(`/nowhere/${DEFAULT_DATA}`), error.message);
      return true;
    });
  });

  await t.step(
    "the message does not claim the default is missing when it was not looked at",
    () => {
      assert.throws(() => resolveDataPath("/no/such/data.csv", ROOT), (error: unknown) => {
        assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
        assert.ok(error.message.includes(`${ROOT}/${DEFAULT_DATA}`), error.message);
        assert.ok(!error.message.includes(`no file at ${ROOT}/${DEFAULT_DATA}`), error.message);
        return true;
      });
    },
  );

  await t.step("without a path or DROPOUT_DATA a missing default is named", () => {
    const env = Deno.env.get("DROPOUT_DATA");
    if (env !== undefined) {
      // The variable wins over the root, which is then never looked at.
      assert.equal(resolveDataPath(undefined, "/nowhere"), env);
      return;
    }
    assert.throws(() => resolveDataPath(undefined, "/nowhere"), (error: unknown) => {
      assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
      assert.ok(error.message.includes(`no file at /nowhere/${DEFAULT_DATA}`), error.message);
      return true;
    });
  });

  await t.step("a directory is not a data file", () => {
    assert.throws(() => resolveDataPath(ROOT, "/nowhere"), InputError);
  });
});
