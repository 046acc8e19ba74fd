/**
 * Exact Shapley values of a tree ensemble by enumerating every coalition, for the tests: the
 * reference the TreeSHAP recursion and tables must equal.
 *
 * @module
 */
import { _goesLeft, type TreeArrays } from "../_ensemble.ts";

/** The path-dependent expectation of one tree given the columns in `known` (a bit mask). */
export function conditional(
  t: TreeArrays,
  node: number,
  x: ArrayLike<number>,
  known: number,
): number {
  const f = t.feature[node];
  if (f < 0) return t.value[node];
  const l = t.left[node];
  const r = t.right[node];
  if (known & (1 << f)) return conditional(t, _goesLeft(t, node, x[f]) ? l : r, x, known);
  return (t.cover[l] * conditional(t, l, x, known) + t.cover[r] * conditional(t, r, x, known)) /
    (t.cover[l] + t.cover[r]);
}

/** Exact Shapley values of the sum of the trees by enumerating all 2^d coalitions. */
export function bruteForce(t: TreeArrays, x: ArrayLike<number>, d: number): Float64Array {
  const v = (known: number) => t.roots.reduce((s, root) => s + conditional(t, root, x, known), 0);
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const phi = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    for (let s = 0; s < 1 << d; s++) {
      if (s & (1 << i)) continue;
      let size = 0;
      for (let k = 0; k < d; k++) size += (s >> k) & 1;
      const weight = (fact(size) * fact(d - size - 1)) / fact(d);
      phi[i] += weight * (v(s | (1 << i)) - v(s));
    }
  }
  return phi;
}
