import assert from "node:assert/strict";
import {
  checkHeader,
  csvLine,
  INPUT_LIMITS,
  neutralised,
  parseDataset,
  SchemaError,
  shownName,
  shownNames,
} from "../mod.ts";
import { INTEGER, NUMBER } from "./cells.ts";
import { FIGURE_SPEC } from "../testdata/figures_fixture.ts";

/** The median time of a few runs of `fn`, in milliseconds. */
function timed(fn: () => void): number {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    fn();
    runs.push(performance.now() - t0);
  }
  return runs.sort((a, b) => a - b)[2];
}

Deno.test("checkHeader() refuses too many columns or a too long name at once", async (t) => {
  await t.step("a header within the bounds passes, quoted or not", () => {
    checkHeader('a,"b,c",d\n1,2,3\n', "ok.csv");
    checkHeader(`${"x".repeat(INPUT_LIMITS.nameChars)},y\r\n`, "ok.csv");
  });
  await t.step("one column past the bound is refused, naming the bound", () => {
    const header = Array.from({ length: INPUT_LIMITS.columns + 1 }, (_, i) => `c${i}`).join(",");
    assert.throws(
      () => checkHeader(`${header}\n1\n`, "wide.csv"),
      SchemaError,
      `Invalid data in wide.csv: the header names more than ${INPUT_LIMITS.columns} columns`,
    );
  });
  await t.step("a 20 MB name is refused, and the message stays short", () => {
    const text = `Age,${"n".repeat(20_000_000)}\n1,2\n`;
    const t0 = performance.now();
    assert.throws(() => checkHeader(text, "long.csv"), (error: unknown) => {
      assert.ok(error instanceof SchemaError);
      assert.match(error.message, /^Invalid data in long\.csv: a column name is longer than 128/);
      assert.ok(error.message.length < 250, `${error.message.length} characters`);
      return true;
    });
    assert.ok(performance.now() - t0 < 100, "the walk stops at the bound");
  });
  await t.step("a quoted name counts its characters, not its quotes", () => {
    checkHeader(`"${"q".repeat(INPUT_LIMITS.nameChars)}"\n`, "q.csv");
    assert.throws(() => checkHeader(`"${'""'.repeat(INPUT_LIMITS.nameChars)}x"\n`, "q.csv"));
  });
});

Deno.test("parseDataset() refuses a 20 MB header name without echoing it", async () => {
  const csv = `campus,grade,club,gpa,withdrew,${"z".repeat(20_000_000)}\nnorth,4,yes,1.0,true,1\n`;
  const t0 = performance.now();
  await assert.rejects(
    () => parseDataset(new TextEncoder().encode(csv), FIGURE_SPEC, { allowExtra: true }),
    (error: unknown) => {
      assert.ok(error instanceof SchemaError);
      assert.ok(error.message.length < 300, `${error.message.length} characters`);
      return true;
    },
  );
  assert.ok(performance.now() - t0 < 1000, `${performance.now() - t0} ms`);
});

Deno.test("shownName() and shownNames() cut names and count the rest", () => {
  assert.equal(shownName("Age"), "Age");
  assert.equal(shownName("x".repeat(1000)), `${"x".repeat(128)}… (1000 characters)`);
  const names = Array.from({ length: 13 }, (_, i) => `c${i}`);
  assert.equal(shownNames(names), "c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 and 3 more");
  assert.ok(shownNames(["y".repeat(10_000_000), "b"]).length < 200);
});

Deno.test("neutralised() and csvLine() keep formulas from running in a spreadsheet", async (t) => {
  await t.step("text starting with = + - @ tab or CR gets a leading quote", () => {
    for (
      const text of [
        "=cmd|' /C calc'!A0",
        '=HYPERLINK("http://x","y")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
      ]
    ) {
      assert.equal(neutralised(text), `'${text}`, JSON.stringify(text));
    }
  });
  await t.step("plain numbers, ordinary text and already neutralised text are left alone", () => {
    for (const text of ["-3.5", "+2", "1e-3", "S-001", "'=x", "", "hello"]) {
      assert.equal(neutralised(text), text);
    }
  });
  await t.step("csvLine() neutralises strings and writes numbers as they are", () => {
    assert.equal(csvLine([-3.5, "-3.5", "=1+2", "@x,y", true]), `-3.5,-3.5,'=1+2,"'@x,y",true\n`);
    assert.equal(csvLine(['=HYPERLINK("a")']), `"'=HYPERLINK(""a"")"\n`);
  });
});

Deno.test("the cell patterns take linear time on a long near-match", () => {
  const short = "1".repeat(4_000) + "x";
  const long = "1".repeat(40_000) + "x";
  for (const pattern of [NUMBER, INTEGER]) {
    assert.equal(pattern.test(long), false);
    const [a, b] = [timed(() => pattern.test(short)), timed(() => pattern.test(long))];
    // Ten times the length: about ten times the time when linear, a hundred when quadratic.
    assert.ok(b < 5 || b < 30 * Math.max(a, 0.05), `${pattern}: ${a} ms, then ${b} ms`);
  }
  assert.ok(NUMBER.test("-3.5e+2") && NUMBER.test(".5") && NUMBER.test("7.") && !NUMBER.test("."));
});
