/**
 * What the command-line tasks share: default paths, option parsing helpers
 * and the metrics table.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError, type Metrics } from "../mod.ts";

/** The committed spec of the student data set. */
export const DEFAULT_SPEC = "data/specs/student_dropout.json";
/** Where models are saved unless `--models-dir` says otherwise. */
export const DEFAULT_MODELS = "models";

/**
 * Parses command-line options; an unknown option or a missing value is an InputError (exit 2).
 *
 * @param args The arguments.
 * @param options The node:util parseArgs options.
 * @returns The parsed values.
 */
export function parseOptions<T extends ParseArgsConfig["options"]>(
  args: string[],
  options: T,
): ReturnType<
  typeof parseArgs<{ options: T; args: string[]; allowPositionals: false; strict: true }>
>["values"] {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true }).values;
  } catch (cause) {
    throw new InputError(`Invalid arguments: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Reads an integer option.
 *
 * @param name The option name, for messages.
 * @param value The text given, if any.
 * @param fallback The default.
 * @returns The integer.
 */
export function intOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) {
    throw new InputError(`Invalid option --${name}: "${value}", expected an integer`);
  }
  return n;
}

/**
 * Reads a number option.
 *
 * @param name The option name, for messages.
 * @param value The text given, if any.
 * @returns The number, or undefined when absent.
 */
export function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) {
    throw new InputError(`Invalid option --${name}: "${value}", expected a number`);
  }
  return n;
}

/**
 * Formats validation and test metrics as an aligned text table.
 *
 * @param rows Named metric sets (e.g. validation, test).
 * @returns The table, one line per metric.
 */
export function metricsTable(rows: Record<string, Metrics>): string {
  const keys: (keyof Metrics)[] = [
    "accuracy",
    "balanced_accuracy",
    "precision",
    "recall",
    "f1",
    "roc_auc",
    "pr_auc",
    "brier",
    "log_loss",
  ];
  const names = Object.keys(rows);
  const lines = [["metric", ...names].map((s) => s.padEnd(18)).join("")];
  for (const key of keys) {
    lines.push(
      [key, ...names.map((n) => (rows[n][key] as number).toFixed(4))].map((s) => s.padEnd(18)).join(
        "",
      ),
    );
  }
  for (const n of names) {
    const c = rows[n].confusion;
    lines.push(`${n} confusion: tp ${c.tp}  fp ${c.fp}  tn ${c.tn}  fn ${c.fn}  (n ${rows[n].n})`);
  }
  return lines.join("\n");
}
