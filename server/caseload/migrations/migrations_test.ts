import assert from "node:assert/strict";
import { migrationProvider, MIGRATIONS } from "./mod.ts";

Deno.test("migrations are numbered in the order they run, and the provider gives each", async () => {
  const names = Object.keys(MIGRATIONS);
  assert.deepEqual(names, [...names].sort());
  names.forEach((n, i) =>
    assert.match(n, new RegExp(`^${String(i + 1).padStart(4, "0")}_[a-z_]+$`))
  );
  for (const kind of ["sqlite", "postgres"] as const) {
    const provided = await migrationProvider(kind).getMigrations();
    assert.deepEqual(Object.keys(provided), names);
  }
});
