/**
 * The first step of `deno task peers`: make sure the pinned Python venv exists. A step of its
 * own because Deno refuses writes to the folder of a program it may run, and the second step
 * runs the venv's interpreter; this one runs only `python3`.
 *
 * @module
 */
import { PipelineError } from "../../pipeline/mod.ts";
import { ensureVenv } from "./venv.ts";

if (import.meta.main) {
  try {
    await ensureVenv({ log: (line) => console.error(line) });
  } catch (error) {
    console.error(error instanceof PipelineError ? `error: ${error.message}` : error);
    Deno.exit(error instanceof PipelineError ? 2 : 1);
  }
}
