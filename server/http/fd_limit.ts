/**
 * The process's limit on open files, and the connection cap that keeps the server below it. Each
 * client costs the front three descriptors (the client's socket, the front's socket to the server
 * and the server's end of it); past the limit Deno's `Deno.serve` ends with "Too many open files"
 * and the process exits, so the front refuses connections past the cap instead.
 *
 * Deno's runtime raises its soft limit to the hard one as it starts (`ulimit -S -n 1024` before
 * `deno run` still reads 20,000 here with a hard limit of 20,000), so nothing is raised here. The
 * limit in force is read with libc's `getrlimit` through `Deno.dlopen` (the `server` permission
 * set allows FFI; Deno has no `getrlimit` of its own, no npm or JSR package offers one for Deno,
 * and `/proc/self/limits` needs `--allow-all`), else from `/proc/self/limits`.
 *
 * @module
 */

/** Descriptors kept for everything but client connections: models, logs, workers, uploads. */
export const RESERVED_FDS = 256;

/** Descriptors one client costs through the front. */
export const FDS_PER_CONNECTION = 3;

/** Limits above this count as this (the kernel's default `nr_open` is 1,048,576). */
const MOST_FDS = 1 << 20;

/** The soft and hard limits on open files, or undefined where they cannot be read. */
export interface FdLimits {
  soft: number;
  hard: number;
}

/** Linux's `RLIMIT_NOFILE` (x86-64 and arm64 alike). */
const RLIMIT_NOFILE = 7;

/** `RLIM_INFINITY` as glibc's 64-bit `rlim_t` holds it. */
const RLIM_INFINITY = 0xffffffffffffffffn;

function getrlimit(): FdLimits | undefined {
  if (Deno.build.os !== "linux") return undefined;
  try {
    const libc = Deno.dlopen("libc.so.6", {
      getrlimit: { parameters: ["i32", "buffer"], result: "i32" },
    });
    try {
      const limits = new BigUint64Array(2);
      if (libc.symbols.getrlimit(RLIMIT_NOFILE, new Uint8Array(limits.buffer)) !== 0) {
        return undefined;
      }
      const value = (v: bigint) => v === RLIM_INFINITY ? Infinity : Number(v);
      return { soft: value(limits[0]), hard: value(limits[1]) };
    } finally {
      libc.close();
    }
  } catch {
    return undefined; // no FFI permission, or no glibc
  }
}

/**
 * Reads the process's limits on open files: libc's `getrlimit`, else `/proc/self/limits`.
 *
 * @returns The soft and hard limits (`Infinity` for unlimited), or undefined where neither can be
 *   read.
 */
export function readFdLimits(): FdLimits | undefined {
  const limits = getrlimit();
  if (limits) return limits;
  let text: string;
  try {
    text = Deno.readTextFileSync("/proc/self/limits");
  } catch {
    return undefined;
  }
  const line = text.split("\n").find((l) => l.startsWith("Max open files"));
  const [soft, hard] = (line?.slice("Max open files".length).trim().split(/\s+/) ?? [])
    .map((v) => v === "unlimited" ? Infinity : Number(v));
  return Number.isFinite(soft) || soft === Infinity ? { soft, hard } : undefined;
}

/**
 * The connection cap for a soft limit: what remains after {@linkcode RESERVED_FDS}, shared by
 * the workers (each a front in the same process), at {@linkcode FDS_PER_CONNECTION} a client.
 *
 * @param soft The soft limit on open files (undefined: unknown, taken as 1,024).
 * @param workers Fronts sharing the process.
 * @returns The most connections each front holds at once (at least 16).
 */
export function connectionCap(soft: number | undefined, workers = 1): number {
  const limit = soft === undefined ? 1024 : Math.min(soft, MOST_FDS);
  return Math.max(16, Math.floor((limit - RESERVED_FDS) / FDS_PER_CONNECTION / workers));
}
