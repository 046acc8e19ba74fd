import assert from "node:assert/strict";
import {
  type Command,
  HelpRequested,
  helpText,
  intOption,
  numberOption,
  outputOption,
  parseCommand,
  portOption,
  usageLine,
} from "./kit.ts";
import { InputError } from "../core/mod.ts";

const DEMO = {
  task: "demo",
  summary: "Do a demonstration",
  options: {
    seed: { value: "N", help: "The seed" },
    leak: { value: "COLUMN", multiple: true, help: "A leak column" },
    fast: { help: "Go fast", conflicts: ["slow"] },
    slow: { help: "Go slow", conflicts: ["fast"] },
  },
} as const satisfies Command;

const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error.message;
  }
  assert.fail("expected an InputError");
};

Deno.test("parseCommand() reads values, lists and flags as the description says", () => {
  const opts = parseCommand(DEMO, ["--seed", "7", "--leak", "a", "--leak", "b", "--fast"]);
  assert.equal(opts.seed, "7");
  assert.deepEqual(opts.leak, ["a", "b"]);
  assert.equal(opts.fast, true);
  assert.equal(opts.slow, undefined);
  assert.deepEqual(opts._, []);
});

Deno.test("parseCommand() names an unknown option and where to find the valid ones", () => {
  assert.equal(
    message(() => parseCommand(DEMO, ["--sed", "7"])),
    "Unknown option --sed: see deno task demo --help",
  );
  assert.match(message(() => parseCommand(DEMO, ["--seed"])), /--seed.*see deno task demo --help$/);
  assert.match(message(() => parseCommand(DEMO, ["extra"])), /extra.*see deno task demo --help$/);
});

Deno.test("parseCommand() refuses options that exclude each other", () => {
  assert.equal(
    message(() => parseCommand(DEMO, ["--fast", "--slow"])),
    "Options --fast and --slow exclude each other: give one of them",
  );
});

Deno.test("parseCommand() answers --help and -h with the generated help", () => {
  for (const flag of ["--help", "-h"]) {
    assert.throws(() => parseCommand(DEMO, [flag]), (error: unknown) => {
      assert.ok(error instanceof HelpRequested);
      assert.equal(error.text, helpText(DEMO));
      return true;
    });
  }
  const help = helpText(DEMO);
  assert.match(
    help,
    /^Do a demonstration\.\n\nUsage: deno task demo \[--seed N\] \[--leak COLUMN \.\.\.\] \[--fast\] \[--slow\]\n/,
  );
  assert.match(help, /\n {2}--fast\s+Go fast \(not with --slow\)\n/);
  assert.match(help, /\n {2}--help\s+Print this help and exit$/);
  assert.equal(
    usageLine({ ...DEMO, positionals: "[NAME ...]" }).endsWith("[--slow] [NAME ...]"),
    true,
  );
});

Deno.test("intOption(), numberOption() and portOption() name the option or variable and the bounds", () => {
  assert.equal(intOption("folds", undefined, 10), 10);
  assert.equal(intOption("folds", "5", 10, { min: 2 }), 5);
  assert.equal(
    message(() => intOption("folds", "1", 10, { min: 2 })),
    'Invalid --folds: "1", expected an integer >= 2',
  );
  assert.equal(
    message(() => intOption("seed", "4.5", 42)),
    'Invalid --seed: "4.5", expected an integer',
  );
  assert.equal(portOption("port", "8080", 8000), 8080);
  assert.equal(portOption("PORT", "", 8000), 8000);
  assert.equal(
    message(() => portOption("PORT", "99999", 8000)),
    'Invalid PORT: "99999", expected an integer 0–65535',
  );
  assert.equal(
    message(() => portOption("port", "abc", 8000)),
    'Invalid --port: "abc", expected an integer 0–65535',
  );
  assert.equal(numberOption("test", "0.2", { above: 0, below: 1 }), 0.2);
  assert.equal(
    message(() => numberOption("validation", "0", { above: 0, below: 1 })),
    'Invalid --validation: "0", expected a number strictly between 0 and 1',
  );
});

Deno.test("outputOption() names the path whose folder is missing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await outputOption("out", `${dir}/x.csv`), `${dir}/x.csv`);
    await assert.rejects(() => outputOption("out", `${dir}/missing/x.csv`), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(
        error.message,
        `Cannot write --out ${dir}/missing/x.csv: the folder ${dir}/missing does not exist`,
      );
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
