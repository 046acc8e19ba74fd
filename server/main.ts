/**
 * `deno task serve` and the compiled `dropout-server`: reads the flags and
 * environment, then serves until SIGTERM. `--healthcheck` instead GETs
 * `/health` on the configured port and exits 0 or 1 (the container's
 * HEALTHCHECK: the runtime image has no curl).
 *
 * Flags: `--port`, `--host`, `--models-dir`, `--uploads-dir`, `--data`,
 * `--spec`, `--workers N`, `--microbatch on|off`, `--healthcheck`.
 *
 * @module
 */
import { formatIssue, PipelineError, SchemaError } from "../pipeline/mod.ts";
import { ENV_VARS, readConfig } from "./config.ts";
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
  const logger = jsonLogger();
  try {
    const env = (name: (typeof ENV_VARS)[number]) => Deno.env.get(name);
    const { config, healthcheck: check } = readConfig(Deno.args, env);
    if (check) Deno.exit(await healthcheck(config.port));
    await serveUntilSignal(config, logger);
    Deno.exit(0);
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    const issues = error instanceof SchemaError ? error.issues.map(formatIssue) : undefined;
    logger.log("error", error.message, { issues });
    Deno.exit(2);
  }
}
