/**
 * Checks made before the server loads or trains anything, so that a mistake in the setup fails at
 * once with one line naming the port or folder, not after the models have loaded with Deno's own
 * `AddrInUse` or `NotCapable` trace.
 *
 * @module
 */
import { InputError } from "../pipeline/mod.ts";
import type { Config } from "./config/mod.ts";

/**
 * Checks that the server can listen on its address and write its registry and uploads folders.
 *
 * @param config The configuration.
 * @throws InputError naming the port in use, the address that cannot be bound, or the folder the
 *   permission set does not let the server write.
 */
export async function preflight(config: Config): Promise<void> {
  for (
    const [what, path] of [["model registry", config.modelsDir], [
      "uploads folder",
      config.uploadsDir,
    ]]
  ) {
    const { state } = await Deno.permissions.query({ name: "write", path });
    if (state !== "granted") {
      throw new InputError(
        `Cannot write the ${what} ${path}: the server may write only under models/ and ` +
          `data/uploads/ (the "server" permission set of deno.json)`,
      );
    }
  }
  if (config.port === 0) return;
  let listener: Deno.Listener | undefined;
  try {
    listener = Deno.listen({ hostname: config.hostname, port: config.port });
  } catch (error) {
    const where = `${config.hostname}:${config.port}`;
    if (error instanceof Deno.errors.AddrInUse) {
      throw new InputError(
        `Cannot listen on ${where}: the port is in use; choose another with --port or PORT`,
        { cause: error },
      );
    }
    if (error instanceof Deno.errors.AddrNotAvailable) {
      throw new InputError(
        `Cannot listen on ${where}: no interface has that address; set --host or HOST`,
        { cause: error },
      );
    }
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw new InputError(
        `Cannot listen on ${where}: not allowed (${(error as Error).message.split("\n")[0]})`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    listener?.close();
  }
}
