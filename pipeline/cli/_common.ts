/**
 * What the pipeline's tasks share beyond the kit: the policy and parameter
 * options, and the metrics and fairness tables.
 *
 * @module
 */
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
import { loadSpec } from "../data/mod.ts";
import type { Registry } from "../registry/mod.ts";
import { DEFAULT_SPEC } from "./commands.ts";

/**
 * The model a task uses: `--model ID`, else the active model of `--profile` (or of the spec's
 * default profile).
 *
 * @param registry The registry.
 * @param opts The options given.
 * @returns The model id.
 * @throws InputError for an unknown profile or a profile without an active model.
 */
export async function modelOption(
  registry: Registry,
  opts: { model?: string; profile?: string; spec?: string },
): Promise<string> {
  if (opts.model) return opts.model;
  const spec = await loadSpec(opts.spec ?? DEFAULT_SPEC);
  const profile = opts.profile ?? spec.default_profile ?? Object.keys(spec.profiles)[0];
  if (!Object.hasOwn(spec.profiles, profile)) {
    throw new InputError(
      `Invalid option --profile: "${profile}", expected one of ${
        Object.keys(spec.profiles).join(", ")
      }`,
    );
  }
  const id = (await registry.active())[profile];
  if (!id) {
    throw new InputError(
      `No active model for profile "${profile}" in ${registry.dir}: run deno task train --profile ${profile} first`,
    );
  }
  return id;
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
  value: unknown,
  fallback: ThresholdPolicy,
): ThresholdPolicy {
  if (value === undefined) return fallback;
  const policy = parsePolicy(String(value));
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
export function paramsOption(value: unknown): Partial<ModelParams> | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = JSON.parse(String(value));
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
