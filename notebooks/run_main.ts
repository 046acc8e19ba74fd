/**
 * `deno task notebooks`: executes the research notebooks headless with the
 * Deno Jupyter kernel (`jupyter nbconvert --execute`), in order, and writes
 * each executed copy and its HTML export to `notebooks/out/`. Stops at the
 * first notebook whose cell fails, printing that cell and its error.
 *
 * ```sh
 * deno task notebooks                 # all five
 * deno task notebooks 01_explore      # only some, by name
 * deno task notebooks --format        # format them in place, as deno fmt would
 * deno task notebooks --cell-timeout 0 # no limit on a cell's time (a loaded machine, the tests)
 * ```
 *
 * The notebooks train into their own registry, `notebooks/out/models/`, so running
 * them never changes what a server serves; `MODELS_DIR` names another registry
 * (such as the server's `models/`). The split manifest goes to `SPLITS_DIR`
 * (default `data/splits/`), and 05 reads OULAD from `OULAD_DIR` (default
 * `../shared/data/oulad`). All are relative to the project root unless absolute;
 * the variables pass through to the kernel. 05 writes only to `notebooks/out/`.
 *
 * @module
 */

import { type Command, InputError, intOption, parseCommand, runMain } from "../pipeline/mod.ts";
import { END_MARKER } from "./_display.ts";

/** The notebooks, in the order they run (later ones read what earlier ones wrote). */
export const NOTEBOOKS = [
  "01_explore",
  "02_split",
  "03_train",
  "04_evaluate",
  "05_second_institution",
] as const;

