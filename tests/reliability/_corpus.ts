/**
 * The bad-input corpus, as data: one row per request, with the route, method,
 * headers, body, the status class expected and a pattern the answer must
 * match. An invalid request must get a 4xx whose body names the offending
 * field or row; a valid one (a CSV with a BOM, CRLF line ends, quoted fields
 * or its columns in another order) must succeed. Rows for every field of the
 * spec are generated from the spec itself.
 *
 * @module
 */
import { SEED_STUDENT, STUDENT } from "../../server/_testing.ts";
import {
  bytes,
  type Case,
  type CorpusContext,
  CSV_TYPE,
  type Expect,
  field,
  form,
  json,
  JSON_TYPE,
  MB,
  nested,
  outOfDomain,
  stream,
  student,
} from "./_corpus_kit.ts";
import { batchCases, uploadCsvs } from "./_corpus_csv.ts";
import { caseloadCases } from "./_corpus_caseload.ts";
import { ADMIN, DATA_TEXT } from "./_harness.ts";

export type { Case } from "./_corpus_kit.ts";

/** Routes whose body is JSON by its content type. */
const JSON_ROUTES = new Set(["POST /v1/predict"]);

/**
 * Builds the corpus.
 *
 * @param ctx The spec, the active model ids and the canary file.
 * @returns Every case.
 */
