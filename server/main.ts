/**
 * `deno task serve` and the compiled `dropout-server`: reads the flags and
 * environment, then serves until SIGTERM.
 *
 * - `--train-missing` first trains and activates the default and seed models
 *   that have none (on `--data` or `DROPOUT_DATA`), as `deno task start` does:
 *   a container with its data mounted and an empty registry volume serves
 *   predictions without a step of its own.
 * - `--train-only` trains them and exits (a training job beside the replicas,
 *   which pick the new models up from `active.json`).
 * - `--healthcheck` instead GETs `/ready` on the configured port and exits 0
 *   (models loaded) or 1: the container's HEALTHCHECK, since the runtime image
 *   has no curl. A container that cannot predict is not healthy.
 *
 * Its options are described in `commands.ts` (`--help` prints them). A setup
 * mistake (a bad flag or variable, a port in use, a folder it may not write)
 * is one line on stderr and exit code 2.
 *
 * @module
 */
import { runMain } from "../pipeline/mod.ts";
import { readConfig } from "./config/mod.ts";
import { trainMissingModels } from "./training/mod.ts";
import { preflight } from "./preflight.ts";
import { jsonLogger } from "./ops/mod.ts";
import { serveUntilSignal } from "./server.ts";

/**
 * GETs `/ready` on the local port.
 *
 * @param port The port.
 * @returns 0 when ready (the default profile's model is loaded), 1 otherwise.
 */
export async function healthcheck(port: number): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/ready`, {
      signal: AbortSignal.timeout(3000),
    });
    await res.body?.cancel();
    return res.ok ? 0 : 1;
  } catch {
    return 1;
  }
}

if (import.meta.main) {
  await runMain(async () => {
    const { config, healthcheck: check, train } = readConfig(
      Deno.args,
      (name) => Deno.env.get(name),
    );
    if (check) Deno.exit(await healthcheck(config.port));
    // A training job does not listen: its port is not checked.
    await preflight(train === "only" ? { ...config, port: 0 } : config);
    if (train) {
      const logger = jsonLogger(Date.now, config.logLevel);
      await trainMissingModels({
        modelsDir: config.modelsDir,
        specPath: config.specPath,
        data: config.dataPath,
        log: (line) => logger.log("info", line.trim()),
      });
      if (train === "only") return;
    }
    await serveUntilSignal(config, jsonLogger(Date.now, config.logLevel));
  });
}
