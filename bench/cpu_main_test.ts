import assert from "node:assert/strict";
import { cpuPerRequest, cpuSeconds } from "./cpu_main.ts";

Deno.test("cpuSeconds() reads a process's CPU time, which grows with its work", async () => {
  const before = await cpuSeconds(Deno.pid);
  const until = performance.now() + 100;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  const after = await cpuSeconds(Deno.pid);
  assert.ok(x > 0);
  assert.ok(before > 0 && after > before, `${before} then ${after}`);
});

Deno.test("cpuPerRequest() names an unknown target before starting anything", async () => {
  await assert.rejects(
    cpuPerRequest({ requests: 10, rounds: 1, connections: 1, only: ["predcit"], log: () => {} }),
    /Unknown target "predcit": expected one of predict, ceiling, bare/,
  );
});
