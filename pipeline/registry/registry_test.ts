import assert from "node:assert/strict";
import { holdLock } from "../core/_lock_holder.ts";
import { Registry } from "./registry.ts";
import {
  ArtifactError,
  InputError,
  loadDataset,
  loadPredictor,
  loadSpec,
  mulberry32,
  resolveDataPath,
  rowAt,
  scoreRows,
  trainProfile,
} from "../mod.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const SPEC_PATH = `${ROOT}/data/specs/student_dropout.json`;
const DATA_PATH = resolveDataPath(undefined, ROOT);
const WRITER = `${ROOT}/pipeline/testdata/registry_writer.ts`;

const spec = await loadSpec(SPEC_PATH);
const data = await loadDataset(DATA_PATH, spec);
const context = { data, spec };
const rows = Array.from({ length: data.rows }, (_, i) => rowAt(data, i));

/** Quick models: few epochs, since only saving and loading are under test. */
function quickTrain(seed: number, profile = "early-C") {
  return trainProfile(data, spec, { profile, seed, model: { family: "mlp", epochs: 5 } });
}

const first = await quickTrain(1);
const second = await quickTrain(2);

/** Runs `body` with a fresh, empty models folder and removes it afterwards. */
async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "registry_test_" });
  try {
    await body(`${dir}/models`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The names in a folder, sorted. */
async function entries(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir), (e) => e.name)).sort();
}

/** A registry whose write throws at `step`, as a crash there would stop it. */
function crashingAt(dir: string, step: string): Registry {
  return new Registry(dir, {
    onStep: (s) => {
      if (s === step) throw new Error(`simulated crash at ${s}`);
    },
  });
}

/**
 * Asserts a registry is consistent: every listed model loads and scores, active.json parses
 * and names loadable models of the right profile, and nothing is listed twice.
 */
async function assertConsistent(registry: Registry): Promise<void> {
  const listed = await registry.list();
  assert.equal(new Set(listed.map((m) => m.id)).size, listed.length);
  for (const m of listed) {
    const predictor = await registry.load(m.id);
    const [p] = predictor.predict(rows.slice(0, 1));
    assert.ok(p.probability >= 0 && p.probability <= 1, `${m.id} scores`);
    predictor.dispose();
  }
  const active = await registry.active();
  for (const [profile, id] of Object.entries(active)) {
    assert.ok(listed.some((m) => m.id === id && m.profile === profile), `active ${id} is listed`);
  }
}

