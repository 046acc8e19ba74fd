import assert from "node:assert/strict";

const MAIN = new URL("./main.ts", import.meta.url).pathname;

/** Runs main.ts with the second step's permissions of `deno task peers`, less the Python run. */
async function peers(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env=DROPOUT_DATA",
      "--allow-ffi",
      "--allow-sys=cpus,networkInterfaces,hostname,loadavg",
      MAIN,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("deno task peers exits 2 with one line naming the bad option or path", async (t) => {
  const cases: [string[], RegExp][] = [
    [["--folds", "x"], /^error: Invalid --folds: "x", expected an integer >= 2$/],
    [["--runs", "0"], /^error: Invalid --runs: "0"/],
    [["--peers", "svm"], /^error: Invalid option --peers: "svm", expected names from /],
    [["--profile", "early-Z"], /^error: Invalid option --profile: Unknown profile "early-Z"/],
    [["--data", "/nowhere/students.csv"], /^error: .*\/nowhere\/students\.csv/],
    [["--bogus"], /^error: Unknown option --bogus: see deno task peers --help/],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), async () => {
      const run = await peers(...args);
      assert.equal(run.code, 2, run.stderr);
      const lines = run.stderr.trim().split("\n");
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0], message);
    });
  }
});

Deno.test("deno task peers --help lists the options and exits 0", async () => {
  const run = await peers("--help");
  assert.equal(run.code, 0, run.stderr);
  for (const option of ["--profile", "--folds", "--runs", "--seed", "--data", "--json"]) {
    assert.ok(run.stdout.includes(option), option);
  }
});
