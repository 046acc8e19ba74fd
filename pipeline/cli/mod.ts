/**
 * The command-line kit the tasks share: option parsing, exit codes and text tables. The task
 * entry points (`*_main.ts`) sit beside it; `server/` reuses the kit for its own entry points.
 *
 * @module
 */
export {
  DEFAULT_MODELS,
  DEFAULT_SPEC,
  fairnessTable,
  intOption,
  metricsTable,
  numberOption,
  paramsOption,
  parseOptions,
  policyOption,
} from "./_common.ts";
export { EXIT_FAILURE, EXIT_GATE, EXIT_OK, EXIT_USAGE, runMain } from "./_run.ts";
