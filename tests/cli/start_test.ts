/**
 * The README's main command, `deno task start`, run as a user runs it: with no model it trains the
 * default profile's and the seed profile's into the registry `MODELS_DIR` names, lists them, then
 * serves them, and SIGTERM stops it cleanly.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DATA_PATH, ROOT } from "../../server/_testing.ts";
import { freePort, stopChild } from "../../server/_launch.ts";

Deno.test("deno task start trains into MODELS_DIR when it is empty, then serves those models", async () => {
  // The server permission set lets it write under models/ and data/uploads/ only, as a user's
  // `deno task start` does; a dot-folder there is one the registry never lists.
  const dir = await Deno.makeTempDir({ dir: `${ROOT}models`, prefix: ".start_test_" });
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "start"],
    cwd: ROOT,
    env: {
      MODELS_DIR: `${dir}/models`,
      UPLOADS_DIR: `${dir}/uploads`,
      DROPOUT_DATA: DATA_PATH,
      PORT: String(port),
      HOST: "127.0.0.1",
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) lines.push(text);
  };
  const reading = Promise.all([collect(child.stdout), collect(child.stderr)]);
  const url = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 120_000;
    while (true) {
      const ready = await fetch(`${url}/ready`).then(async (r) => {
        await r.body?.cancel();
        return r.ok;
      }, () => false);
      if (ready) break;
      assert.ok(Date.now() < deadline, `not ready within 120 s:\n${lines.join("")}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const active = JSON.parse(await Deno.readTextFile(`${dir}/models/active.json`));
    assert.deepEqual(Object.keys(active).sort(), ["early-A", "seed"]);
    const out = lines.join("");
    assert.match(out, /No active early-A model: training one on 649 rows/);
    assert.match(
      out,
      new RegExp(`Active models:\\n(  .*\\n)*  early-A  ${active["early-A"]}  test ROC-AUC `),
    );
    const res = await fetch(`${url}/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ Grade_1: 8, Grade_2: 9 }),
    });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).model, active["early-A"], "it serves what it trained");
  } finally {
    const code = await stopChild(child, reading);
    await Deno.remove(dir, { recursive: true });
    assert.equal(code, 0, `exit code after SIGTERM:\n${lines.join("").slice(-2000)}`);
  }
});
