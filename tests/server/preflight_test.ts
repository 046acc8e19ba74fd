/**
 * The server's entry point, started as the serve task starts it (`-P=server`), refusing a setup
 * mistake at once with one line: a port in use, a bad port, a registry the permission set does not
 * let it write.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ROOT } from "../../server/_testing.ts";
import { freePort, serverArgs } from "../../server/_launch.ts";

async function serve(env: Record<string, string>, args: string[] = []) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...serverArgs("server/main.ts"), ...args],
    cwd: ROOT,
    env: { HOST: "127.0.0.1", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("The server refuses a setup mistake with one line and exit code 2", async (t) => {
  await t.step("a port in use is named", async () => {
    const port = freePort();
    const taken = Deno.listen({ hostname: "127.0.0.1", port });
    try {
      const run = await serve({ PORT: String(port) });
      assert.equal(run.code, 2, run.stderr);
      assert.equal(
        run.stderr.trim(),
        `error: Cannot listen on 127.0.0.1:${port}: the port is in use; choose another with --port or PORT`,
      );
    } finally {
      taken.close();
    }
  });
  await t.step("a port out of range names the variable, a bad --port the flag", async () => {
    const env = await serve({ PORT: "99999" });
    assert.equal(env.code, 2);
    assert.equal(env.stderr.trim(), 'error: Invalid PORT: "99999", expected an integer 0–65535');
    const flag = await serve({}, ["--port", "abc"]);
    assert.equal(flag.code, 2);
    assert.equal(flag.stderr.trim(), 'error: Invalid --port: "abc", expected an integer 0–65535');
  });
  await t.step("a registry outside the permission set is named", async () => {
    const dir = await Deno.makeTempDir();
    try {
      const run = await serve({ PORT: String(freePort()), MODELS_DIR: dir });
      assert.equal(run.code, 2);
      assert.equal(
        run.stderr.trim(),
        `error: Cannot write the model registry ${dir}: the server may write only under models/ ` +
          `and data/uploads/ (the "server" permission set of deno.json)`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
  await t.step("--help prints the options and exits 0", async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [...serverArgs("server/main.ts"), "--help"],
      cwd: ROOT,
      stdout: "piped",
    }).output();
    assert.equal(out.code, 0);
    assert.match(new TextDecoder().decode(out.stdout), /^Usage: deno task serve \[--port N\]/m);
  });
});
