/**
 * What the command-line tasks share: default paths, option parsing helpers
 * and the metrics table.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError } from "../core/mod.ts";
import {
  type FairnessReport,
  type Metrics,
  parsePolicy,
  POLICY_FORMS,
  type ThresholdPolicy,
} from "../evaluate/mod.ts";
import type { ModelParams } from "../models/mod.ts";
import { COMPARED_METRICS } from "../figures/mod.ts";

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
  const keys: (keyof Metrics)[] = [...COMPARED_METRICS, "brier", "log_loss"];
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

/**
 * Reads the `--policy` option (see `parsePolicy`).
 *
 * @param value The text given, if any.
 * @param fallback The default policy.
 * @returns The policy.
 * @throws InputError naming the option and the valid forms.
 */
export function policyOption(
  value: string | undefined,
  fallback: ThresholdPolicy,
): ThresholdPolicy {
  if (value === undefined) return fallback;
  const policy = parsePolicy(value);
  if (!policy) {
    throw new InputError(`Invalid option --policy: "${value}", expected ${POLICY_FORMS}`);
  }
  return policy;
}

/**
 * Reads model hyper-parameters given as JSON (checked later by `modelParams`).
 *
 * @param value The JSON text given, if any.
 * @returns The parameters.
 */
export function paramsOption(value: string | undefined): Partial<ModelParams> | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = JSON.parse(value);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed;
  } catch {
    // reported below
  }
  throw new InputError(
    `Invalid option --params: expected a JSON object such as '{"hidden":[32],"ensemble":5}'`,
  );
}

/**
 * Formats the fairness audit as a text table.
 *
 * @param reports One report per sensitive column.
 * @returns The table.
 */
export function fairnessTable(reports: FairnessReport[]): string {
  const lines = ["fairness (test)   group      n   TPR    FPR    precision  flagged"];
  for (const f of reports) {
    for (const g of f.groups) {
      lines.push(
        `  ${f.column.padEnd(15)} ${g.group.padEnd(8)} ${String(g.n).padStart(3)}   ${
          g.tpr.toFixed(3)
        }  ${g.fpr.toFixed(3)}  ${g.precision.toFixed(3)}      ${g.positive_rate.toFixed(3)}`,
      );
    }
    lines.push(
      `  ${f.column.padEnd(15)} equalized-odds difference ${
        f.equalized_odds_difference.toFixed(3)
      }, demographic-parity difference ${f.demographic_parity_difference.toFixed(3)}`,
    );
  }
  return lines.join("\n");
}
