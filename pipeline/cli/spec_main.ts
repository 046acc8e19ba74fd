/**
 * Drafts a dataset spec from a CSV file and prints it as JSON.
 *
 * ```sh
 * deno run --allow-read --allow-sys --allow-ffi pipeline/cli/spec_main.ts \
 *   --data other_school.csv --target withdrew --positive true > data/specs/other_school.json
 * ```
 *
 * Exit codes: 0 printed, 2 bad options or data (message on stderr), 1 anything else.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { InputError } from "../core/mod.ts";
import { DEFAULT_MAX_CATEGORIES, inferSpec } from "../data/mod.ts";
import { runMain } from "./_run.ts";

/** The usage line printed by `--help` and with option errors. */
export const USAGE = "usage: spec_main.ts --data FILE.csv --target COLUMN --positive VALUE " +
  `[--leak COLUMN ...] [--name NAME] [--max-categories K (default ${DEFAULT_MAX_CATEGORIES})]`;

/**
 * Parses the options, infers the spec and writes it to stdout (2-space JSON).
 *
 * @param args The command-line arguments, without the program name.
 * @returns When the spec has been printed.
 * @throws InputError for a missing, unknown or malformed option, and whatever
 *   {@linkcode inferSpec} throws.
 */
export async function main(args: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: {
        data: { type: "string" },
        target: { type: "string" },
        positive: { type: "string" },
        leak: { type: "string", multiple: true },
        name: { type: "string" },
        "max-categories": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (cause) {
    const detail = (cause as Error).message.replace(/\.$/, "");
    throw new InputError(`Invalid options: ${detail}\n${USAGE}`, { cause });
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const missing = (["data", "target", "positive"] as const).filter((k) => values[k] === undefined);
  if (missing.length > 0) {
    throw new InputError(
      `Missing option(s): ${missing.map((k) => `--${k}`).join(", ")}\n${USAGE}`,
    );
  }
  let maxCategories: number | undefined;
  const rawMax = values["max-categories"];
  if (rawMax !== undefined) {
    maxCategories = Number(rawMax);
    if (!/^\d+$/.test(rawMax) || maxCategories < 1) {
      throw new InputError(
        `Invalid option --max-categories: "${rawMax}", expected a positive integer`,
      );
    }
  }
  const spec = await inferSpec(values.data!, {
    target: values.target!,
    positive: values.positive!,
    leak: values.leak,
    name: values.name,
    maxCategories,
  });
  console.log(JSON.stringify(spec, null, 2));
}

if (import.meta.main) await runMain(() => main(Deno.args));
