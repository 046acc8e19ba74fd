import assert from "node:assert/strict";
import { memoryStatus, resetPeak } from "../../bench/_server.ts";
import { STUDENT, trainedRegistry } from "../../server/_testing.ts";
import { startServer } from "./_process.ts";

const CONNECTIONS = 256;
const REQUESTS_PER_CONNECTION = 40;
const MB = 1024 * 1024;
// Measured with this test on 2 cores (load 3-5): with V8's default heap sizing the peak rose
// 99-101 MB above the idle figure; with the server's V8 flags (server/_launch.ts), 49-54 MB.
const GROWTH_MB = 80;

/** Sends `count` predictions one after another on one connection of `client`. */
async function predictions(client: Deno.HttpClient, url: string, count: number) {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${url}/v1/predict`, {
      client,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(STUDENT),
    });
    statuses.push(res.status);
    await res.body?.cancel();
  }
  return statuses;
}

Deno.test({
  name:
    "256 concurrent connections on /v1/predict grow the server's peak memory by a bounded amount",
  // The peak is read from /proc (VmHWM, reset through clear_refs).
  ignore: Deno.build.os !== "linux",
  async fn() {
    const { dir } = await trainedRegistry(5);
    // Started as production starts it: the serve task's permission set and V8 flags.
    const server = await startServer(dir, {});
    // One client per connection, so that each loop keeps its own keep-alive connection open.
    const clients = Array.from({ length: CONNECTIONS }, () => Deno.createHttpClient({}));
    try {
      const warm = await predictions(clients[0], server.url, 200);
      assert.ok(warm.every((s) => s === 200), "warm-up answered 200");
      // Idle: V8's memory reducer (2 s delays under the server's flags) gives back the warm-up's
      // heap, as the bench's idle figure does.
      await new Promise((r) => setTimeout(r, 12_000));
      const idle = await memoryStatus(server.pid);
      assert.ok(idle, "the server's /proc/<pid>/status is readable");
      assert.ok(await resetPeak(server.pid), "the peak can be reset (clear_refs)");
      const statuses = (await Promise.all(
        clients.map((client) => predictions(client, server.url, REQUESTS_PER_CONNECTION)),
      )).flat();
      const after = await memoryStatus(server.pid);
      assert.ok(after);
      const growth = (after.peak - idle.rss) / MB;
      console.log(
        `${statuses.length} requests on ${CONNECTIONS} connections: RSS ${
          (idle.rss / MB).toFixed(0)
        } MB idle, peak ${(after.peak / MB).toFixed(0)} MB (+${growth.toFixed(0)} MB)`,
      );
      assert.equal(statuses.length, CONNECTIONS * REQUESTS_PER_CONNECTION);
      assert.ok(statuses.every((s) => s === 200), "every prediction answered 200");
      assert.ok(growth < GROWTH_MB, `peak RSS grew by ${growth.toFixed(0)} MB`);
    } finally {
      for (const client of clients) client.close();
      await server.stop();
    }
  },
});
