/**
 * Structured logs: one JSON object per line on stdout (errors on stderr),
 * each with a time, a level, a message and any fields such as the request id.
 *
 * @module
 */

/** Severity of a log line. */
export type Level = "info" | "warn" | "error";

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
 * @returns The logger.
 */
export function jsonLogger(clock: () => number = Date.now): Logger {
  return {
    log(level, msg, fields = {}) {
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
