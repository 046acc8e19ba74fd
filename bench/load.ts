/**
 * Waiting for a quiet machine before a timed step: shared by the server scenarios
 * (`deno task bench`) and the 1,000,000-row figures (`deno task bench-scale`), whose loads the
 * report prints beside each figure.
 *
 * @module
 */
import { BUSY_LOAD } from "./results.ts";

/**
 * Waits until the 1-minute load is at most {@linkcode BUSY_LOAD}, or `seconds` have passed.
 *
 * @param seconds The longest wait.
 * @param log Progress lines.
 * @returns The 1-minute load when the wait ended.
 */
export async function quietLoad(seconds: number, log: (line: string) => void): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let load = Deno.loadavg()[0];
  if (load > BUSY_LOAD && seconds > 0) {
    log(`  waiting up to ${seconds} s for the 1-minute load (${load.toFixed(2)}) to fall to 1.0`);
  }
  while (load > BUSY_LOAD && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 2000));
    load = Deno.loadavg()[0];
  }
  return load;
}
