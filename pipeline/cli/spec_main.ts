/**
 * Drafts a dataset spec from a CSV file and prints it as JSON.
 *
 * ```sh
 * deno task spec \
 *   --data other_school.csv --target withdrew --positive true > data/specs/other_school.json
 * ```
 *
 * `--review` prints, instead, one line per column: its type, its role (feature, target, leak or
 * id) and the reason, to check before editing the JSON.
 *
 * Exit codes: 0 printed, 2 bad options or data (message on stderr), 1 anything else.
 *
 * @module
 */
import { InputError } from "../core/mod.ts";
import { DEFAULT_MAX_CATEGORIES, inferSpecWithReasons, reviewTable } from "../data/mod.ts";
import { SPEC_COMMAND } from "./commands.ts";
import { intOption, parseCommand, runMain } from "./kit.ts";

/**
 * Parses the options, infers the spec and writes it to stdout (2-space JSON).
 *
 * @param args The command-line arguments, without the program name.
 * @returns When the spec has been printed.
 * @throws InputError for a missing, unknown or malformed option, and whatever
 *   {@linkcode inferSpec} throws.
 */
export async function main(args: string[]): Promise<void> {
  const values = parseCommand(SPEC_COMMAND, args);
  const missing = (["data", "target", "positive"] as const).filter((k) => values[k] === undefined);
  if (missing.length > 0) {
    throw new InputError(
      `Missing option ${missing.map((k) => `--${k}`).join(", ")}: see deno task spec --help`,
    );
  }
  const maxCategories = values["max-categories"] === undefined
    ? undefined
    : intOption("max-categories", values["max-categories"], DEFAULT_MAX_CATEGORIES, { min: 1 });
  const { spec, decisions } = await inferSpecWithReasons(values.data!, {
    target: values.target!,
    positive: values.positive!,
    leak: values.leak,
    name: values.name,
    maxCategories,
  });
  console.log(values.review ? reviewTable(decisions) : JSON.stringify(spec, null, 2));
}

if (import.meta.main) await runMain(() => main(Deno.args));
