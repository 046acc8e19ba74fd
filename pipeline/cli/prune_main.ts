/**
 * `deno task prune`: removes old models from a registry, keeping every active model and the
 * newest N of each profile (`Registry.prune`, which holds the registry's lock and removes each
 * folder by rename first, so it is safe while servers serve from the same folder).
 *
 * @module
 */
import { DEFAULT_KEEP, Registry } from "../registry/mod.ts";
import { DEFAULT_MODELS, PRUNE } from "./commands.ts";
import { intOption, parseCommand, runMain } from "./kit.ts";

await runMain(async () => {
  const opts = parseCommand(PRUNE, Deno.args);
  const registry = new Registry(opts["models-dir"] ?? DEFAULT_MODELS);
  const keep = intOption("keep", opts.keep, DEFAULT_KEEP, { min: 1 });
  const dryRun = opts["dry-run"] === true;
  const result = await registry.prune({ keep, dryRun });
  for (const id of result.removed) console.log(`${dryRun ? "Would remove" : "Removed"} ${id}`);
  console.log(
    `${
      dryRun ? "Would remove" : "Removed"
    } ${result.removed.length} models from ${registry.dir}; ` +
      `kept ${result.kept.length} (the active ones and the newest ${keep} of each profile)`,
  );
  if (opts.json) console.log(JSON.stringify({ keep, dry_run: dryRun, ...result }));
});
