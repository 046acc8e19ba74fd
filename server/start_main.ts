/**
 * `deno task start`: trains the default profile's model and the `seed`
 * (compatibility) model when they are missing, prints the summary of the
 * active models, then serves them (the server's `PORT`, `ADMIN_TOKEN`, …
 * apply) until SIGTERM.
 *
 * @module
 */
import { trainMissingModels } from "./training/mod.ts";
import { readConfig } from "./config/mod.ts";
import { serveUntilSignal } from "./server.ts";
import { DEFAULT_SPEC, parseCommand, runMain } from "../pipeline/mod.ts";
import { START } from "./config/mod.ts";
import { preflight } from "./preflight.ts";

await runMain(async () => {
  const opts = parseCommand(START, Deno.args);
  // Read the server's settings and check its port and folders first, so that a bad variable, a
  // port in use or a folder it may not write fails before any training.
  const read = readConfig([], (name) => Deno.env.get(name)).config;
  const config = {
    ...read,
    // The same registry the server would use: --models-dir, else MODELS_DIR, else ./models.
    modelsDir: opts["models-dir"] ?? read.modelsDir,
    specPath: opts.spec ?? DEFAULT_SPEC,
    dataPath: opts.data ?? read.dataPath,
  };
  await preflight(config);
  await trainMissingModels({
    modelsDir: config.modelsDir,
    specPath: config.specPath,
    data: opts.data,
    log: (l) => console.log(l),
  });
  await serveUntilSignal(config);
});
