/**
 * `deno task serve` and the compiled `dropout-server`: reads the flags and
 * environment, then serves until SIGTERM. `--healthcheck` instead GETs
 * `/health` on the configured port and exits 0 or 1 (the container's
 * HEALTHCHECK: the runtime image has no curl).
 *
 * Its options are described in `commands.ts` (`--help` prints them). A setup
 * mistake (a bad flag or variable, a port in use, a folder it may not write)
 * is one line on stderr and exit code 2.
 *
 * @module
 */
import { runMain } from "../pipeline/mod.ts";
import { readConfig } from "./config.ts";
import { preflight } from "./preflight.ts";
import { jsonLogger } from "./log.ts";
import { serveUntilSignal } from "./server.ts";

/**
 * GETs `/health` on the local port.
 *
 * @param port The port.
 * @returns 0 when healthy, 1 otherwise.
 */
export async function healthcheck(port: number): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, {
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
    const { config, healthcheck: check } = readConfig(Deno.args, (name) => Deno.env.get(name));
    if (check) Deno.exit(await healthcheck(config.port));
    await preflight(config);
    await serveUntilSignal(config, jsonLogger());
  });
}
