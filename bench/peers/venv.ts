/**
 * The peers' pinned Python environment: created on first use from `requirements.txt` with the
 * machine's `python3 -m venv` and pip, and recreated when the pins change (a stamp inside the
 * venv holds the sha256 of the requirements it was built from). A development tool only.
 *
 * @module
 */
import { InputError, sha256Hex } from "../../pipeline/mod.ts";

/** The folder of this tool. */
export const PEERS_DIR = new URL(".", import.meta.url).pathname.replace(/\/$/, "");
/** Where the venv lives unless told otherwise (git-ignored). */
export const DEFAULT_VENV = `${PEERS_DIR}/.cache/venv`;
/** The exact pins. */
export const REQUIREMENTS = `${PEERS_DIR}/requirements.txt`;

const STAMP = "peers-requirements.sha256";

/** Options of {@linkcode ensureVenv}. */
export interface VenvOptions {
  /** The venv folder (default {@linkcode DEFAULT_VENV}). */
  dir?: string;
  /** The requirements file (default {@linkcode REQUIREMENTS}). */
  requirements?: string;
  /** The interpreter that creates the venv (default `python3`). */
  python?: string;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** What {@linkcode ensureVenv} found or made. */
export interface Venv {
  /** The venv's interpreter. */
  python: string;
  /** Whether this call created it. */
  created: boolean;
  /** Seconds spent creating it (0 when it was there). */
  seconds: number;
}

async function _run(command: string, args: string[], what: string): Promise<string> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (cause) {
    throw new InputError(
      `Cannot run ${command}: ${
        (cause as Error).message
      } (the peers need Python 3 with venv and pip)`,
      { cause },
    );
  }
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-5).join("\n");
    throw new Error(`${what} failed (exit ${output.code}):\n${stderr}`);
  }
  return new TextDecoder().decode(output.stdout);
}

async function _readText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Returns the venv's interpreter when it was built from the current pins, without creating it.
 *
 * @param options Where and from which requirements.
 * @returns The interpreter path.
 * @throws InputError when the venv is missing or was built from other pins.
 */
export async function venvPython(
  options: Pick<VenvOptions, "dir" | "requirements"> = {},
): Promise<string> {
  const dir = options.dir ?? DEFAULT_VENV;
  const requirements = options.requirements ?? REQUIREMENTS;
  const pins = await _readText(requirements);
  if (pins === undefined) throw new InputError(`Cannot read ${requirements}: no such file`);
  const want = await sha256Hex(new TextEncoder().encode(pins));
  if ((await _readText(`${dir}/${STAMP}`))?.trim() !== want) {
    throw new InputError(
      `Cannot use ${dir}: missing or built from other pins (deno task peers creates it; or run bench/peers/venv_main.ts)`,
    );
  }
  return `${dir}/bin/python`;
}

/**
 * Returns the venv's interpreter, creating the venv (or recreating it after a change of pins).
 *
 * @param options Where, from which requirements, with which interpreter.
 * @returns The interpreter path, and whether and how long it took to create.
 */
export async function ensureVenv(options: VenvOptions = {}): Promise<Venv> {
  const dir = options.dir ?? DEFAULT_VENV;
  const requirements = options.requirements ?? REQUIREMENTS;
  const pins = await _readText(requirements);
  if (pins === undefined) throw new InputError(`Cannot read ${requirements}: no such file`);
  const want = await sha256Hex(new TextEncoder().encode(pins));
  const python = `${dir}/bin/python`;
  if ((await _readText(`${dir}/${STAMP}`))?.trim() === want) {
    return { python, created: false, seconds: 0 };
  }
  const started = performance.now();
  options.log?.(`Creating the peers' Python environment in ${dir} (pinned: ${requirements})`);
  await Deno.remove(dir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  const creator = options.python ?? "python3";
  await _run(creator, ["-m", "venv", dir], "python3 -m venv");
  // pip's --python runs the install inside the new venv while the process started here stays
  // python3: the task can then allow running python3 alone in this step, and Deno refuses
  // writes to the folder of a program it is allowed to run.
  await _run(creator, [
    "-m",
    "pip",
    "--python",
    python,
    "install",
    "--disable-pip-version-check",
    "--no-input",
    "--quiet",
    "-r",
    requirements,
  ], "pip install -r requirements.txt");
  // The stamp is written last: an interrupted install is redone next time.
  await Deno.writeTextFile(`${dir}/${STAMP}`, `${want}\n`);
  const seconds = (performance.now() - started) / 1000;
  options.log?.(`Created it in ${seconds.toFixed(1)} s`);
  return { python, created: true, seconds };
}
