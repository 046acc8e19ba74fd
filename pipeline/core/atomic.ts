/**
 * Crash-safe file writes: write a temporary file, fsync it, rename it over
 * the target, then fsync the folder so the rename itself is durable.
 *
 * @module
 */

/**
 * Writes a file so that readers see either the old content or the new, never a part.
 *
 * @param path The target file.
 * @param data The bytes or text to write.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  await writeFileSynced(tmp, data);
  try {
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
  await syncDir(dirname(path));
}

/**
 * Writes a file and fsyncs it before returning.
 *
 * @param path The file (created or truncated).
 * @param data The bytes or text to write.
 */
export async function writeFileSynced(path: string, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    await file.sync();
  } finally {
    file.close();
  }
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
