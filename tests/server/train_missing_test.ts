/**
 * The compiled binary's way to a first model, run as the compile task's entry point with its
 * permission set (`deno run -P=server server/main.ts`, as `_process.ts` starts it): `--train-only`
 * trains the missing models into an empty registry and exits, as the Kubernetes Job runs it, and
 * `--train-missing` trains what is still missing, then serves it, as docker-compose.yml runs it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DATA_PATH } from "../../server/_testing.ts";
import { serverArgs } from "../../server/_launch.ts";
import { startServer } from "./_process.ts";

Deno.test("--train-only fills an empty registry and exits; --train-missing trains the rest, then serves", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dropout-train-missing-" });
  try {
    let active: Record<string, string> = {};
    await t.step(
      "--train-only trains the default and seed models, activates them, exits 0",
      async () => {
        const out = await new Deno.Command(Deno.execPath(), {
          args: [...serverArgs("server/main.ts", dir), "--train-only"],
          cwd: dir,
          env: { DROPOUT_DATA: DATA_PATH, NO_COLOR: "1" },
          stdout: "piped",
          stderr: "piped",
        }).output();
        const logs = new TextDecoder().decode(out.stdout);
        assert.equal(out.code, 0, logs + new TextDecoder().decode(out.stderr));
        active = JSON.parse(await Deno.readTextFile(`${dir}/models/active.json`));
        assert.deepEqual(Object.keys(active).sort(), ["early-A", "seed"]);
        const lines = logs.trim().split("\n").map((l) => JSON.parse(l));
        assert.ok(
          lines.some((l) => /^No active early-A model: training one on 649 rows/.test(l.msg)),
        );
        assert.ok(!lines.some((l) => l.msg === "Listening"), "it does not serve");
      },
    );

    await t.step(
      "--train-missing trains only the missing seed model, then serves both",
      async () => {
        const { seed: _, ...early } = active;
        await Deno.writeTextFile(`${dir}/models/active.json`, JSON.stringify(early));
        const server = await startServer(dir, { DROPOUT_DATA: DATA_PATH }, ["--train-missing"]);
        try {
          const ready = await (await fetch(`${server.url}/ready`)).json();
          assert.equal(ready.models["early-A"], active["early-A"], "the existing model is kept");
          assert.ok(ready.models.seed && ready.models.seed !== active.seed, "a new seed model");
          const logs = server.logs.join("\n");
          assert.match(logs, /No active seed model: training one/);
          assert.doesNotMatch(logs, /No active early-A model/);
        } finally {
          assert.equal(await server.stop(), 0);
        }
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