Deno.test("Registry.save() → load() gives the same predictions", async (t) => {
  await withDir(async (dir) => {
    const registry = new Registry(dir);
    const saved = await registry.save(first, context);

    await t.step(
      "the model folder holds the four files of the format and the model card",
      async () => {
        assert.deepEqual(await entries(`${dir}/${saved.id}`), [
          "MODEL_CARD.md",
          "metadata.json",
          "model.json",
          "preprocessor.json",
          "weights.bin",
        ]);
        assert.deepEqual(await entries(dir), [saved.id]);
      },
    );

    await t.step("the metadata names the profile, seed, data and split", () => {
      assert.match(saved.id, /^early-C-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
      assert.equal(saved.profile, "early-C");
      assert.equal(saved.seed, 1);
      assert.deepEqual(saved.data, {
        source: "student_dropout.csv",
        sha256: data.sha256,
        rows: 649,
        positives: 100,
        prevalence: 100 / 649,
      });
      assert.deepEqual(saved.spec, spec);
      assert.deepEqual(saved.leaks, []);
      assert.equal(
        saved.split.train + saved.split.validation + saved.split.test,
        649,
      );
    });

    await t.step("the loaded predictor scores every row as the trained model does", async () => {
      const predictor = await registry.load(saved.id);
      // The trained pipeline's calibrated scores, computed without the registry.
      const expected = scoreRows(first, data).scores;
      const predictions = predictor.predict(rows);
      assert.deepEqual(Float32Array.from(predictions, (p) => p.probability), expected);
      assert.ok(predictions.every((p) => p.at_risk === (p.probability >= first.threshold)));
      assert.equal(predictor.threshold, first.threshold);
      assert.deepEqual(predictor.bands, first.bands);
      predictor.dispose();
    });

    await t.step("metadata.json parses as the metadata save() returned", async () => {
      const onDisk = JSON.parse(await Deno.readTextFile(`${dir}/${saved.id}/metadata.json`));
      assert.deepEqual(onDisk, JSON.parse(JSON.stringify(saved)));
    });
  });
});

Deno.test("Registry lists, activates and rolls back models", async (t) => {
  await withDir(async (dir) => {
    const registry = new Registry(dir);

    await t.step("a registry that does not exist yet is empty", async () => {
      assert.deepEqual(await registry.list(), []);
      assert.deepEqual(await registry.active(), {});
      assert.equal(await registry.loadActive("early-C"), undefined);
    });

    const a = await registry.save(first, context);
    const b = await registry.save(second, context);

    await t.step("a saved model is listed, newest first, and not active", async () => {
      const listed = await registry.list();
      assert.deepEqual(new Set(listed.map((m) => m.id)), new Set([a.id, b.id]));
      assert.ok(listed[0].created >= listed[1].created);
      assert.ok(listed.every((m) => !m.active));
      const summary = listed.find((m) => m.id === a.id)!;
      assert.equal(summary.profile, "early-C");
      assert.equal(summary.test.roc_auc, a.metrics.test.roc_auc);
      assert.equal(summary.data_sha256, data.sha256);
    });

    await t.step("activate() points the profile at the model", async () => {
      assert.equal(await registry.activate(a.id), "early-C");
      assert.deepEqual(await registry.active(), { "early-C": a.id });
      assert.deepEqual((await registry.list()).filter((m) => m.active).map((m) => m.id), [a.id]);
      assert.equal((await registry.loadActive("early-C"))?.id, a.id);
    });

    await t.step(
      "activating another model replaces it; activating the old one rolls back",
      async () => {
        await registry.activate(b.id);
        assert.deepEqual(await registry.active(), { "early-C": b.id });
        await registry.activate(a.id);
        assert.deepEqual(await registry.active(), { "early-C": a.id });
        const predictor = await registry.loadActive("early-C");
        assert.equal(predictor?.id, a.id);
        predictor?.dispose();
      },
    );

    await t.step("each profile keeps its own active model", async () => {
      const other = await quickTrain(3, "early-B");
      const c = await registry.save(other, context);
      await registry.activate(c.id);
      assert.deepEqual(await registry.active(), { "early-C": a.id, "early-B": c.id });
      other.classifier.dispose();
    });

    await t.step("an unknown or malformed id is an InputError", async () => {
      for (const id of ["early-C-nope", "../models", "a/b", ".tmp-x", ""]) {
        await assert.rejects(() => registry.load(id), InputError, id);
        await assert.rejects(() => registry.activate(id), InputError, id);
        await assert.rejects(() => registry.metadata(id), InputError, id);
      }
      assert.deepEqual((await registry.active())["early-C"], a.id);
    });

    await t.step("a registry file or a folder that is not a model is an InputError", async () => {
      await Deno.writeTextFile(`${dir}/README.md`, "# models\n");
      await Deno.writeTextFile(`${dir}/early-C-20260101T000000Z-abcdef`, "a file, not a folder");
      for (const id of ["README.md", "active.json", "early-C-20260101T000000Z-abcdef"]) {
        await assert.rejects(() => registry.metadata(id), InputError, id);
      }
      await assert.rejects(() => registry.metadata("x".repeat(5000)), (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.ok(error.message.length < 200, "the id is cut in the message");
        return true;
      });
      assert.deepEqual(new Set((await registry.list()).map((m) => m.id)).has("README.md"), false);
    });

    await t.step("an unreadable active.json is an ArtifactError naming it", async () => {
      const pointer = `${dir}/active.json`;
      const saved = await Deno.readTextFile(pointer);
      await Deno.writeTextFile(pointer, "{");
      await assert.rejects(() => registry.active(), (error: unknown) => {
        assert.ok(error instanceof ArtifactError, `expected an ArtifactError, got ${error}`);
        assert.ok(error.message.includes(pointer), error.message);
        return true;
      });
      await Deno.writeTextFile(pointer, saved);
    });

    await t.step("a model folder missing a file is an ArtifactError naming it", async () => {
      const copy = `${dir}/../broken`;
      await Deno.mkdir(copy);
      for (const name of ["metadata.json", "model.json", "preprocessor.json"]) {
        await Deno.copyFile(`${dir}/${a.id}/${name}`, `${copy}/${name}`);
      }
      await assert.rejects(() => loadPredictor(copy), (error: unknown) => {
        assert.ok(error instanceof ArtifactError, `expected an ArtifactError, got ${error}`);
        assert.ok(error.message.includes("weights.bin"), error.message);
        return true;
      });
    });
  });
});

Deno.test("Registry: a crash in the middle of a write leaves the previous state", async (t) => {
  await withDir(async (dir) => {
    const registry = new Registry(dir);
    const previous = await registry.save(first, context);
    await registry.activate(previous.id);
    const before = await entries(dir);

    for (const step of ["files", "rename"]) {
      await t.step(`a crash at "${step}" saves nothing and changes nothing`, async () => {
        await assert.rejects(
          () => crashingAt(dir, step).save(second, context),
          new RegExp(`simulated crash at ${step}`),
        );
        assert.deepEqual(await entries(dir), before);
        assert.deepEqual((await registry.list()).map((m) => m.id), [previous.id]);
        assert.deepEqual(await registry.active(), { "early-C": previous.id });
        await assertConsistent(registry);
      });
    }

    await t.step('a crash at "pointer" keeps the previous model active', async () => {
      const crashing = crashingAt(dir, "pointer");
      const saved = await crashing.save(second, context);
      await assert.rejects(() => crashing.activate(saved.id), /simulated crash at pointer/);
      assert.deepEqual(await registry.active(), { "early-C": previous.id });
      const listed = await registry.list();
      assert.deepEqual(new Set(listed.map((m) => m.id)), new Set([previous.id, saved.id]));
      assert.ok(!listed.find((m) => m.id === saved.id)!.active);
      await assertConsistent(registry);
      const predictor = await registry.loadActive("early-C");
      assert.equal(predictor?.id, previous.id);
      predictor?.dispose();
    });
  });
});

Deno.test("Registry.sweep() removes what crashed writes leave behind", async (t) => {
  await withDir(async (dir) => {
    const registry = new Registry(dir);

    await t.step("a registry folder that does not exist has nothing to sweep", async () => {
      assert.deepEqual(await registry.sweep(), []);
    });

    const kept = await registry.save(first, context);
    await registry.activate(kept.id);
    // What a kill leaves: a half-written model folder and a half-written pointer.
    const tmpModel = `.tmp-early-C-20260101T000000Z-abcdef`;
    await Deno.mkdir(`${dir}/${tmpModel}`);
    await Deno.copyFile(`${dir}/${kept.id}/metadata.json`, `${dir}/${tmpModel}/metadata.json`);
    await Deno.writeTextFile(`${dir}/active.json.1a2b3c4d.tmp`, '{"early-C": "ear');

    await t.step("leftovers are never listed and never active", async () => {
      assert.deepEqual((await registry.list()).map((m) => m.id), [kept.id]);
      assert.deepEqual(await registry.active(), { "early-C": kept.id });
    });

    await t.step("sweep() removes them and only them", async () => {
      const removed = await registry.sweep();
      assert.deepEqual(removed.sort(), [tmpModel, "active.json.1a2b3c4d.tmp"].sort());
      assert.deepEqual(await entries(dir), [kept.id, "active.json"].sort());
      await assertConsistent(registry);
      assert.deepEqual(await registry.sweep(), []);
    });
  });
});

Deno.test("Registry survives a writer killed with SIGKILL at a random moment", async () => {
  const rng = mulberry32(20261126);
  for (let trial = 0; trial < 3; trial++) {
    await withDir(async (dir) => {
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-read",
          "--allow-write",
          "--allow-ffi",
          "--allow-sys",
          "--allow-env",
          WRITER,
          dir,
          DATA_PATH,
          SPEC_PATH,
        ],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let out = "";
      while (!out.includes("ready\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        out += value;
      }
      const delay = Math.floor(rng() * 250);
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill("SIGKILL");
      const [status, stderr] = await Promise.all([
        child.status,
        new Response(child.stderr).text(),
        reader.cancel(),
      ]);
      assert.ok(out.includes("ready\n"), `trial ${trial}: the writer never got ready: ${stderr}`);
      assert.equal(status.signal, "SIGKILL", `trial ${trial}: the writer ended on its own`);

      const registry = new Registry(dir);
      await assertConsistent(registry);
      // The kill may land before the first save completes: an empty registry is consistent too.
      const listed = await registry.list();
      await registry.sweep();
      const left = await entries(dir);
      assert.ok(
        left.every((n) => n === "active.json" || listed.some((m) => m.id === n)),
        `trial ${trial}: after sweep() the folder still holds ${left.join(", ")}`,
      );
      await assertConsistent(registry);
    });
  }
});

Deno.test("Registry.sweep() leaves a save another process has under way", async () => {
  await withDir(async (dir) => {
    const registry = new Registry(dir);
    const kept = await registry.save(first, context);
    // A replica or `deno task train` saving: its folder, and the lock it holds until the rename.
    const saving = `.tmp-early-C-20260101T000000Z-c0ffee`;
    await Deno.mkdir(`${dir}/${saving}`);
    await Deno.copyFile(`${dir}/${kept.id}/metadata.json`, `${dir}/${saving}/metadata.json`);
    const writer = await holdLock(`${dir}/${saving}.lock`);
    const pointer = `active.json.c0ffee00.tmp`;
    const pointing = await holdLock(`${dir}/${pointer}`);
    try {
      assert.deepEqual(await registry.sweep(), []);
      assert.deepEqual(
        await entries(dir),
        [kept.id, saving, `${saving}.lock`, pointer].sort(),
      );
    } finally {
      await writer.release();
      await pointing.release();
    }
    // Once the writer is gone (killed mid-save), the same names are a crash's leftovers.
    assert.deepEqual(
      (await registry.sweep()).sort(),
      [saving, `${saving}.lock`, pointer].sort(),
    );
    assert.deepEqual(await entries(dir), [kept.id]);
  });
});

Deno.test("Registry.prune() keeps the active models and the newest of each profile", async (t) => {
  await withDir(async (dir) => {
    const registry = new Registry(dir);
    const other = await trainProfile(data, spec, {
      profile: "early-B",
      seed: 3,
      model: { family: "mlp", epochs: 5 },
    });
    // Oldest first: five early-C models, the oldest of them active, and two early-B.
    const c: string[] = [];
    for (let i = 0; i < 5; i++) c.push((await registry.save(i % 2 ? second : first, context)).id);
    const b = [(await registry.save(other, context)).id, (await registry.save(other, context)).id];
    other.classifier.dispose();
    await registry.activate(c[0]);
    await registry.activate(b[0]);

    await t.step("a keep below 1 is refused before anything is touched", async () => {
      for (const keep of [0, -1, 1.5, NaN]) {
        await assert.rejects(() => registry.prune({ keep }), InputError);
      }
      assert.equal((await registry.list()).length, 7);
    });

    await t.step("a dry run reports and removes nothing", async () => {
      const { removed } = await registry.prune({ keep: 2, dryRun: true });
      assert.deepEqual(removed, [c[2], c[1]]);
      assert.equal((await registry.list()).length, 7);
    });

    await t.step("keep 2: the two newest per profile and the active ones remain", async () => {
      const { removed, kept } = await registry.prune({ keep: 2 });
      assert.deepEqual(removed, [c[2], c[1]]);
      assert.deepEqual(kept.sort(), [c[0], c[3], c[4], b[0], b[1]].sort());
      assert.deepEqual(await entries(dir), [...kept, "active.json"].sort());
      await assertConsistent(registry);
    });

    await t.step("keep 1 never touches an active model, even the oldest", async () => {
      const { removed } = await registry.prune({ keep: 1 });
      assert.deepEqual(removed, [c[3]]);
      assert.deepEqual(await registry.active(), { "early-C": c[0], "early-B": b[0] });
      assert.deepEqual(
        (await registry.list()).map((m) => m.id).sort(),
        [c[0], c[4], b[0], b[1]].sort(),
      );
      assert.deepEqual((await registry.prune({ keep: 1 })).removed, []);
    });

    await t.step("a model loaded before its prune goes on predicting", async () => {
      const loaded = await registry.load(c[4]);
      const [before] = loaded.predict(rows.slice(0, 1));
      const newer = await registry.save(first, context);
      assert.deepEqual((await registry.prune({ keep: 1 })).removed, [c[4]]);
      assert.deepEqual(
        (await registry.list()).map((m) => m.id).sort(),
        [newer.id, c[0], b[0], b[1]].sort(),
      );
      const [p] = loaded.predict(rows.slice(0, 1));
      assert.equal(p.probability, before.probability);
      assert.ok(p.probability >= 0 && p.probability <= 1);
      loaded.dispose();
    });
  });
});

Deno.test("Registry.prune() racing activate() never leaves active.json naming a removed model", async () => {
  await withDir(async (dir) => {
    const registry = new Registry(dir);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await registry.save(first, context)).id);
    await registry.activate(ids[3]);
    for (const old of [ids[0], ids[1]]) {
      const [pruned, activated] = await Promise.allSettled([
        registry.prune({ keep: 1 }),
        registry.activate(old),
      ]);
      assert.equal(pruned.status, "fulfilled");
      if (activated.status === "rejected") {
        // The prune took the lock first: the activation is refused, naming the model.
        assert.ok(activated.reason instanceof InputError);
        assert.match(activated.reason.message, /Unknown model/);
      }
      await assertConsistent(registry);
    }
  });
});

Deno.test("Registry.prune(): a crash between its two steps leaves only what sweep() removes", async () => {
  await withDir(async (dir) => {
    const ids: string[] = [];
    const registry = new Registry(dir);
    for (let i = 0; i < 3; i++) ids.push((await registry.save(first, context)).id);
    await registry.activate(ids[2]);
    await assert.rejects(() => crashingAt(dir, "prune-remove").prune({ keep: 1 }), /crash/);
    // Both old models were unlisted at once by their renames; neither is listed half-deleted.
    assert.deepEqual((await registry.list()).map((m) => m.id), [ids[2]]);
    const swept = await registry.sweep();
    assert.deepEqual(swept.sort(), [`.tmp-pruned-${ids[0]}`, `.tmp-pruned-${ids[1]}`].sort());
    assert.deepEqual(await entries(dir), [ids[2], "active.json"].sort());
    await assertConsistent(registry);
  });
});
