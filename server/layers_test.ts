/**
 * The server's folders as layers: each module imports only its own folder or a folder below it,
 * another folder only through that folder's `mod.ts`, and no chain of imports comes back to where
 * it started.
 *
 * @module
 */
import assert from "node:assert/strict";

const SERVER = new URL("./", import.meta.url);

/** The layers from the bottom up; the server's root (the wiring and entry points) is on top. */
const LAYERS = ["ops", "http", "serving", "training", "caseload", "config", "routes", ""];

/** Modules started or loaded by URL, outside any door: the workers and the lazy PNG renderer. */
const NO_DOOR = new Set([
  "training/train_worker.ts",
  "serving/offload_worker.ts",
  "serving/png.ts",
]);

/** Every module of the server (tests and the page left out), by path relative to `server/`. */
async function modules(dir = "", out: string[] = []): Promise<string[]> {
  for await (const entry of Deno.readDir(new URL(dir || "./", SERVER))) {
    const path = dir + entry.name;
    if (entry.isDirectory && entry.name !== "static") await modules(`${path}/`, out);
    else if (path.endsWith(".ts") && !path.endsWith("_test.ts")) out.push(path);
  }
  return out;
}

/** The server modules a module imports (statically or by `import()`), relative to `server/`. */
async function importsOf(path: string): Promise<string[]> {
  // Comments left out: a module's own JSDoc may show how it is imported.
  const text = (await Deno.readTextFile(new URL(path, SERVER))).replace(/\/\*[\s\S]*?\*\//g, "");
  const specs = [
    ...text.matchAll(/(?:from|import\()\s*"(\.{1,2}\/[^"]+)"/g),
  ].map((m) => m[1]);
  const root = SERVER.pathname;
  return specs
    .map((s) => new URL(s, new URL(path, SERVER)).pathname)
    .filter((p) => p.startsWith(root) && p.endsWith(".ts"))
    .map((p) => p.slice(root.length));
}

const folderOf = (path: string) => path.includes("/") ? path.slice(0, path.indexOf("/")) : "";

Deno.test("server/ folders import only down their layers, and through each folder's mod.ts", async () => {
  const all = await modules();
  const problems: string[] = [];
  for (const path of all) {
    const from = folderOf(path);
    assert.ok(LAYERS.includes(from), `${path}: the folder "${from}" has no layer`);
    for (const target of await importsOf(path)) {
      const to = folderOf(target);
      if (to === from) continue;
      if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) problems.push(`${path} imports up: ${target}`);
      if (!target.endsWith("/mod.ts") && !NO_DOOR.has(target)) {
        problems.push(`${path} passes by ${to}/mod.ts: ${target}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("server/ modules import no chain that comes back to them", async () => {
  const all = await modules();
  const graph = new Map<string, string[]>();
  for (const path of all) graph.set(path, await importsOf(path));
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (path: string, trail: string[]) => {
    if (state.get(path) === "done") return;
    if (state.get(path) === "open") {
      cycles.push([...trail.slice(trail.indexOf(path)), path].join(" -> "));
      return;
    }
    state.set(path, "open");
    for (const next of graph.get(path) ?? []) visit(next, [...trail, path]);
    state.set(path, "done");
  };
  for (const path of all) visit(path, []);
  assert.deepEqual(cycles, []);
});

Deno.test("no server/ folder holds more than 12 modules", async () => {
  const counts = new Map<string, number>();
  for (const path of await modules()) {
    if (path.endsWith("mod.ts")) continue;
    counts.set(folderOf(path), (counts.get(folderOf(path)) ?? 0) + 1);
  }
  const over = [...counts].filter(([, n]) => n > 12);
  assert.deepEqual(over, []);
});
