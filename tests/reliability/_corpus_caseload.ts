/**
 * The bad-input corpus of the caseload routes: cohort files that are malformed, miss or misname
 * a column, repeat a student or name an unknown adviser; outcomes for students the cohort does
 * not have; bad filters of the caseload; unknown cohorts and students; bad action kinds and
 * notes; wrong content types. Every request carries a valid token (`ADMIN_TOKEN`, the `admin`
 * user), so each is refused for its input, never for its credentials, and none changes the
 * cohort the test imported.
 *
 * @module
 */
import { bytes, type Case, CSV_TYPE, field, form, json, JSON_TYPE, MB } from "./_corpus_kit.ts";
import { ADMIN } from "./_harness.ts";

/** The cohort the corpus runs against, imported before the corpus is sent. */
export interface CorpusCohort {
  /** Its id. */
  cohort: number;
  /** The imported records (student_id, adviser and the spec's inputs), in file order. */
  records: Record<string, string>[];
}

/** An id no cohort has. */
const NO_COHORT = 987654;

/** A row's issue for a column, as a 422 answer lists it. */
const at = (row: number, column: string) =>
  new RegExp(
    `\\{[^{}]*"row":${row}[^{}]*"field":"${column}"|\\{[^{}]*"field":"${column}"[^{}]*"row":${row}`,
  );

/** CSV text of records (no quoting: the data set has no commas). */
function csv(records: Record<string, string>[], header = Object.keys(records[0])): string {
  return [header.join(","), ...records.map((r) => header.map((h) => r[h] ?? "").join(","))]
    .join("\n") + "\n";
}

/**
 * The caseload's cases.
 *
 * @param ctx The imported cohort.
 * @returns Every case, each with the admin's token.
 */