export function corpus(ctx: CorpusContext): Case[] {
  const cases: Case[] = [];
  const add = (route: string, list: Omit<Case, "route" | "method" | "path">[], path?: string) => {
    const [method, template] = route.split(" ");
    for (const c of list) cases.push({ route, method, path: path ?? template, ...c });
  };
  const early = ctx.spec.profiles["early-A"].features;
  const columns = (names: string[]) =>
    names.map((n) => ctx.spec.columns.find((c) => c.name === n)!);

  // POST /v1/predict: the envelope, then every field of the spec out of its domain.
  add("POST /v1/predict", [
    { name: "malformed JSON", body: "{", expect: 400, match: /Malformed JSON/ },
    { name: "an empty body", body: "", expect: 400, match: /Malformed JSON/ },
    {
      name: "trailing garbage",
      body: json(STUDENT) + "x",
      expect: 400,
      match: /Malformed JSON/,
    },
    { name: "a NaN literal", body: '{"Age": NaN}', expect: 400, match: /Malformed JSON/ },
    {
      name: "an Infinity literal",
      body: '{"Age": Infinity}',
      expect: 400,
      match: /Malformed JSON/,
    },
    { name: "single quotes", body: "{'Age': 17}", expect: 400, match: /Malformed JSON/ },
    { name: "an array", body: json([STUDENT]), expect: 400, match: /expected an object of fields/ },
    { name: "null", body: "null", expect: 400, match: /expected an object of fields/ },
    { name: "a number", body: "42", expect: 400, match: /expected an object of fields/ },
    { name: "a string", body: '"GP"', expect: 400, match: /expected an object of fields/ },
    // A body is JSON by its content type (or when it has none): anything else is 415.
    {
      name: "a form body",
      body: new URLSearchParams({ Age: "17" }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      expect: 415,
      match: /Unsupported content type .*expected application\/json/,
    },
    {
      name: "a multipart body",
      body: form({ Age: "17" }),
      headers: {},
      expect: 415,
      match: /Unsupported content type \\"multipart\/form-data/,
    },
    {
      name: "JSON sent as text/plain (fetch's type for a string)",
      body: json(STUDENT),
      headers: { "content-type": "text/plain;charset=UTF-8" },
      expect: 415,
      match: /Unsupported content type \\"text\/plain;charset=UTF-8\\"/,
    },
    {
      name: "JSON sent as text/html",
      body: json(STUDENT),
      headers: { "content-type": "text/html" },
      expect: 415,
      match: /expected application\/json/,
    },
    {
      name: "JSON sent as application/jsonp",
      body: json(STUDENT),
      headers: { "content-type": "application/jsonp" },
      expect: 415,
      match: /expected application\/json/,
    },
    {
      name: "JSON sent as application/x-ndjson",
      body: json(STUDENT),
      headers: { "content-type": "application/x-ndjson" },
      expect: 415,
      match: /expected application\/json/,
    },
    {
      name: "JSON sent without a content type (read as JSON)",
      body: bytes(json(STUDENT)),
      headers: {},
      expect: 200,
      match: /"probability":/,
    },
    {
      name: "a structured +json type",
      body: json(STUDENT),
      headers: { "content-type": "application/vnd.dropout+json" },
      expect: 200,
      match: /"probability":/,
    },
    {
      name: "application/json; charset=utf-8",
      body: json(STUDENT),
      headers: { "content-type": "application/json; charset=utf-8" },
      expect: 200,
      match: /"probability":/,
    },
    ...columns(early).map((col) => ({
      name: `${col.name} out of its domain`,
      body: student({ [col.name]: outOfDomain(col) }),
      headers: JSON_TYPE,
      expect: 422,
      match: field(col.name),
    })),
    { name: "Age as a boolean", body: student({ Age: true }), expect: 422, match: field("Age") },
    { name: "Age as an array", body: student({ Age: [17] }), expect: 400, match: field("Age") },
    {
      name: "Age as an object",
      body: student({ Age: { v: 17 } }),
      expect: 400,
      match: field("Age"),
    },
    {
      name: "School as a number",
      body: student({ School: 1 }),
      expect: 422,
      match: field("School"),
    },
    {
      name: "Internet_Access as 2",
      body: student({ Internet_Access: 2 }),
      expect: 422,
      match: field("Internet_Access"),
    },
    {
      name: 'Internet_Access as "Yes" (case matters)',
      body: student({ Internet_Access: "Yes" }),
      expect: 422,
      match: field("Internet_Access"),
    },
    {
      name: "Mother_Education as 2.5",
      body: student({ Mother_Education: 2.5 }),
      expect: 422,
      match: field("Mother_Education"),
    },
    {
      name: 'Mother_Education as "4.0"',
      body: student({ Mother_Education: "4.0" }),
      expect: 422,
      match: field("Mother_Education"),
    },
    {
      name: "Grade_1 as 1.5",
      body: student({ Grade_1: 1.5 }),
      expect: 422,
      match: field("Grade_1"),
    },
    { name: 'Age as "17.0"', body: student({ Age: "17.0" }), expect: 422, match: field("Age") },
    { name: 'Age as "0x11"', body: student({ Age: "0x11" }), expect: 422, match: field("Age") },
    { name: "Age as 1e308", body: student({ Age: 1e308 }), expect: 422, match: field("Age") },
    { name: "Age as -1e308", body: student({ Age: -1e308 }), expect: 422, match: field("Age") },
    {
      name: "Age as 1e309 (Infinity once parsed)",
      body: json(STUDENT).replace(/"Age":18/, '"Age":1e309'),
      expect: "4xx",
      match: field("Age"),
    },
    { name: 'Age as "NaN"', body: student({ Age: "NaN" }), expect: 422, match: field("Age") },
    {
      name: 'Age as "Infinity"',
      body: student({ Age: "Infinity" }),
      expect: 422,
      match: field("Age"),
    },
    { name: "Age as -0", body: student({ Age: -0 }), expect: 422, match: field("Age") },
    {
      name: "Number_of_Absences as 2^53 + 1",
      body: json(STUDENT).replace(
        /"Number_of_Absences":4/,
        '"Number_of_Absences":9007199254740993',
      ),
      expect: 422,
      match: field("Number_of_Absences"),
    },
    {
      name: "Grade_2 as 5e-324",
      body: student({ Grade_2: 5e-324 }),
      expect: 422,
      match: field("Grade_2"),
    },
    { name: 'School "XX"', body: student({ School: "XX" }), expect: 422, match: field("School") },
    { name: 'Gender "f"', body: student({ Gender: "f" }), expect: 422, match: field("Gender") },
    {
      name: 'Guardian "Mother"',
      body: student({ Guardian: "Mother" }),
      expect: 422,
      match: field("Guardian"),
    },
    {
      name: 'Mother_Job "doctor"',
      body: student({ Mother_Job: "doctor" }),
      expect: 422,
      match: field("Mother_Job"),
    },
    {
      name: "Age as 17.0 (the JSON number 17: valid)",
      body: json(STUDENT).replace(/"Age":18/, '"Age":17.0'),
      expect: 200,
      match: /"probability":/,
    },
    {
      name: 'School " GP " (trimmed: valid)',
      body: student({ School: " GP " }),
      expect: 200,
      match: /"probability":/,
    },
    // A student giving none of the inputs the model reads is refused, naming them.
    {
      name: "no fields",
      body: "{}",
      expect: 422,
      match: /none of the inputs this model reads was given \(School, Gender, Age,/,
    },
    {
      name: "only a field the spec does not know",
      body: '{"Favourite_Colour":"blue"}',
      expect: 422,
      match: /none of the inputs this model reads.*"field":"Grade_2"/,
    },
    {
      name: "every input null or blank",
      body: json(Object.fromEntries(early.map((f, i) => [f, i % 2 ? null : " "]))),
      expect: 422,
      match: /none of the inputs this model reads/,
    },
    {
      name: "inputs only inside __proto__",
      body: '{"__proto__":{"Age":16,"Grade_2":11},"Favourite_Colour":"blue"}',
      expect: 422,
      match: /none of the inputs this model reads.*"field":"Age"/,
    },
    {
      name: "students: the 2nd gives no input",
      body: json({ students: [STUDENT, { Shoe_Size: 42 }] }),
      expect: 422,
      match: /Invalid students: none of the inputs.*"row":2,"field":"School"/,
    },
    {
      name: "Grade_2 missing: imputed and listed",
      body: json(Object.fromEntries(Object.entries(STUDENT).filter(([k]) => k !== "Grade_2"))),
      expect: 200,
      match: /"imputed":\["Grade_2"\]/,
    },
    {
      name: "Age null: imputed and listed",
      body: student({ Age: null }),
      expect: 200,
      match: /"imputed":\["Age"\]/,
    },
    {
      name: "an extra field (ignored)",
      body: student({ Shoe_Size: 42 }),
      expect: 200,
      match: /"probability":/,
    },
    {
      name: "a 1 MB extra field name (ignored)",
      body: json({ ...STUDENT, ["k".repeat(MB - 2048)]: 1 }),
      expect: 200,
      match: /"probability":/,
    },
    {
      name: "a __proto__ field carrying Age (ignored: Age is imputed, not read from it)",
      body: json(Object.fromEntries(Object.entries(STUDENT).filter(([k]) => k !== "Age")))
        .replace("{", '{"__proto__":{"Age":99},'),
      expect: 200,
      match: /"imputed":\["Age"\]/,
    },
    {
      name: "a 1 MB string value",
      body: student({ School: "A".repeat(MB - 4096) }),
      expect: 422,
      match: field("School"),
    },
    {
      name: "a 1 MB string over the limit",
      body: student({ School: "A".repeat(MB) }),
      expect: 413,
      match: /at most 1048576 bytes/,
    },
    {
      name: "a 2 MB chunked body without a length",
      body: stream(2 * MB),
      expect: 413,
      match: /at most 1048576 bytes/,
    },
    {
      name: "JSON nested 100,000 deep",
      body: nested(100_000),
      expect: 400,
      match: field("a"),
    },
    {
      name: "arrays nested 100,000 deep in students",
      body: `{"students":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
      expect: 400,
      match: field("students.0"),
    },
    {
      name: "a field value nested 10,000 deep",
      body: `{"School":${nested(10_000)}}`,
      expect: 400,
      match: field("School"),
    },
    {
      name: "invalid UTF-8 inside a value",
      body: bytes('{"School":"', [0xff, 0xfe], '"}'),
      expect: 422,
      match: field("School"),
    },
    {
      name: "invalid UTF-8 bytes only",
      body: bytes([0xff, 0xfe, 0, 0x80]),
      expect: 400,
      match: /Malformed JSON/,
    },
    { name: "students: []", body: '{"students":[]}', expect: 400, match: field("students") },
    { name: 'students: "x"', body: '{"students":"x"}', expect: 400, match: field("students") },
    { name: "students: null", body: '{"students":null}', expect: 400, match: field("students") },
    { name: "students: [1]", body: '{"students":[1]}', expect: 400, match: field("students.0") },
    {
      name: "students: the 2nd has a bad Age",
      body: json({ students: [STUDENT, { ...STUDENT, Age: 99 }] }),
      expect: 422,
      match: /"row":2,"field":"Age"/,
    },
    {
      name: "1001 students (over the limit)",
      body: json({ students: Array.from({ length: 1001 }, () => ({ Age: 17 })) }),
      expect: 400,
      match: /at most 1000 students/,
    },
    {
      name: "students with an extra top-level key",
      body: json({ students: [STUDENT], extra: 1 }),
      expect: 400,
      match: /extra/,
    },
    {
      name: "two students",
      body: json({ students: [STUDENT, STUDENT] }),
      expect: 200,
      match: /"predictions":\[\{/,
    },
  ]);
  add("POST /v1/predict", [
    { name: "reasons=abc", body: json(STUDENT), expect: 400, match: field("reasons") },
  ], "/v1/predict?reasons=abc");
  add("POST /v1/predict", [
    { name: "reasons=-1", body: json(STUDENT), expect: 400, match: field("reasons") },
  ], "/v1/predict?reasons=-1");
  add("POST /v1/predict", [
    { name: "reasons=101", body: json(STUDENT), expect: 400, match: field("reasons") },
  ], "/v1/predict?reasons=101");
  add("POST /v1/predict", [
    { name: "reasons=1.5", body: json(STUDENT), expect: 400, match: field("reasons") },
  ], "/v1/predict?reasons=1.5");
  add("POST /v1/predict", [
    { name: "profile=nope", body: json(STUDENT), expect: 400, match: /Unknown profile \\"nope\\"/ },
  ], "/v1/predict?profile=nope");
  add("POST /v1/predict", [
    {
      name: "profile=toString (not an own key)",
      body: json(STUDENT),
      expect: 400,
      match: /Unknown profile \\"toString\\"/,
    },
  ], "/v1/predict?profile=toString");
  add("POST /v1/predict", [
    { name: "profile= (empty)", body: json(STUDENT), expect: 400, match: field("profile") },
  ], "/v1/predict?profile=");
  add("POST /v1/predict", [
    {
      name: "the leak imputed: the answer warns that imputed inputs carry the weight",
      body: json(
        Object.fromEntries(Object.entries(SEED_STUDENT).filter(([k]) => k !== "Final_Grade")),
      ),
      expect: 200,
      match:
        /"imputed":\["Final_Grade"\].*"warning":"Imputed inputs carry \d+ % of this model's weight/,
    },
  ], "/v1/predict?profile=seed");

  cases.push(...batchCases("POST /v1/predict/batch"));

  // Uploads: every CSV to POST /v1/datasets, a few to /upload_train_data.
  for (const c of uploadCsvs()) {
    add("POST /v1/datasets", [{ ...c, headers: { ...ADMIN, ...CSV_TYPE } }]);
  }
  const csvs = uploadCsvs();
  for (const c of csvs.filter((_, i) => [0, 7, 9, 11, 12, 18].includes(i))) {
    add("POST /upload_train_data", [{ ...c, headers: { ...ADMIN, ...CSV_TYPE } }]);
  }
  for (const route of ["POST /v1/datasets", "POST /upload_train_data"]) {
    add(route, [
      {
        name: "a multipart CSV file",
        body: form({ file: new Blob([DATA_TEXT]) }),
        headers: ADMIN,
        expect: "2xx",
        match: /"dataset":|Training data uploaded/,
      },
      {
        name: "multipart without a file field",
        body: form({ name: "x" }),
        headers: ADMIN,
        expect: 400,
        match: /field \\"file\\"/,
      },
      {
        name: "multipart without a boundary",
        body: "--x\r\n\r\nabc",
        headers: { ...ADMIN, "content-type": "multipart/form-data" },
        expect: 400,
        match: /Malformed form body/,
      },
      {
        name: "a truncated multipart body",
        body: '--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nSchool',
        headers: { ...ADMIN, "content-type": "multipart/form-data; boundary=b" },
        expect: 400,
        match: /Malformed form body|field \\"file\\"/,
      },
      {
        name: "a declared 100 MB body",
        raw: { head: [`Authorization: ${ADMIN.authorization}`, `Content-Length: ${100 * MB}`] },
        expect: 413,
        match: /at most 67108864 bytes/,
      },
    ]);
  }
  add("POST /v1/datasets", [
    {
      name: "a JSON body (415, as batch)",
      body: '{"School":"GP"}',
      headers: { ...ADMIN, ...JSON_TYPE },
      expect: 415,
      match: /Unsupported content type .*expected text\/csv or multipart\/form-data/,
    },
    {
      name: "an NDJSON body",
      body: '{"School":"GP"}\n',
      headers: { ...ADMIN, "content-type": "application/x-ndjson" },
      expect: 415,
      match: /expected text\/csv/,
    },
  ]);
  add("GET /v1/datasets", [
    { name: "the list, with a junk query", headers: ADMIN, expect: 200, match: /"datasets":\[/ },
  ], "/v1/datasets?x=%00%ff");

  // POST /v1/models/train: nothing here may start a job.
  const train = (name: string, body: Case["body"], expect: Expect, match: RegExp) => ({
    name,
    body,
    headers: { ...ADMIN, ...JSON_TYPE },
    expect,
    match,
  });
  add("POST /v1/models/train", [
    train("malformed JSON", "{", 400, /Malformed JSON/),
    train("an empty body", "", 400, /Malformed JSON/),
    train("a NaN literal", '{"seed": NaN}', 400, /Malformed JSON/),
    train("an array", "[]", 400, /Invalid request body/),
    train("an unknown profile", '{"profile":"nope"}', 400, /Unknown profile \\"nope\\"/),
    train(
      "profile constructor",
      '{"profile":"constructor"}',
      400,
      /Unknown profile \\"constructor\\"/,
    ),
    train("profile as a number", '{"profile":1}', 400, field("profile")),
    train("a negative seed", '{"seed":-1}', 400, field("seed")),
    train("a string seed", '{"seed":"1"}', 400, field("seed")),
    train("a fractional seed", '{"seed":1.5}', 400, field("seed")),
    train("seed 1e308", '{"seed":1e308}', 400, field("seed")),
    train("epochs 0", '{"epochs":0}', 400, field("epochs")),
    train("epochs 10001", '{"epochs":10001}', 400, field("epochs")),
    train('epochs "5"', '{"epochs":"5"}', 400, field("epochs")),
    train("a short dataset id", '{"dataset":"abc"}', 400, field("dataset")),
    train(
      "an unknown dataset",
      json({ dataset: "0".repeat(64) }),
      404,
      /Unknown dataset \\"0{64}\\"/,
    ),
    train('force "yes"', '{"force":"yes"}', 400, field("force")),
    train("an unknown key", '{"foo":1}', 400, /foo/),
    train("nested 10,000 deep", `{"profile":${nested(10_000)}}`, 400, field("profile")),
    train("invalid UTF-8", bytes([0xff, 0xfe, 0x7b]), 400, /Malformed JSON/),
    {
      ...train("a form body", "profile=early-A", 415, /Unsupported content type/),
      headers: { ...ADMIN, "content-type": "application/x-www-form-urlencoded" },
    },
    {
      ...train("JSON sent as text/plain", '{"profile":"early-A"}', 415, /expected application/),
      headers: { ...ADMIN, "content-type": "text/plain" },
    },
    train(
      "a 1 MB profile (over the limit)",
      json({ profile: "x".repeat(MB) }),
      413,
      /at most 65536 bytes/,
    ),
  ]);

  // POST /v1/models/prune: only its query is read; nothing here removes a model.
  for (
    const [name, query, expect, match] of [
      ["keep=0", "keep=0", 400, field("keep")],
      ["keep=-1", "keep=-1", 400, field("keep")],
      ["keep=abc", "keep=abc", 400, field("keep")],
      ["keep=1.5", "keep=1.5", 400, field("keep")],
      ["dry_run=maybe", "dry_run=maybe", 400, field("dry_run")],
      ["a dry run", "keep=1&dry_run=1", 200, /"dry_run":true,"removed":\[/],
    ] as const
  ) {
    add(
      "POST /v1/models/prune",
      [{ name, headers: ADMIN, expect, match }],
      `/v1/models/prune?${query}`,
    );
  }
  add("POST /v1/models/prune", [
    { name: "without the token", expect: 401, match: /Unauthorized/ },
  ]);

  add("GET /v1/jobs/{id}", [
    { name: "an unknown job", headers: ADMIN, expect: 404, match: /Unknown job/ },
  ], `/v1/jobs/${crypto.randomUUID()}`);
  add("GET /v1/jobs/{id}", [
    { name: "a path traversal", headers: ADMIN, expect: 404, match: /Unknown job|Not found/ },
  ], "/v1/jobs/..%2F..%2Factive.json");
  add("GET /v1/jobs/{id}", [
    { name: "a 10 kB id", headers: ADMIN, expect: 404, match: /Unknown job/ },
  ], `/v1/jobs/${"a".repeat(10_000)}`);
  add("GET /v1/jobs/{id}", [
    { name: "a NUL", headers: ADMIN, expect: 404, match: /Unknown job/ },
  ], "/v1/jobs/%00");

  // The drift routes: a stored dataset (admin) and a posted body, against a model.
  for (
    const [name, id, expect, match] of [
      ["an unknown dataset", "0".repeat(64), 404, /Unknown dataset/],
      ["a path traversal", "..%2F..%2Factive.json", 404, /Unknown dataset|Not found/],
      ["a 10 kB id", "a".repeat(10_000), 404, /Unknown dataset/],
    ] as const
  ) {
    add(
      "GET /v1/datasets/{id}/drift",
      [{ name, headers: ADMIN, expect, match }],
      `/v1/datasets/${id}/drift`,
    );
  }
  add("GET /v1/datasets/{id}/drift", [
    { name: "a negative threshold", headers: ADMIN, expect: 400, match: field("threshold") },
  ], `/v1/datasets/${"0".repeat(64)}/drift?threshold=-1`);
  add("GET /v1/datasets/{id}/drift", [
    { name: "profile and model together", headers: ADMIN, expect: 400, match: field("model") },
  ], `/v1/datasets/${"0".repeat(64)}/drift?profile=early-A&model=x`);
  const drift = (
    name: string,
    body: string,
    headers: Record<string, string>,
    expect: Expect,
    match: RegExp,
    query = "",
  ) => add("POST /v1/drift", [{ name, body, headers, expect, match }], `/v1/drift${query}`);
  const csv = { "content-type": "text/csv" };
  drift(
    "a text/plain body",
    "Age\n17\n",
    { "content-type": "text/plain" },
    415,
    /Unsupported content type/,
  );
  drift("no readable row", "Age\nabc\n", csv, 422, /No row to compare/);
  drift("an unknown profile", "Age\n17\n", csv, 400, /Unknown profile/, "?profile=nope");
  drift("an unknown model", "Age\n17\n", csv, 404, /Unknown model/, "?model=nope");
  drift("a zero threshold", "Age\n17\n", csv, 400, field("threshold"), "?threshold=0");
  drift(
    "a line past the bound",
    "Age\n" + "1".repeat(3 * MB) + "\n",
    csv,
    413,
    /Line too long/,
  );
  drift("one student", "Age\n17\n", csv, 200, /"rows":1,/);

  add("GET /v1/models", [
    { name: "with a junk query", expect: 200, match: /"models":\[/ },
  ], "/v1/models?profile=%ff%fe");
  for (
    const [name, id] of [
      ["an unknown model", "nope"],
      ["a path traversal", "..%2Factive.json"],
      ["a hidden folder", ".jobs"],
      ["a 10 kB id", "m".repeat(10_000)],
      ["a NUL", "%00"],
    ]
  ) {
    add(
      "GET /v1/models/{id}",
      [{ name, expect: 404, match: /Unknown model|Not found/ }],
      `/v1/models/${id}`,
    );
    add("GET /v1/models/{id}/evaluation", [
      { name, expect: 404, match: /Unknown model|Not found/ },
    ], `/v1/models/${id}/evaluation`);
    add("POST /v1/models/{id}/activate", [
      { name, headers: ADMIN, expect: 404, match: /Unknown model|Not found/ },
    ], `/v1/models/${id}/activate`);
  }
  add("GET /v1/models/{id}", [
    { name: "the active model", expect: 200, match: /"profile":"early-A"/ },
  ], `/v1/models/${ctx.ids[0]}`);
  add("POST /v1/models/{id}/activate", [
    {
      name: "the active model again",
      headers: ADMIN,
      body: "ignored garbage \u0000",
      expect: 200,
      match: new RegExp(`"active":"${ctx.ids[0]}"`),
    },
    {
      name: "a 1 MB body (over the limit)",
      headers: ADMIN,
      body: "x".repeat(MB),
      expect: 413,
      match: /at most 65536 bytes/,
    },
  ], `/v1/models/${ctx.ids[0]}/activate`);

  // The original API: JSON or forms with the seed profile's 13 fields.
  const seed = columns(ctx.spec.profiles.seed.features);
  for (const route of ["POST /predict", "POST /api/predict"]) {
    add(route, [
      ...seed.map((col) => ({
        name: `form: ${col.name} out of its domain`,
        body: new URLSearchParams({ ...SEED_STUDENT, [col.name]: String(outOfDomain(col)) })
          .toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
        expect: 422,
        match: field(col.name),
      })),
      { name: "malformed JSON", body: "{", expect: 400, match: /Malformed JSON/ },
      {
        name: "JSON: Final_Grade as text",
        body: json({ ...SEED_STUDENT, Final_Grade: "abc" }),
        headers: JSON_TYPE,
        expect: 422,
        match: field("Final_Grade"),
      },
      {
        name: "a form with a file in Grade_1",
        body: form({ ...SEED_STUDENT, Grade_1: new Blob(["1"]) }),
        expect: 400,
        match: /Invalid form field \\"Grade_1\\"/,
      },
      {
        name: "multipart without a boundary",
        body: "--x\r\n\r\nabc",
        headers: { "content-type": "multipart/form-data" },
        expect: 400,
        match: /Malformed form body/,
      },
      {
        name: "a form with invalid UTF-8 in School",
        body: bytes("School=G", [0xff], "P&Age=17"),
        headers: { "content-type": "application/x-www-form-urlencoded" },
        expect: 422,
        match: field("School"),
      },
      {
        name: "a 1 MB form (over the limit)",
        body: "School=" + "A".repeat(MB),
        headers: { "content-type": "application/x-www-form-urlencoded" },
        expect: 413,
        match: /at most 65536 bytes/,
      },
      // As FastAPI's Form(...) fields: every field required, 422 in FastAPI's detail shape.
      {
        name: "an empty form: every field missing",
        body: "",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        expect: 422,
        match:
          /^\{"detail":\[\{"type":"missing","loc":\["body","Mother_Education"\],"msg":"Field required","input":null\}/,
      },
      {
        name: "a partial JSON body: the missing fields listed",
        body: json({ Final_Grade: 12, Grade_2: 11 }),
        headers: JSON_TYPE,
        expect: 422,
        match: /"loc":\["body","Grade_1"\],"msg":"Field required"/,
      },
      {
        name: "an empty form field counts as missing",
        body: new URLSearchParams({ ...SEED_STUDENT, School: "" }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
        expect: 422,
        match: /"detail":\[\{"type":"missing","loc":\["body","School"\]/,
      },
      {
        name: "a text grade: int_parsing as pydantic names it",
        body: new URLSearchParams({ ...SEED_STUDENT, Grade_1: "ten" }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
        expect: 422,
        match: /"type":"int_parsing","loc":\["body","Grade_1"\].*"input":"ten"/,
      },
      {
        name: "the original page's form",
        body: new URLSearchParams(SEED_STUDENT).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
        expect: 200,
        match: /"prediction":[01]/,
      },
    ]);
  }
  add("POST /retrain", [
    {
      name: "a 1 MB body (refused before any training)",
      headers: ADMIN,
      body: "x".repeat(MB),
      expect: 413,
      match: /at most 65536 bytes/,
    },
  ]);
  add("POST /evaluate", [
    {
      name: "a garbage body (ignored)",
      body: bytes([0xff, 0]),
      expect: 200,
      match: /"classification_report"/,
    },
    { name: "a 1 MB body", body: "x".repeat(MB), expect: 413, match: /at most 65536 bytes/ },
  ]);

  for (const prefix of ["/v1/visualize", "/visualize"]) {
    const route = `GET ${prefix}/{feature}`;
    for (
      const [name, feature] of [
        ["an unknown feature", "Shoe_Size"],
        ["the target", "Dropped_Out"],
        ["a path traversal", "..%2F..%2Fetc"],
        ["a 10 kB name", "f".repeat(10_000)],
        ["a NUL", "%00"],
        ["constructor", "constructor"],
      ]
    ) {
      add(
        route,
        [{ name, expect: 404, match: /Unknown feature|Not found/ }],
        `${prefix}/${feature}`,
      );
    }
    add(
      route,
      [{
        name: "a known feature",
        expect: 200,
        // The original page shows `image` as a base64 PNG: "iVBORw0KGgo" is the PNG signature.
        match: prefix === "/visualize"
          ? /"interpretation":.*"image":"iVBORw0KGgo/
          : /"interpretation":/,
      }],
      `${prefix}/Age`,
    );
  }
  add("POST /retrain", [
    {
      name: "without the token: the page's message",
      expect: 401,
      match: /^\{"detail":"Unauthorized: .*","message":"Unauthorized: /,
    },
  ]);

  // Operational routes and static files.
  for (const path of ["/health", "/ready", "/metrics", "/v1/spec", "/openapi.json", "/docs"]) {
    add(`GET ${path}`, [
      { name: "with a junk query", expect: 200, match: /./ },
    ], `${path}?%ff=%00&a[b]=1`);
  }
  add("POST /health", [{ name: "the wrong method", expect: 404, match: /Not found/ }]);
  const canary = ctx.canary.replace(/^\//, "");
  for (
    const [name, path] of [
      ["a scheme-relative path to a file outside", `//${canary}`],
      ["a file: URL", `/file:///${canary}`],
      ["a file: URL with one slash", `/file:/${canary}`],
      ["encoded dots", `/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/${canary}`],
      ["encoded slashes", `/..%2F..%2F..%2F..%2F..%2F..%2F${canary.replaceAll("/", "%2F")}`],
      [
        "double-encoded slashes",
        `/..%252F..%252F..%252F..%252F..%252F${canary.replaceAll("/", "%252F")}`,
      ],
      ["a bad percent escape", "/%E0%A4%A"],
      ["a hidden file", "/.env"],
      ["a backslash traversal", "/..%5C..%5Cetc%5Cpasswd"],
      ["an unknown page", "/nope.html"],
    ]
  ) {
    add("GET /*", [{ name, expect: 404, match: /Not found/ }], path);
  }
  add("GET /*", [{ name: "the page", expect: 200, match: /<html/i }], "/");
  add("GET /v2/predict", [{ name: "an unknown route", expect: 404, match: /Not found/ }]);
  cases.push(...caseloadCases(ctx.caseload));
  // The JSON routes' cases are sent as JSON unless they say otherwise.
  for (const c of cases) {
    if (JSON_ROUTES.has(c.route) && !c.raw && c.headers === undefined) c.headers = JSON_TYPE;
  }
  return cases;
}
