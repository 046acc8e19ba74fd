import assert from "node:assert/strict";
import { withRatios } from "./run.ts";
import type { ScenarioResult, ServeMode } from "./results.ts";

function run(name: string, mode: ServeMode, rps: number, p99: number) {
  return {
    name,
    group: "predict-c30",
    mode,
    answer_bytes: 663,
    description: name,
    path: "/",
    connections: 30,
    seconds: 5,
    requests_per_sec: rps,
    p50_ms: 1,
    p95_ms: 2,
    p99_ms: p99,
    p999_ms: 5,
    mean_ms: 1,
    max_ms: 9,
    responses: rps * 5,
    errors: 0,
    status_codes: {},
    error_distribution: {},
    server_rss_peak_bytes: null,
    load_1m: 0.5,
  } satisfies Omit<ScenarioResult, "ratio_to_ceiling" | "ratio_to_bare" | "ceiling_p99_ms">;
}

Deno.test("withRatios() judges each route run against the mean of its group's references in its mode", () => {
  const results = withRatios([
    run("ceiling", "front", 7000, 2),
    run("predict-c30", "front", 6000, 4),
    run("bare", "front", 20000, 1),
    run("ceiling", "front", 9000, 4),
    run("predict-c30", "front", 6400, 5),
    run("bare", "front", 28000, 1),
    run("ceiling", "direct", 12000, 2),
    run("predict-c30", "direct", 9000, 3),
    run("bare", "direct", 30000, 1),
    run("unframed", "direct", 24000, 1),
  ]);
  const route = results.filter((r) => r.name === "predict-c30");
  assert.deepEqual(route.map((r) => r.ratio_to_ceiling), [6000 / 8000, 6400 / 8000, 9000 / 12000]);
  assert.deepEqual(route.map((r) => r.ratio_to_bare), [6000 / 24000, 6400 / 24000, 9000 / 30000]);
  assert.deepEqual(route.map((r) => r.ceiling_p99_ms), [3, 3, 2]);
  // The ceiling's share of the bare limit, and the bound's of both, bound what the route can reach.
  const ceilings = results.filter((r) => r.name === "ceiling");
  assert.deepEqual(ceilings.map((r) => r.ratio_to_bare), [
    7000 / 24000,
    9000 / 24000,
    12000 / 30000,
  ]);
  const bound = results.find((r) => r.name === "unframed")!;
  assert.deepEqual([bound.ratio_to_ceiling, bound.ratio_to_bare], [24000 / 12000, 24000 / 30000]);
  for (const r of results.filter((r) => r.name !== "predict-c30")) {
    if (r.name === "bare") assert.equal(r.ratio_to_bare, null);
    if (r.name !== "unframed") assert.equal(r.ratio_to_ceiling, null);
    assert.equal(r.ceiling_p99_ms, null);
  }
});
