/**
 * Structured logs: one JSON object per line on stdout (errors on stderr),
 * each with a time, a level, a message and any fields such as the request id.
 * Lines below the logger's level (`LOG_LEVEL`, default `info`) are dropped.
 *
 * @module
 */

/** Severity of a log line, least severe first. */
export type Level = "debug" | "info" | "warn" | "error";

/** The levels in order of severity (`LOG_LEVEL` takes one of them). */
export const LEVELS: readonly Level[] = ["debug", "info", "warn", "error"];

/** Writes structured log lines. */
export interface Logger {
  /**
   * Writes one line.
   *
   * @param level The severity.
   * @param msg What happened, capitalised.
   * @param fields Extra fields (request id, route, status, …).
   */
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
}

/**
 * A logger writing JSON lines to the console.
 *
 * @param clock Returns the current time in milliseconds since the epoch.
 * @param level The least severe level written (default `info`).
 * @returns The logger.
 */
export function jsonLogger(clock: () => number = Date.now, level: Level = "info"): Logger {
  const least = LEVELS.indexOf(level);
  return {
    log(level, msg, fields = {}) {
      if (LEVELS.indexOf(level) < least) return;
      const line = JSON.stringify({ time: new Date(clock()).toISOString(), level, msg, ...fields });
      if (level === "error") console.error(line);
      else console.log(line);
    },
  };
}

/**
 * A logger keeping its lines in memory (tests read them).
 *
 * @returns The logger and its lines.
 */
export function memoryLogger(): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: (level, msg, fields = {}) => lines.push({ level, msg, ...fields }) };
}
