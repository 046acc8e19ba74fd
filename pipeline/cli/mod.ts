/**
 * The command-line kit the tasks share: commands described as data, the parser and `--help` made
 * from them, option readers, exit codes and text tables. The task entry points (`*_main.ts`) sit
 * beside it; `server/`, `bench/` and `notebooks/` reuse the kit for their own entry points.
 *
 * @module
 */
export {
  type Command,
  EXIT_FAILURE,
  EXIT_GATE,
  EXIT_OK,
  EXIT_ROWS_FAILED,
  EXIT_USAGE,
  HelpRequested,
  helpText,
  intOption,
  numberOption,
  type OptionSpec,
  type OptionValues,
  outputOption,
  parseCommand,
  portOption,
  RowsFailed,
  runMain,
  usageLine,
} from "./kit.ts";
export {
  CV,
  DEFAULT_MODELS,
  DEFAULT_SPEC,
  DRIFT,
  PIPELINE_COMMANDS,
  PRUNE,
  SCORE,
  SPEC_COMMAND,
  SPLIT,
  TRAIN,
  TUNE,
} from "./commands.ts";
export { fairnessTable, metricsTable, paramsOption, policyOption } from "./_common.ts";
