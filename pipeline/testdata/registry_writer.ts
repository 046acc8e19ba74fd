/**
 * A child process for the registry's crash test: trains a tiny model, prints
 * `ready`, then saves and activates it again and again until it is killed.
 * The test kills it with SIGKILL at a random moment and checks that the
 * registry it leaves behind is consistent.
 *
 * ```sh
 * deno run --allow-read --allow-write --allow-ffi --allow-sys --allow-env \
 *   pipeline/testdata/registry_writer.ts MODELS_DIR DATA_CSV SPEC_JSON
 * ```
 *
 * @module
 */
import { loadDataset, loadSpec, Registry, trainProfile } from "../mod.ts";

const [modelsDir, dataPath, specPath] = Deno.args;
const spec = await loadSpec(specPath);
const data = await loadDataset(dataPath, spec);
const trained = await trainProfile(data, spec, {
  profile: "early-C",
  seed: 1,
  model: { epochs: 1, hidden: [4] },
});
const registry = new Registry(modelsDir);
await Deno.stdout.write(new TextEncoder().encode("ready\n"));
while (true) {
  const saved = await registry.save(trained, { data, spec });
  await registry.activate(saved.id);
}
