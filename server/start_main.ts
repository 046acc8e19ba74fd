/**
 * `deno task start`: trains the default profile's model and the `seed`
 * (compatibility) model when they are missing, prints the summary of the
 * active models, then serves them (the server's `PORT`, `ADMIN_TOKEN`, …
 * apply) until SIGTERM.
 *
 * @module
 */
import { loadSpec, Registry } from "../pipeline/mod.ts";
import { ensureActiveModels } from "./ensure_models.ts";
import { readConfig } from "./config.ts";
import { serveUntilSignal } from "./server.ts";
import { DEFAULT_SPEC, parseCommand, runMain } from "../pipeline/mod.ts";
import { START } from "./commands.ts";
import { preflight } from "./preflight.ts";

await runMain(async () => {
  const opts = parseCommand(START, Deno.args);
  // Read the server's settings and check its port and folders first, so that a bad variable, a
  // port in use or a folder it may not write fails before any training.
  const read = readConfig([], (name) => Deno.env.get(name)).config;
  const config = { ...read, modelsDir: opts["models-dir"] ?? read.modelsDir };
  await preflight(config);
  const specPath = opts.spec ?? DEFAULT_SPEC;
  const spec = await loadSpec(specPath);
  // The same registry the server would use: --models-dir, else MODELS_DIR, else ./models.
  const registry = new Registry(config.modelsDir);
  const profiles = [spec.default_profile ?? Object.keys(spec.profiles)[0]];
  if (spec.profiles.seed) profiles.push("seed");
  await ensureActiveModels(registry, spec, {
    profiles,
    data: opts.data,
    log: (l) => console.log(l),
  });
  console.log("Active models:");
  for (const m of (await registry.list()).filter((m) => m.active)) {
    const leak = m.leaks.length > 0
      ? `  (uses leak column ${m.leaks.join(", ")}: compatibility only)`
      : "";
    console.log(
      `  ${m.profile.padEnd(8)} ${m.id}  test ROC-AUC ${m.test.roc_auc.toFixed(3)}  F1 ${
        m.test.f1.toFixed(3)
      }  recall ${m.test.recall.toFixed(3)}${leak}`,
    );
  }
  await serveUntilSignal({
    ...config,
    specPath,
    modelsDir: registry.dir,
    dataPath: opts.data ?? config.dataPath,
  });
});
