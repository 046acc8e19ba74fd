/**
 * `deno task users add NAME --role admin|adviser|viewer` prints the new user's token once;
 * `deno task users list` lists names and roles. The database is the caseload's (DATABASE_URL,
 * else CASELOAD_DB, else data/caseload/caseload.db).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { InputError } from "../../pipeline/mod.ts";
import { openStore } from "./store.ts";
import { addUser, listUsers } from "./users.ts";
import type { Role } from "./schema.ts";

const USAGE = "Usage: deno task users add NAME --role admin|adviser|viewer | deno task users list";

if (import.meta.main) {
  const { positionals, values } = parseArgs({
    args: Deno.args,
    options: { role: { type: "string" } },
    allowPositionals: true,
  });
  const [command, name] = positionals;
  if (command !== "add" && command !== "list") {
    console.error(USAGE);
    Deno.exit(2);
  }
  const store = await openStore({
    url: Deno.env.get("DATABASE_URL"),
    file: Deno.env.get("CASELOAD_DB"),
  });
  try {
    if (command === "list") {
      for (const u of await listUsers(store)) console.log(`${u.name}\t${u.role}\t${u.created_at}`);
    } else {
      if (!name || !values.role) throw new InputError(USAGE);
      const token = await addUser(store, { name, role: values.role as Role });
      console.log(`Added ${values.role} ${name}. Their token (shown once, stored only as a hash):`);
      console.log(token);
    }
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    console.error(error.message);
    Deno.exitCode = 2;
  } finally {
    await store.close();
  }
}
