/**
 * The activation gate: a newly trained model replaces the active one only if
 * its test ROC-AUC is no worse than the active model's by more than a
 * tolerance. `force` activates it anyway (and says so).
 *
 * @module
 */
import type { ModelMetadata } from "../../pipeline/mod.ts";

/** The gate's decision and the figures behind it. */
export interface GateResult {
  /** The metric compared. */
  metric: "roc_auc";
  /** The candidate's test value. */
  candidate: number;
  /** The active model's test value, when there is an active model. */
  active?: number;
  /** The active model's id. */
  active_model?: string;
  /** How much lower the candidate may be. */
  tolerance: number;
  /** Whether the candidate is activated. */
  passed: boolean;
  /** True when it passed only because of `force`. */
  forced: boolean;
  /** The decision in words. */
  reason: string;
}

/**
 * Decides whether a candidate model may replace the active one.
 *
 * @param candidate The new model's metadata.
 * @param active The active model's metadata, if any.
 * @param options The tolerance and whether to force activation.
 * @returns The decision.
 */
export function applyGate(
  candidate: ModelMetadata,
  active: ModelMetadata | undefined,
  options: { tolerance: number; force?: boolean },
): GateResult {
  const value = candidate.metrics.test.roc_auc;
  const base = { metric: "roc_auc" as const, candidate: value, tolerance: options.tolerance };
  if (!active) {
    return { ...base, passed: true, forced: false, reason: "No active model to compare with" };
  }
  const floor = active.metrics.test.roc_auc - options.tolerance;
  const ok = value >= floor;
  const figures = `test ROC-AUC ${value.toFixed(4)} vs ${
    active.metrics.test.roc_auc.toFixed(4)
  } (tolerance ${options.tolerance})`;
  return {
    ...base,
    active: active.metrics.test.roc_auc,
    active_model: active.id,
    passed: ok || (options.force ?? false),
    forced: !ok && (options.force ?? false),
    reason: ok
      ? `Passed: ${figures}`
      : options.force
      ? `Forced: ${figures}`
      : `Rejected: ${figures}`,
  };
}
