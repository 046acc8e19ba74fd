/**
 * nodejs-polars, loaded on first use. Its native addon adds about 25 MB to a
 * process, and the server's prediction path never reads a DataFrame: it is
 * loaded when a CSV is (an upload, a training job, a chart of the data).
 *
 * @module
 */
import type pl from "nodejs-polars";

/** The nodejs-polars namespace (`pl`). */
export type Polars = typeof pl;

let loading: Promise<Polars> | undefined;

/**
 * The nodejs-polars module, imported once.
 *
 * @returns The `pl` namespace.
 */
export function polars(): Promise<Polars> {
  loading ??= import("nodejs-polars").then((m) => m.default);
  return loading;
}
