/**
 * The command-line kit every task shares: a command is described once as data (its summary and
 * options), and from that description come the parser, the `--help` text and docs/tasks.md's task
 * table. A mistake a user can make (an unknown or malformed option, two options that exclude each
 * other, a path that cannot be written) becomes an {@linkcode InputError}: one line naming the
 * option, port or path, and exit code 2, never a stack.
 *
 * @example
 * ```ts
 * const COMMAND: Command = {
 *   task: "split",
 *   summary: "Write the seeded split manifest",
 *   options: { seed: { value: "N", help: "Seed of the split (default 42)" } },
 * };
 * await runMain(async () => {
 *   const opts = parseCommand(COMMAND, Deno.args);
 *   console.log(intOption("seed", opts.seed, 42));
 * });
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { formatIssue, GateError, InputError, PipelineError, SchemaError } from "../core/mod.ts";

/** One option of a command. */
export interface OptionSpec {
  /** The placeholder of its value in help (`N`, `CSV`); absent for a flag that takes none. */
  value?: string;
  /** One line of help. */
  help: string;
  /** May be given more than once (its values come as a list). */
  multiple?: boolean;
  /** Options it cannot be given with. */
  conflicts?: readonly string[];
}

/** A command: the task that runs it, one line of summary, its options. */
export interface Command {
  /** The `deno task` name. */
  task: string;
  /** One line: what it does. */
  summary: string;
  /** What it takes besides options, for the usage line (e.g. `[NAME ...]`). */
  positionals?: string;
  /** Its options by name (without the leading `--`); `--help` is added to every command. */
  options: Record<string, OptionSpec>;
}

/** The value an option gives: its text, a list of texts when repeatable, true for a flag. */
export type OptionValue<O extends OptionSpec> = O extends { value: string }
  ? O extends { multiple: true } ? string[] : string
  : boolean;

/** The values of a command's parsed options (absent when not given), and the positionals as `_`. */
export type OptionValues<C extends Command> =
  & { [K in keyof C["options"]]?: OptionValue<C["options"][K]> }
  & { _: string[] };

/** Exit code of a run that finished. */
export const EXIT_OK = 0;
/** Exit code of an unexpected failure (a bug, or the system failing under us). */
export const EXIT_FAILURE = 1;
/** Exit code of a user-facing problem: bad options, an unreadable file, data not matching the spec. */
export const EXIT_USAGE = 2;
/** Exit code of a model that was saved but refused activation by a gate (e.g. `--max-eod`). */
export const EXIT_GATE = 3;

/** Exit code of a run that wrote its output but could not process some rows (each row says why). */
export const EXIT_ROWS_FAILED = 4;

/** Thrown by a task that finished with some rows failed: {@linkcode runMain} prints it and exits 4. */
export class RowsFailed extends Error {
  /** @param message How many rows failed, and where their errors are. */
  constructor(message: string) {
    super(message);
    this.name = "RowsFailed";
  }
}

/** Thrown by {@linkcode parseCommand} for `--help`: {@linkcode runMain} prints it and exits 0. */
export class HelpRequested extends Error {
  /** @param text The help text. */
  constructor(readonly text: string) {
    super("Help requested");
    this.name = "HelpRequested";
  }
}

/**
 * The usage line of a command.
 *
 * @param command The command.
 * @returns e.g. `Usage: deno task split [--seed N] [--out DIR]`.
 */
export function usageLine(command: Command): string {
  const options = Object.entries(command.options).map(([name, o]) =>
    `[--${name}${o.value ? ` ${o.value}` : ""}${o.multiple ? " ..." : ""}]`
  );
  return ["Usage: deno task", command.task, ...options, command.positionals ?? ""]
    .filter(Boolean).join(" ");
}

/**
 * The `--help` text of a command, generated from its description.
 *
 * @param command The command.
 * @returns The summary, the usage line and one line per option.
 */
export function helpText(command: Command): string {
  const rows = Object.entries(command.options).map(([name, o]) => {
    const left = `--${name}${o.value ? ` ${o.value}` : ""}`;
    const excludes = o.conflicts?.length
      ? ` (not with ${o.conflicts.map((c) => `--${c}`).join(", ")})`
      : "";
    return [left, `${o.help}${excludes}`];
  });
  rows.push(["--help", "Print this help and exit"]);
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    `${command.summary}.`,
    "",
    usageLine(command),
    "",
    "Options:",
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
  ].join("\n");
}

/**
 * Parses a command's arguments against its description.
 *
 * @param command The command.
 * @param args The arguments (`Deno.args`).
 * @returns The values by option name, and the positionals as `_`.
 * @throws HelpRequested for `--help` or `-h`.
 * @throws InputError naming an unknown option, a missing value, a value given to a flag, or two
 *   options that exclude each other.
 */
