import assert from "node:assert/strict";
import { cpuPerRequest, cpuSeconds } from "./cpu_main.ts";

Deno.test({
  name: "cpuSeconds() reads a process's CPU time, which grows with its work",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const before = await cpuSeconds(Deno.pid);
    // Work until the kernel's 10 ms ticks show it: on a busy machine that takes longer, not fails.
    let after = before;
    let x = 0;
    for (let tries = 0; tries < 100 && after <= before; tries++) {
      const until = performance.now() + 50;
      while (performance.now() < until) x += Math.sqrt(x + 1);
      after = await cpuSeconds(Deno.pid);
    }
    assert.ok(x > 0);
    assert.ok(before > 0 && after > before, `${before} then ${after}`);
  },
});

Deno.test("cpuPerRequest() names an unknown target before starting anything", async () => {
  await assert.rejects(
    cpuPerRequest({ requests: 10, rounds: 1, connections: 1, only: ["predcit"], log: () => {} }),
    /Unknown target "predcit": expected one of predict, ceiling, unframed, bare/,
  );
});
