/**
 * Checks of hyper-parameters shared by the tree models: each failure is an InputError that
 * names the parameter, the value and what was expected.
 *
 * @module
 */
import { InputError } from "./_deps.ts";

/** Throws an InputError naming the parameter unless `ok`. */
export function _check(ok: boolean, model: string, name: string, value: unknown, expected: string) {
  if (!ok) {
    throw new InputError(
      `Invalid ${model} parameter "${name}": ${JSON.stringify(value)}, expected ${expected}`,
    );
  }
}

/** Merges given parameters over defaults, refusing unknown keys (a misspelt key would be ignored). */
export function _merge<T extends object>(model: string, defaults: T, given: Partial<T>): T {
  const known = Object.keys(defaults);
  for (const key of Object.keys(given)) {
    _check(
      known.includes(key),
      model,
      key,
      (given as Record<string, unknown>)[key],
      `one of ${known.join(", ")}`,
    );
  }
  // An explicit undefined takes the default, as an absent key does.
  const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...defaults, ...set } as T;
}

/** True for a finite number (strings such as "0.1" are refused). */
export function _isNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/** True for an integer of at least `min`. */
export function _isInt(v: unknown, min: number): v is number {
  return Number.isSafeInteger(v) && (v as number) >= min;
}
