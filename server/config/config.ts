/**
 * The server's configuration, read once from the environment and the command
 * line. Every setting has a default except the admin token: without
 * `ADMIN_TOKEN` the admin routes are disabled.
 *
 * @module
 */
import { InputError, parseCommand, portOption } from "../../pipeline/mod.ts";
import { SERVE } from "./commands.ts";
import denoConfig from "../../deno.json" with { type: "json" };
import { DEFAULT_TIMEOUTS, type Timeouts } from "../http/mod.ts";
import { type Level, LEVELS } from "../ops/mod.ts";
import type { MicrobatchConfig } from "../serving/mod.ts";

export type { MicrobatchConfig };

/** Request and body size limits. */
export interface Limits {
  /** Largest `/v1/predict` body, in bytes. */
  predictBytes: number;
  /** Most students in one `/v1/predict` body. */
  predictStudents: number;
  /** Largest `/v1/predict/batch` body, in bytes. */
  batchBytes: number;
  /** Most rows in one `/v1/predict/batch` body. */
  batchRows: number;
  /** Largest training CSV upload, in bytes. */
  uploadBytes: number;
  /** Largest small JSON or form body (compatibility predict, admin commands), in bytes. */
  smallBytes: number;
}

/** Everything the server reads from its environment. */
export interface Config {
  /** Port to listen on. */
  port: number;
  /** Address to listen on: 127.0.0.1 unless `HOST` says otherwise (the container sets 0.0.0.0). */
  hostname: string;
  /** The admin bearer token; admin routes answer 403 when absent. */
  adminToken?: string;
  /** Origins allowed by CORS; CORS is off when empty. */
  corsOrigins: string[];
  /** The model registry folder. */
  modelsDir: string;
  /** Where uploaded training CSVs are stored. */
  uploadsDir: string;
  /** The default training CSV (else `DROPOUT_DATA`, else the shared default). */
  dataPath?: string;
  /** `DATABASE_URL`: a `postgres://…` URL puts the caseload in PostgreSQL. */
  databaseUrl?: string;
  /** `CASELOAD_DB`: the caseload's SQLite file when no `DATABASE_URL` is set. */
  caseloadDb: string;
  /** The dataset spec file, as a path or a file URL. */
  specPath: string;
  /** Body and row limits. */
  limits: Limits;
  /** Micro-batching settings. */
  microbatch: MicrobatchConfig;
  /** How much lower the candidate's test ROC-AUC may be than the active model's and still pass the gate. */
  gateTolerance: number;
  /** Serving workers sharing the port (1: serve on the main thread). */
  workers: number;
  /** How often each worker checks `active.json` for a new model, in milliseconds. */
  watchMs: number;
  /**
   * Serve `POST /bench/constant`, the ceiling of `deno task bench`, and its two bounds
   * `/bench/roundtrip` and `/bench/unframed` (`BENCH_ECHO=1`; off otherwise).
   */
  benchEcho: boolean;
  /**
   * Clients reach the server over HTTPS through a TLS-terminating proxy (`BEHIND_TLS=1`): answers
   * carry `Strict-Transport-Security`, which over plain HTTP would be meaningless.
   */
  behindTls: boolean;
  /** Time limits on each connection, held by the TCP front (`server/http/guard.ts`). */
  timeouts: Timeouts;
  /**
   * Run the TCP front (`FRONT=on`, the default). Off (`FRONT=off`) only behind a reverse proxy
   * that holds the slow-client limits and caps connections (nginx, an ingress): the server then
   * takes the proxy's connections itself.
   */
  front: boolean;
  /**
   * The most client connections the front holds at once (`MAX_CONNECTIONS`); 0 (the default)
   * derives it from the limit on open files (`server/http/fd_limit.ts`).
   */
  maxConnections: number;
  /** The least severe log level written (`LOG_LEVEL`; probes and other routine lines are `debug`). */
  logLevel: Level;
}

/**
 * The environment variables the server reads: the `env` list of the `server` permission set in
 * deno.json, the one place they are named (the compile, serve and start tasks all run with
 * `-P=server`).
 */
export const ENV_VARS: readonly string[] = denoConfig.permissions.server.env;

/** The spec shipped with the server (also embedded by `deno compile --include`). */
export const DEFAULT_SPEC_URL =
  new URL("../../data/specs/student_dropout.json", import.meta.url).href;

/** Defaults of every limit. */
export const DEFAULT_LIMITS: Limits = {
  predictBytes: 1024 * 1024,
  predictStudents: 1000,
  batchBytes: 512 * 1024 * 1024,
  batchRows: 1_000_000,
  uploadBytes: 64 * 1024 * 1024,
  smallBytes: 64 * 1024,
};

/**
 * Builds a configuration from defaults and overrides (tests start here).
 *
 * @param overrides Settings to change.
 * @returns A full configuration.
 */
export function makeConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 8000,
    hostname: "127.0.0.1",
    corsOrigins: [],
    modelsDir: "models",
    uploadsDir: "data/uploads",
    caseloadDb: "data/caseload/caseload.db",
    specPath: DEFAULT_SPEC_URL,
    gateTolerance: 0.02,
    workers: 1,
    watchMs: 250,
    benchEcho: false,
    behindTls: false,
    logLevel: "info",
    front: true,
    maxConnections: 0,
    ...overrides,
    limits: { ...DEFAULT_LIMITS, ...overrides.limits },
    timeouts: { ...DEFAULT_TIMEOUTS, ...overrides.timeouts },
    microbatch: { enabled: true, waitUs: 0, maxRows: 256, ...overrides.microbatch },
  };
}