/** Options of {@linkcode runNotebooks}. */
export interface RunOptions {
  /** The notebooks' folder (default: this file's folder). */
  dir?: string;
  /** Where executed copies and HTML go (default: `<dir>/out`). */
  out?: string;
  /** Names to run (default: all, in order). */
  only?: string[];
  /** The longest a single cell may run, in seconds (default 900; 0 for no limit). */
  cellTimeout?: number;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

/** One executed notebook. */
export interface NotebookRun {
  name: string;
  seconds: number;
  executed: string;
  html: string;
}

/** A notebook failed, or Jupyter or the Deno kernel is missing. */
export class NotebookError extends Error {
  /**
   * @param message What failed, with the failing cell and its error when there is one.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotebookError";
  }
}

/**
 * Executes notebooks headless and exports them to HTML.
 *
 * @param options Folders, which notebooks, the cell timeout.
 * @returns One record per notebook run.
 * @throws NotebookError at the first failure.
 */
export async function runNotebooks(options: RunOptions = {}): Promise<NotebookRun[]> {
  const dir = options.dir ?? import.meta.dirname!;
  const out = options.out ?? `${dir}/out`;
  const log = options.log ?? ((line: string) => console.error(line));
  const names = options.only ?? [...NOTEBOOKS];
  for (const name of names) {
    if (!(NOTEBOOKS as readonly string[]).includes(name)) {
      throw new NotebookError(
        `Unknown notebook "${name}": expected one of ${NOTEBOOKS.join(", ")}`,
      );
    }
  }
  await checkKernel();
  // Puts every pinned npm package (plotly.js-dist among them, which no module imports) in
  // Deno's cache, so the display helper finds plotly.js on a fresh clone.
  await run(Deno.execPath(), ["install", "--quiet"], "deno install");
  await Deno.mkdir(out, { recursive: true });
  const runs: NotebookRun[] = [];
  for (const name of names) {
    const started = performance.now();
    log(`Executing ${name}.ipynb …`);
    // A failed run writes nothing: drop the previous copies so none is mistaken for this run's.
    for (const stale of [`${out}/${name}.ipynb`, `${out}/${name}.html`]) {
      await Deno.remove(stale).catch(() => {});
    }
    await run("jupyter", [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--ExecutePreprocessor.kernel_name=deno",
      // nbclient reads -1 (or None) as no limit.
      `--ExecutePreprocessor.timeout=${
        options.cellTimeout === 0 ? -1 : options.cellTimeout ?? 900
      }`,
      "--output-dir",
      out,
      `${dir}/${name}.ipynb`,
    ], `${name}.ipynb`);
    await checkOutputs(`${out}/${name}.ipynb`);
    await run(
      "jupyter",
      ["nbconvert", "--to", "html", "--output-dir", out, `${out}/${name}.ipynb`],
      `the HTML export of ${name}.ipynb`,
    );
    const seconds = (performance.now() - started) / 1000;
    log(`  ${name}.ipynb ran in ${seconds.toFixed(1)} s → ${out}/${name}.ipynb, ${name}.html`);
    runs.push({ name, seconds, executed: `${out}/${name}.ipynb`, html: `${out}/${name}.html` });
  }
  return runs;
}

/**
 * Checks that an executed notebook holds every output its cells displayed: its last output
 * (`showEnd()`) states how many came before it.
 */
async function checkOutputs(path: string): Promise<void> {
  const notebook = JSON.parse(await Deno.readTextFile(path));
  const outputs = notebook.cells.flatMap((c: { outputs?: object[] }) => c.outputs ?? [])
    .filter((o: { output_type: string }) => o.output_type === "display_data");
  const last = outputs.at(-1)?.data?.["text/plain"];
  const text = Array.isArray(last) ? last.join("") : String(last ?? "");
  const match = text.match(new RegExp(`${END_MARKER} (\\d+) outputs`));
  if (!match) {
    throw new NotebookError(
      `${path} does not end with showEnd()'s line: its outputs cannot be checked`,
    );
  }
  const expected = Number(match[1]);
  if (outputs.length - 1 !== expected) {
    throw new NotebookError(
      `${path} holds ${outputs.length - 1} of the ${expected} outputs its cells displayed: ` +
        "the Deno kernel lost or misplaced some (a message race under load); run it again",
    );
  }
}

async function checkKernel(): Promise<void> {
  let listing: string;
  try {
    listing = await run("jupyter", ["kernelspec", "list", "--json"], "jupyter kernelspec list");
  } catch (cause) {
    if (!(cause instanceof NotebookError) || !(cause.cause instanceof Deno.errors.NotFound)) {
      throw cause;
    }
    throw new NotebookError(
      "Cannot find Jupyter: install it (Debian: apt-get install jupyter-nbconvert " +
        "python3-nbclient jupyter-client python3-ipykernel), then run `deno jupyter --install`",
      { cause },
    );
  }
  const specs = JSON.parse(listing).kernelspecs ?? {};
  if (!("deno" in specs)) {
    throw new NotebookError(
      `The Deno Jupyter kernel is not installed (kernels: ${
        Object.keys(specs).join(", ") || "none"
      }): ` +
        "run `deno jupyter --install`",
    );
  }
}

/** Runs a command, returning its stdout; a non-zero exit throws with the telling part of stderr. */
async function run(command: string, args: string[], what: string): Promise<string> {
  let result: Deno.CommandOutput;
  try {
    result = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (cause) {
    throw new NotebookError(`Cannot run ${command} for ${what}: ${(cause as Error).message}`, {
      cause,
    });
  }
  const stdout = new TextDecoder().decode(result.stdout);
  if (result.success) return stdout;
  const stderr = new TextDecoder().decode(result.stderr);
  throw new NotebookError(`${what} failed (exit code ${result.code}):\n${explain(stderr)}`);
}

/** Keeps the failing cell and its error from nbconvert's traceback, or the end of stderr. */
function explain(stderr: string): string {
  // deno-lint-ignore no-control-regex
  const text = stderr.replace(/\x1b\[[0-9;]*m/g, "");
  const at = text.indexOf("An error occurred while executing the following cell:");
  if (at >= 0) return text.slice(at).trim();
  return text.trim().split("\n").slice(-25).join("\n");
}

/**
 * Formats notebooks in place as `deno fmt` would with the project's settings. deno.json leaves the
 * notebooks out of `deno fmt` (its `--check` misreports them; denoland/deno#25840), so this is
 * how they are formatted, and a test checks that the committed ones are.
 *
 * @param names Notebook names (default: all).
 * @param dir The notebooks' folder (default: this file's folder).
 * @returns The paths formatted.
 */
export async function formatNotebooks(
  names: readonly string[] = NOTEBOOKS,
  dir = new URL(".", import.meta.url).pathname,
): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${dir}/../deno.json`));
  // Inside notebooks/out/, the one folder besides the notebooks that the task may write.
  await Deno.mkdir(`${dir}/out`, { recursive: true });
  const work = await Deno.makeTempDir({ dir: `${dir}/out`, prefix: ".fmt_" });
  try {
    await Deno.writeTextFile(
      `${work}/deno.json`,
      JSON.stringify({ fmt: { ...config.fmt, exclude: [] } }),
    );
    const paths = names.map((n) => `${dir}/${n}.ipynb`);
    for (const [i, path] of paths.entries()) await Deno.copyFile(path, `${work}/${i}.ipynb`);
    await run(
      Deno.execPath(),
      ["fmt", "--config", `${work}/deno.json`, ...paths.map((_, i) => `${work}/${i}.ipynb`)],
      "deno fmt",
    );
    for (const [i, path] of paths.entries()) await Deno.copyFile(`${work}/${i}.ipynb`, path);
    return paths;
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

/** `deno task notebooks`, described for the command-line kit. */
export const NOTEBOOKS_COMMAND = {
  task: "notebooks",
  summary: "Execute the research notebooks headless (Deno kernel) into notebooks/out/, with HTML",
  positionals: "[NAME ...]",
  options: {
    format: { help: "Format the notebooks in place instead of running them" },
    "cell-timeout": {
      value: "S",
      help: "The longest a cell may run, in seconds (default 900; 0: no limit, as the tests run)",
    },
  },
} as const satisfies Command;

if (import.meta.main) {
  await runMain(async () => {
    const opts = parseCommand(NOTEBOOKS_COMMAND, Deno.args);
    const unknown = opts._.filter((n) => !(NOTEBOOKS as readonly string[]).includes(n));
    if (unknown.length > 0) {
      throw new InputError(
        `Unknown notebook ${unknown.join(", ")}: expected some of ${NOTEBOOKS.join(", ")}`,
      );
    }
    const only = opts._.length > 0 ? opts._ : undefined;
    if (opts.format) {
      const paths = await formatNotebooks(only);
      console.log(`${paths.length} notebook(s) formatted`);
      return;
    }
    const started = performance.now();
    try {
      const cellTimeout = intOption("cell-timeout", opts["cell-timeout"], 900, { min: 0 });
      const runs = await runNotebooks({ only, cellTimeout });
      const total = (performance.now() - started) / 1000;
      console.log(`${runs.length} notebook(s) executed in ${total.toFixed(1)} s`);
    } catch (error) {
      // A failing cell is the user's to fix: say which, without a stack.
      if (error instanceof NotebookError) throw new InputError(error.message, { cause: error });
      throw error;
    }
  });
}
