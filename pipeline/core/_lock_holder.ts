/**
 * A test helper: another process that holds a file's lock, as a replica writing to a shared
 * folder would, until released.
 *
 * @module
 */

const HOLDER = `
const file = await Deno.open(Deno.args[0], { write: true, create: true });
await file.lock(true);
console.log("held");
for await (const _ of Deno.stdin.readable) { /* until the test closes stdin */ }
`;

/** A process holding a lock. */
export interface LockHolder {
  /** Ends the process, which releases the lock. */
  release(): Promise<void>;
}

/**
 * Starts a process that creates the file if needed and holds its lock.
 *
 * @param path The file.
 * @returns Once the lock is held.
 */
export async function holdLock(path: string): Promise<LockHolder> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", HOLDER, path],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("held")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`The lock holder of ${path} exited before taking the lock`);
    out += value;
  }
  return {
    async release() {
      await child.stdin.close();
      await reader.cancel();
      await child.status;
    },
  };
}
