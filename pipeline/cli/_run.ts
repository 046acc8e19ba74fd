/**
 * The shared ending of every CLI main: run it, and turn what it throws into a
 * message on stderr and an exit code.
 *
 * @module
 */
import { formatIssue, GateError, PipelineError, SchemaError } from "../core/errors.ts";

/** Exit code of a run that finished. */
export const EXIT_OK = 0;
/** Exit code of an unexpected failure (a bug, or the system failing under us). */
export const EXIT_FAILURE = 1;
/** Exit code of a user-facing problem: bad options, an unreadable file, data not matching the spec. */
export const EXIT_USAGE = 2;
/** Exit code of a model that was saved but refused activation by a gate (e.g. `--max-eod`). */
export const EXIT_GATE = 3;

/**
 * Runs a CLI main and exits the process: 0 when it resolves, 2 after printing
 * `error: <message>` (and each schema issue) when it throws a
 * {@linkcode PipelineError}, 1 after printing the stack for anything else.
 *
 * @param main The command's work; it writes its own output.
 * @returns Never: the process exits.
 * @example
 * ```ts
 * if (import.meta.main) await runMain(() => main(Deno.args));
 * ```
 */
export async function runMain(main: () => Promise<void>): Promise<never> {
  try {
    await main();
  } catch (error) {
    if (error instanceof GateError) {
      console.error(`refused: ${error.message}`);
      Deno.exit(EXIT_GATE);
    }
    if (error instanceof PipelineError) {
      console.error(`error: ${error.message}`);
      if (error instanceof SchemaError) {
        for (const issue of error.issues) console.error(`  ${formatIssue(issue)}`);
        const more = error.total - error.issues.length;
        if (more > 0) console.error(`  … and ${more} more`);
      }
      Deno.exit(EXIT_USAGE);
    }
    console.error(error);
    Deno.exit(EXIT_FAILURE);
  }
  Deno.exit(EXIT_OK);
}