/**
 * Reads the configuration from command-line flags, then environment variables, then defaults.
 *
 * @param args The command-line arguments.
 * @param env Reads one environment variable.
 * @returns The configuration, whether `--healthcheck` was given, and what to train first
 *   (`--train-missing`: then serve; `--train-only`: then exit).
 * @throws InputError naming the bad flag or variable.
 */
export function readConfig(
  args: string[],
  env: (name: string) => string | undefined,
): { config: Config; healthcheck: boolean; train?: "missing" | "only" } {
  const flags = parseCommand(SERVE, args);
  const int = (name: string, text: string | undefined, fallback: number, min = 0) => {
    if (text === undefined || text === "") return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) {
      throw new InputError(`Invalid ${name}: "${text}", expected an integer >= ${min}`);
    }
    return n;
  };
  const microbatch = flags.microbatch ?? env("MICROBATCH") ?? "on";
  if (!["on", "off"].includes(microbatch)) {
    const name = flags.microbatch !== undefined ? "--microbatch" : "MICROBATCH";
    throw new InputError(`Invalid ${name}: "${microbatch}", expected on or off`);
  }
  const tolerance = Number(env("GATE_TOLERANCE") ?? "0.02");
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new InputError(
      `Invalid GATE_TOLERANCE: "${env("GATE_TOLERANCE")}", expected a number >= 0`,
    );
  }
  const front = flags.front ?? env("FRONT") ?? "on";
  if (!["on", "off"].includes(front)) {
    const name = flags.front !== undefined ? "--front" : "FRONT";
    throw new InputError(`Invalid ${name}: "${front}", expected on or off`);
  }
  const benchEcho = env("BENCH_ECHO") ?? "";
  if (!["", "0", "1"].includes(benchEcho)) {
    throw new InputError(`Invalid BENCH_ECHO: "${benchEcho}", expected 1 (on) or 0 (off)`);
  }
  const behindTls = env("BEHIND_TLS") ?? "";
  if (!["", "0", "1"].includes(behindTls)) {
    throw new InputError(`Invalid BEHIND_TLS: "${behindTls}", expected 1 (yes) or 0 (no)`);
  }
  const logLevel = (env("LOG_LEVEL") || "info") as Level;
  if (!LEVELS.includes(logLevel)) {
    throw new InputError(
      `Invalid LOG_LEVEL: "${env("LOG_LEVEL")}", expected one of ${LEVELS.join(", ")}`,
    );
  }
  const seconds = (name: string, text: string | undefined, fallbackMs: number) => {
    if (text === undefined || text === "") return fallbackMs;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) {
      throw new InputError(`Invalid --${name}: "${text}", expected a number of seconds > 0`);
    }
    return Math.round(n * 1000);
  };
  const config = makeConfig({
    port: flags.port !== undefined
      ? portOption("port", flags.port, 8000)
      : portOption("PORT", env("PORT"), 8000),
    hostname: flags.host ?? env("HOST") ?? "127.0.0.1",
    adminToken: env("ADMIN_TOKEN") || undefined,
    corsOrigins: (env("CORS_ORIGINS") ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    modelsDir: flags["models-dir"] ?? env("MODELS_DIR") ?? "models",
    uploadsDir: flags["uploads-dir"] ?? env("UPLOADS_DIR") ?? "data/uploads",
    dataPath: flags.data ?? env("DROPOUT_DATA"),
    databaseUrl: env("DATABASE_URL") || undefined,
    caseloadDb: env("CASELOAD_DB") || "data/caseload/caseload.db",
    specPath: flags.spec ?? DEFAULT_SPEC_URL,
    workers: flags.workers !== undefined
      ? int("--workers", flags.workers, 1, 1)
      : int("WORKERS", env("WORKERS"), 1, 1),
    gateTolerance: tolerance,
    benchEcho: benchEcho === "1",
    behindTls: behindTls === "1",
    logLevel,
    front: front === "on",
    maxConnections: flags["max-connections"] !== undefined
      ? int("--max-connections", flags["max-connections"], 0)
      : int("MAX_CONNECTIONS", env("MAX_CONNECTIONS"), 0),
    timeouts: {
      headersMs: seconds("headers-timeout", flags["headers-timeout"], DEFAULT_TIMEOUTS.headersMs),
      bodyIdleMs: seconds("body-timeout", flags["body-timeout"], DEFAULT_TIMEOUTS.bodyIdleMs),
      requestMs: seconds("request-timeout", flags["request-timeout"], DEFAULT_TIMEOUTS.requestMs),
      keepAliveMs: seconds(
        "keepalive-timeout",
        flags["keepalive-timeout"],
        DEFAULT_TIMEOUTS.keepAliveMs,
      ),
    },
    microbatch: {
      enabled: microbatch === "on",
      waitUs: int("MICROBATCH_WAIT_US", env("MICROBATCH_WAIT_US"), 0),
      maxRows: int("MICROBATCH_MAX_ROWS", env("MICROBATCH_MAX_ROWS"), 256, 1),
    },
  });
  const train = flags["train-only"] ? "only" : flags["train-missing"] ? "missing" : undefined;
  return { config, healthcheck: flags.healthcheck ?? false, train };
}
