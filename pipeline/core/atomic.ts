/**
 * Crash-safe file writes: write a temporary file, fsync it, rename it over
 * the target, then fsync the folder so the rename itself is durable.
 *
 * @module
 */

/**
 * Writes a file so that readers see either the old content or the new, never a part.
 * The temporary file is locked (`flock`) until it is renamed into place, so a process that
 * sweeps leftovers at start-up (a replica on the same folder) can tell a write under way from
 * what a crash left: see {@linkcode isHeld}.
 *
 * @param path The target file.
 * @param data The bytes or text to write.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  const file = await Deno.open(tmp, { write: true, createNew: true });
  try {
    await file.lock(true);
    await writeAllSynced(file, data);
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  } finally {
    file.close();
  }
  await syncDir(dirname(path));
}

/**
 * Whether a live process holds the lock of a file (a write under way). A file nobody holds, or
 * one that is gone, is not held.
 *
 * @param path The file.
 * @returns True while another open file holds its lock.
 */
export async function isHeld(path: string): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
  try {
    return !(await file.tryLock(true));
  } finally {
    file.close();
  }
}

/**
 * Runs a write while holding a lock file, so {@linkcode isHeld} tells sweepers it is under way;
 * the lock file is removed afterwards.
 *
 * @param lockPath The lock file (created).
 * @param write The write.
 * @returns What the write returned.
 */
export async function whileHolding<T>(lockPath: string, write: () => Promise<T>): Promise<T> {
  const lock = await Deno.open(lockPath, { write: true, create: true });
  try {
    await lock.lock(true);
    return await write();
  } finally {
    await Deno.remove(lockPath).catch(() => {});
    lock.close();
  }
}

/**
 * Writes a file and fsyncs it before returning.
 *
 * @param path The file (created or truncated).
 * @param data The bytes or text to write.
 */
export async function writeFileSynced(path: string, data: Uint8Array | string): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    await writeAllSynced(file, data);
  } finally {
    file.close();
  }
}

async function writeAllSynced(file: Deno.FsFile, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
  await file.sync();
}

/**
 * Fsyncs a folder, making renames and new entries in it durable.
 *
 * @param path The folder.
 */
export async function syncDir(path: string): Promise<void> {
  const dir = await Deno.open(path, { read: true });
  try {
    await dir.sync();
  } finally {
    dir.close();
  }
}

/**
 * The folder part of a path.
 *
 * @param path A file path.
 * @returns Everything before the last slash, or `.`.
 */
export function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}