export function parseCommand<C extends Command>(command: C, args: string[]): OptionValues<C> {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries(command.options)) {
    options[name] = { type: o.value ? "string" : "boolean" };
    if (o.multiple) options[name].multiple = true;
  }
  options.help = { type: "boolean" };
  let parsed;
  try {
    parsed = parseArgs({
      args: args.map((a) => (a === "-h" ? "--help" : a)),
      options,
      strict: true,
      allowPositionals: command.positionals !== undefined,
    });
  } catch (cause) {
    throw new InputError(
      `${_detail((cause as Error).message)}: see deno task ${command.task} --help`,
      { cause },
    );
  }
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  if (values.help) throw new HelpRequested(helpText(command));
  for (const [name, o] of Object.entries(command.options)) {
    if (values[name] === undefined) continue;
    const clash = o.conflicts?.find((other) => values[other] !== undefined);
    if (clash) {
      throw new InputError(`Options --${name} and --${clash} exclude each other: give one of them`);
    }
  }
  return { ...values, _: parsed.positionals } as OptionValues<C>;
}

/** node:util's messages, capitalised and without the advice that names no command. */
function _detail(message: string): string {
  const text = message.replace(/\.\s.*$/s, "").replace(/\.$/, "").replace(/'/g, "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Reads an integer option.
 *
 * @param name The option name, for messages.
 * @param value The text given, if any.
 * @param fallback The default.
 * @param range The smallest and largest values allowed (default: any integer).
 * @returns The integer.
 * @throws InputError naming the option and what it expects.
 */
export function intOption(
  name: string,
  value: unknown,
  fallback: number,
  range: { min?: number; max?: number } = {},
): number {
  if (value === undefined) return fallback;
  const n = typeof value === "string" && /^[+-]?\d+$/.test(value.trim()) ? Number(value) : NaN;
  const { min = -Infinity, max = Infinity } = range;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const bounds = min > -Infinity && max < Infinity
      ? ` ${min}–${max}`
      : min > -Infinity
      ? ` >= ${min}`
      : max < Infinity
      ? ` <= ${max}`
      : "";
    throw new InputError(`Invalid ${_label(name)}: "${value}", expected an integer${bounds}`);
  }
  return n;
}

/**
 * Reads a number option.
 *
 * @param name The option name, for messages.
 * @param value The text given, if any.
 * @param range The open or closed bounds allowed (default: any finite number).
 * @returns The number, or undefined when absent.
 * @throws InputError naming the option and what it expects.
 */
export function numberOption(
  name: string,
  value: unknown,
  range: { above?: number; below?: number } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  const { above = -Infinity, below = Infinity } = range;
  if (!Number.isFinite(n) || !(n > above) || !(n < below)) {
    const bounds = above > -Infinity && below < Infinity
      ? ` strictly between ${above} and ${below}`
      : above > -Infinity
      ? ` > ${above}`
      : below < Infinity
      ? ` < ${below}`
      : "";
    throw new InputError(`Invalid ${_label(name)}: "${value}", expected a number${bounds}`);
  }
  return n;
}

/**
 * Reads a TCP port.
 *
 * @param name The option or variable name, for messages (`port` for `--port`, `PORT`).
 * @param value The text given, if any.
 * @param fallback The default.
 * @returns The port, 0–65535 (0 lets the system choose).
 */
export function portOption(name: string, value: unknown, fallback: number): number {
  return intOption(name, value === "" ? undefined : value, fallback, { min: 0, max: 65535 });
}

/**
 * Checks that a file can be created at a path: its folder exists and is a folder.
 *
 * @param name The option name, for messages.
 * @param path The path given.
 * @returns The path.
 * @throws InputError naming the option and the missing folder.
 */
export async function outputOption(name: string, path: string): Promise<string> {
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash);
  const info = await Deno.stat(dir).catch(() => undefined);
  if (!info?.isDirectory) {
    throw new InputError(
      `Cannot write ${_label(name)} ${path}: the folder ${dir} does not exist`,
    );
  }
  return path;
}

/** `--name` for an option, the name itself for an environment variable (upper case). */
function _label(name: string): string {
  return name === name.toUpperCase() ? name : `--${name}`;
}

/**
 * Runs a CLI main and exits the process: 0 when it resolves, 2 after printing
 * `error: <message>` (and each schema issue) when it throws a
 * {@linkcode PipelineError}, 3 when a gate refused a model, 1 after printing
 * the stack for anything else. `--help` prints the help and exits 0.
 *
 * @param main The command's work; it writes its own output.
 * @returns Never: the process exits.
 * @example
 * ```ts
 * if (import.meta.main) await runMain(() => main(Deno.args));
 * ```
 */
export async function runMain(main: () => Promise<void>): Promise<never> {
  try {
    await main();
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(error.text);
      Deno.exit(EXIT_OK);
    }
    if (error instanceof RowsFailed) {
      console.error(`warning: ${error.message}`);
      Deno.exit(EXIT_ROWS_FAILED);
    }
    if (error instanceof GateError) {
      console.error(`refused: ${error.message}`);
      Deno.exit(EXIT_GATE);
    }
    if (error instanceof PipelineError) {
      console.error(`error: ${error.message}`);
      if (error instanceof SchemaError) {
        for (const issue of error.issues) console.error(`  ${formatIssue(issue)}`);
        const more = error.total - error.issues.length;
        if (more > 0) console.error(`  … and ${more} more`);
      }
      Deno.exit(EXIT_USAGE);
    }
    console.error(error);
    Deno.exit(EXIT_FAILURE);
  }
  Deno.exit(EXIT_OK);
}