export function caseloadCases(ctx: CorpusCohort): Case[] {
  const cases: Case[] = [];
  const add = (route: string, list: Omit<Case, "route" | "method" | "path">[], path?: string) => {
    const [method, template] = route.split(" ");
    for (const c of list) {
      cases.push({
        route,
        method,
        path: path ?? template,
        ...c,
        headers: { ...ADMIN, ...c.headers },
      });
    }
  };
  const { cohort } = ctx;
  const rows = ctx.records.slice(0, 12).map((r) => ({ ...r, student_id: `new-${r.student_id}` }));
  const header = Object.keys(rows[0]);
  const student = ctx.records[0].student_id;
  const edit = (i: number, over: Record<string, string>) =>
    rows.map((r, k) => (k === i ? { ...r, ...over } : r));
  const without = (column: string) => csv(rows, header.filter((h) => h !== column));

  // Cohort files: POST /v1/cohorts checks the whole file and stores nothing on any problem.
  const cohortFiles: [string, string | Uint8Array, number, RegExp][] = [
    ["an empty file", "", 422, /The file is empty/],
    ["a header only", header.join(",") + "\n", 422, /no students/],
    [
      "a row with an extra field",
      csv(rows).replace(/\n(new-s003,)/, "\n$1x,"),
      422,
      at(3, '[^"]+'),
    ],
    [
      "a row with a field missing",
      csv(rows).replace(/,[^,\n]*\n(new-s004)/, "\n$1"),
      422,
      /"row":\d+/,
    ],
    [
      "an unclosed quote",
      csv(rows).replace("\nnew-s002,", '\n"new-s002,'),
      422,
      /Malformed CSV|"row"/,
    ],
    ["a column named twice", csv(rows, [...header, "adviser"]), 422, field("adviser")],
    ["no student id column", without("student_id"), 422, field("student_id")],
    ["no adviser column", without("adviser"), 422, field("adviser")],
    ["an unknown adviser", csv(edit(6, { adviser: "eve" })), 422, at(7, "adviser")],
    ["an admin as adviser", csv(edit(2, { adviser: "admin" })), 422, at(3, "adviser")],
    ["an empty adviser", csv(edit(1, { adviser: "" })), 422, at(2, "adviser")],
    ["a duplicate student id", csv(edit(8, { student_id: "new-s001" })), 422, at(9, "student_id")],
    ["an empty student id", csv(edit(4, { student_id: "" })), 422, at(5, "student_id")],
    [
      "a 200-character student id",
      csv(edit(5, { student_id: "x".repeat(200) })),
      422,
      at(6, "student_id"),
    ],
    ["a value out of its domain", csv(edit(2, { Age: "old" })), 422, at(3, "Age")],
    ["not UTF-8", bytes(header.join(",") + "\n", [0xff, 0xfe, 0x41], "\n"), 400, /not UTF-8/],
  ];
  for (const [name, body, expect, match] of cohortFiles) {
    add(
      "POST /v1/cohorts",
      [{ name, body, headers: CSV_TYPE, expect, match }],
      "/v1/cohorts?profile=early-A",
    );
  }
  add("POST /v1/cohorts", [
    {
      name: "an id column that is not there (?id=)",
      body: csv(rows),
      headers: CSV_TYPE,
      expect: 422,
      match: field("nope"),
    },
  ], "/v1/cohorts?profile=early-A&id=nope");
  add("POST /v1/cohorts", [
    { name: "an unknown profile", body: csv(rows), headers: CSV_TYPE, expect: 400, match: /nope/ },
  ], "/v1/cohorts?profile=nope");
  add("POST /v1/cohorts", [
    {
      name: "a JSON body",
      body: json(rows),
      headers: JSON_TYPE,
      expect: 415,
      match: /expected text\/csv or multipart\/form-data/,
    },
    {
      name: "multipart without a file field",
      body: form({ name: "x" }),
      headers: {},
      expect: 400,
      match: /field \\"file\\"/,
    },
    {
      name: "a multipart file with an unknown adviser",
      body: form({ file: new Blob([csv(edit(0, { adviser: "eve" }))]) }),
      headers: {},
      expect: 422,
      match: at(1, "adviser"),
    },
    {
      name: "a declared 100 MB body",
      raw: { head: [`Authorization: ${ADMIN.authorization}`, `Content-Length: ${100 * MB}`] },
      expect: 413,
      match: /at most \d+ bytes/,
    },
  ]);

  add("GET /v1/cohorts", [
    { name: "the list, with a junk query", expect: 200, match: /"cohorts":\[/ },
  ], "/v1/cohorts?x=%00&cohort=-1");

  // Rescoring: an unknown cohort, or an update naming students the cohort does not have.
  for (
    const [name, id, body, type, expect, match] of [
      ["an unknown cohort", `${NO_COHORT}`, "", CSV_TYPE, 404, /No cohort 987654/],
      ["a cohort id that is not a number", "abc", "", CSV_TYPE, 404, /No cohort abc/],
      ["a cohort id of 0", "0", "", CSV_TYPE, 404, /No cohort 0/],
      [
        "a student the cohort does not have",
        `${cohort}`,
        csv(rows.slice(0, 2)),
        CSV_TYPE,
        422,
        at(1, "student_id"),
      ],
      [
        "a malformed update",
        `${cohort}`,
        `student_id,Age\n${student},17,x\n`,
        CSV_TYPE,
        422,
        /"row":1/,
      ],
      ["a JSON body", `${cohort}`, "{}", JSON_TYPE, 415, /expected text\/csv/],
    ] as const
  ) {
    add(
      "POST /v1/cohorts/{id}/rescore",
      [{ name, body, headers: type, expect, match }],
      `/v1/cohorts/${id}/rescore`,
    );
  }

  for (
    const [name, id] of [
      ["an unknown cohort", `${NO_COHORT}`],
      ["a negative id", "-1"],
      ["a fractional id", "1.5"],
      ["a 30-digit id", "9".repeat(30)],
      ["a path traversal", "..%2F..%2Fetc"],
    ]
  ) {
    add(
      "DELETE /v1/cohorts/{id}",
      [{ name, expect: 404, match: /No cohort|Not found/ }],
      `/v1/cohorts/${id}`,
    );
  }

  // The caseload's filters.
  for (
    const [name, query, expect, match] of [
      ["no cohort", "", 400, /Invalid query \\"cohort\\"/],
      ["an empty cohort", "cohort=", 400, /Invalid query \\"cohort\\"/],
      ["a cohort that is not a number", "cohort=abc", 400, /Invalid query \\"cohort\\"/],
      ["a fractional cohort", "cohort=1.5", 400, /Invalid query \\"cohort\\"/],
      ["an unknown cohort", `cohort=${NO_COHORT}`, 404, /No cohort 987654/],
      ["an unknown band", `cohort=${cohort}&band=purple`, 400, /Invalid query \\"band\\"/],
      ["a band in capitals", `cohort=${cohort}&band=HIGH`, 400, /Invalid query \\"band\\"/],
      ["an unknown sort", `cohort=${cohort}&sort=name`, 400, /Invalid query \\"sort\\"/],
      [
        "an SQL sort",
        `cohort=${cohort}&sort=risk;DROP TABLE students`,
        400,
        /Invalid query \\"sort\\"/,
      ],
      ["a zero limit", `cohort=${cohort}&limit=0`, 400, /Invalid query \\"limit\\"/],
      ["a negative limit", `cohort=${cohort}&limit=-5`, 400, /Invalid query \\"limit\\"/],
      [
        "a limit that is not a number",
        `cohort=${cohort}&limit=ten`,
        400,
        /Invalid query \\"limit\\"/,
      ],
      [
        "the admin's whole cohort, sorted by change",
        `cohort=${cohort}&sort=change&band=high`,
        200,
        /"students":\[/,
      ],
    ] as const
  ) {
    add("GET /v1/caseload", [{ name, expect, match }], `/v1/caseload?${query}`);
  }

  for (
    const [name, id, who, match] of [
      ["an unknown student", `${cohort}`, "nobody", /No student nobody in cohort/],
      ["an unknown cohort", `${NO_COHORT}`, student, /No cohort 987654|No student/],
      ["a cohort id that is not a number", "abc", student, /No cohort abc/],
      ["a 10 kB student id", `${cohort}`, "x".repeat(10_000), /No student x+ in cohort/],
      ["a student id with a NUL", `${cohort}`, "s%00", /No student/],
    ] as const
  ) {
    add(
      "GET /v1/cohorts/{id}/students/{student}",
      [{ name, expect: 404, match }],
      `/v1/cohorts/${id}/students/${who}`,
    );
  }

  // Actions: the kind and note are checked before the student is looked up.
  const actions = `/v1/cohorts/${cohort}/students/${student}/actions`;
  add(
    "POST /v1/cohorts/{id}/students/{student}/actions",
    [
      {
        name: "an unknown kind",
        body: json({ kind: "called" }),
        expect: 400,
        match: /Invalid field \\"kind\\"/,
      },
      {
        name: "no kind",
        body: json({ note: "x" }),
        expect: 400,
        match: /Invalid field \\"kind\\"/,
      },
      {
        name: "a kind that is a number",
        body: json({ kind: 1 }),
        expect: 400,
        match: /Invalid field \\"kind\\"/,
      },
      {
        name: "a kind in capitals",
        body: json({ kind: "CONTACTED" }),
        expect: 400,
        match: /Invalid field \\"kind\\"/,
      },
      {
        name: "a 2001-character note",
        body: json({ kind: "contacted", note: "x".repeat(2001) }),
        expect: 400,
        match: /Invalid field \\"note\\": expected text of at most 2000/,
      },
      {
        name: "a note that is an object",
        body: json({ kind: "contacted", note: {} }),
        expect: 400,
        match: /Invalid field \\"note\\"/,
      },
      { name: "malformed JSON", body: "{", expect: 400, match: /Malformed JSON/ },
      { name: "an array", body: json([{ kind: "contacted" }]), expect: 400, match: /Invalid body/ },
      { name: "null", body: "null", expect: 400, match: /Invalid body/ },
      {
        name: "a form body",
        body: "kind=contacted",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        expect: 415,
        match: /expected application\/json/,
      },
      {
        name: "JSON sent as text/plain",
        body: json({ kind: "contacted" }),
        headers: { "content-type": "text/plain" },
        expect: 415,
        match: /expected application\/json/,
      },
      {
        name: "a 1 MB note",
        body: json({ kind: "contacted", note: "x".repeat(MB) }),
        expect: 413,
        match: /at most \d+ bytes/,
      },
    ].map((c) => ({ ...c, headers: c.headers ?? JSON_TYPE })),
    actions,
  );
  for (
    const [name, path] of [
      ["an unknown student", `/v1/cohorts/${cohort}/students/nobody/actions`],
      ["an unknown cohort", `/v1/cohorts/${NO_COHORT}/students/${student}/actions`],
    ]
  ) {
    add("POST /v1/cohorts/{id}/students/{student}/actions", [
      {
        name,
        body: json({ kind: "contacted" }),
        headers: JSON_TYPE,
        expect: 404,
        match: /No cohort|No student/,
      },
    ], path);
  }

  // Outcomes: every row of the file is checked against the cohort; nothing is stored on a problem.
  const outcomes = `/v1/cohorts/${cohort}/outcomes`;
  const ids = ctx.records.slice(0, 4).map((r) => r.student_id);
  for (
    const [name, body, expect, match] of [
      [
        "a student the cohort does not have",
        `student_id,outcome\n${ids[0]},1\nzz,0\n`,
        422,
        at(2, "student_id"),
      ],
      [
        "a student twice",
        `student_id,outcome\n${ids[0]},1\n${ids[1]},0\n${ids[0]},0\n`,
        422,
        at(3, "student_id"),
      ],
      [
        "an outcome that is not one",
        `student_id,outcome\n${ids[0]},1\n${ids[1]},maybe\n`,
        422,
        at(2, "outcome"),
      ],
      ["no outcome column", `student_id,result\n${ids[0]},1\n`, 422, field("outcome")],
      ["no student id column", `sid,outcome\n${ids[0]},1\n`, 422, field("student_id")],
      ["a row with an extra field", `student_id,outcome\n${ids[0]},1,x\n`, 422, /"row":1/],
      ["an empty file", "", 422, /The file is empty/],
      ["a header only", "student_id,outcome\n", 422, /no outcomes/],
      ["not UTF-8", bytes("student_id,outcome\n", [0xc3, 0x28], ",1\n"), 400, /not UTF-8/],
    ] as const
  ) {
    add(
      "POST /v1/cohorts/{id}/outcomes",
      [{ name, body, headers: CSV_TYPE, expect, match }],
      outcomes,
    );
  }
  add("POST /v1/cohorts/{id}/outcomes", [
    {
      name: "an unknown cohort",
      body: `student_id,outcome\n${ids[0]},1\n`,
      headers: CSV_TYPE,
      expect: 404,
      match: /No cohort 987654/,
    },
  ], `/v1/cohorts/${NO_COHORT}/outcomes`);
  add("POST /v1/cohorts/{id}/outcomes", [
    {
      name: "an id column that is not there (?id=)",
      body: `student_id,outcome\n${ids[0]},1\n`,
      headers: CSV_TYPE,
      expect: 422,
      match: field("nope"),
    },
  ], `${outcomes}?id=nope`);
  add("POST /v1/cohorts/{id}/outcomes", [
    {
      name: "a JSON body",
      body: json({ student_id: ids[0], outcome: 1 }),
      headers: JSON_TYPE,
      expect: 415,
      match: /expected text\/csv/,
    },
  ], outcomes);

  for (
    const [name, id] of [["an unknown cohort", `${NO_COHORT}`], [
      "a cohort id that is not a number",
      "abc",
    ], ["a negative id", "-3"]]
  ) {
    add(
      "GET /v1/cohorts/{id}/performance",
      [{ name, expect: 404, match: /No cohort/ }],
      `/v1/cohorts/${id}/performance`,
    );
  }

  for (
    const [name, query, expect, match] of [
      ["an after that is not a number", "after=abc", 400, /Invalid query \\"after\\"/],
      ["a negative after", "after=-1", 400, /Invalid query \\"after\\"/],
      ["an after beyond any id", `after=${"9".repeat(30)}`, 400, /Invalid query \\"after\\"/],
      ["a zero limit", "limit=0", 400, /Invalid query \\"limit\\"/],
      ["a limit that is not a number", "limit=all", 400, /Invalid query \\"limit\\"/],
      ["an unknown format", "format=xml", 400, /Invalid query \\"format\\"/],
      ["the log as JSON", "format=json&limit=5", 200, /"entries":\[/],
    ] as const
  ) {
    add("GET /v1/audit", [{ name, expect, match }], `/v1/audit?${query}`);
  }
  return cases;
}
