/**
 * What the app is built from: the configuration read from flags and the environment, the entry
 * points' commands as data, and the injected dependencies (AppDeps) that routes receive.
 *
 * @module
 */
export * from "./commands.ts";
export * from "./config.ts";
export * from "./deps.ts";
