/**
 * A real Prometheus (Debian's `prometheus`, installed by `tests/setup_main.ts`) scrapes the real
 * server started with `--workers 2`, every second, from a config written to a temporary folder,
 * on a free port. After a known number of predictions sent on fresh connections (so the kernel
 * hands them to both workers), the PromQL sum of the request counter equals the number sent:
 * whichever worker answers a scrape, it reports both workers' figures.
 *
 * @module
 */
import assert from "node:assert/strict";
import { STUDENT, trainedRegistry } from "../../server/_testing.ts";
import { freePort, stopChild } from "../../server/_launch.ts";
import { startServer } from "./_process.ts";

const PROMETHEUS = "/usr/bin/prometheus";
const SENT = 240;
const CONCURRENCY = 8;

/** One instant query's single value (undefined while the series is absent). */
async function query(prom: string, promql: string): Promise<number | undefined> {
  const res = await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = await res.json();
  assert.equal(body.status, "success", JSON.stringify(body));
  const [sample] = body.data.result;
  return sample ? Number(sample.value[1]) : undefined;
}

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>) {
  const deadline = Date.now() + ms;
  while (true) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, `Timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

Deno.test(`a real Prometheus scraping --workers 2 sums to the ${SENT} predictions sent`, async () => {
  const { dir } = await trainedRegistry(5);
  const server = await startServer(dir, { LOG_LEVEL: "info" }, ["--workers", "2"]);
  const work = await Deno.makeTempDir({ prefix: "dropout-prometheus-" });
  const port = freePort();
  const target = new URL(server.url).host;
  await Deno.writeTextFile(
    `${work}/prometheus.yml`,
    [
      "global:",
      "  scrape_interval: 1s",
      "  scrape_timeout: 900ms",
      "scrape_configs:",
      "  - job_name: dropout-server",
      "    metrics_path: /metrics",
      "    static_configs:",
      `      - targets: ["${target}"]`,
      "",
    ].join("\n"),
  );
  const child = new Deno.Command(PROMETHEUS, {
    args: [
      `--config.file=${work}/prometheus.yml`,
      `--storage.tsdb.path=${work}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const reading = (async () => {
    for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) stderr += text;
  })();
  const prom = `http://127.0.0.1:${port}`;
  try {
    const listening = () => server.logs.filter((l) => l.includes('"msg":"Listening"')).length;
    await waitFor(
      "both workers to listen",
      20_000,
      () => Promise.resolve(listening() === 2 ? true : undefined),
    );
    await waitFor("Prometheus to scrape the server", 30_000, async () => {
      const up = await query(prom, `up{job="dropout-server"}`);
      return up === 1 ? up : undefined;
    });

    let next = 0;
    let failed = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < SENT) {
        // A fresh connection each time: the kernel spreads connections over the two workers.
        const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
        try {
          const res = await fetch(`${server.url}/v1/predict?reasons=0`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(STUDENT),
            client,
          });
          if (res.status !== 200) failed++;
          await res.body?.cancel();
        } finally {
          client.close();
        }
      }
    }));
    assert.equal(failed, 0);

    // Every direct scrape, on whichever worker takes it, counts all of them.
    for (let i = 0; i < 6; i++) {
      const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
      const text = await (await fetch(`${server.url}/metrics`, { client })).text();
      client.close();
      assert.match(text, /^dropout_metrics_workers 2$/m);
      const count =
        /^dropout_http_requests_total\{route="\/v1\/predict",method="POST",status="200"\} (\d+)$/m
          .exec(text);
      assert.equal(Number(count?.[1]), SENT, `direct scrape ${i}`);
    }

    const promql = `sum(dropout_http_requests_total{route="/v1/predict",status="200"})`;
    let seen = 0;
    const sum = await waitFor(`${promql} to reach ${SENT}`, 15_000, async () => {
      seen = (await query(prom, promql)) ?? 0;
      return seen >= SENT ? seen : undefined;
    }).catch((error) => {
      throw new Error(`${error.message}: last value ${seen}`);
    });
    assert.equal(sum, SENT);
    assert.equal(
      await query(prom, `sum(dropout_http_request_duration_seconds_count{route="/v1/predict"})`),
      SENT,
      "the histogram counts what the counter counts",
    );
    assert.equal(await query(prom, "sum(dropout_predictions_total)"), SENT);
    for (
      const gauge of [
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "dropout_heap_used_bytes",
      ]
    ) {
      assert.ok((await query(prom, gauge))! > 0, gauge);
    }
    assert.ok((await query(prom, "dropout_event_loop_lag_seconds"))! >= 0);
    const probes = server.logs.filter((l) => /"path":"\/(metrics|health|ready)"/.test(l));
    assert.deepEqual(probes, [], "probes are not logged at info");
    const load = (await Deno.readTextFile("/proc/loadavg")).split(" ")[0];
    console.log(
      `[metrics] WORKERS=2: ${SENT} predictions sent, ${failed} failed; Prometheus ${promql} = ${sum}; 1-min load ${load}`,
    );
  } finally {
    await stopChild(child, reading);
    await server.stop();
    await Deno.remove(work, { recursive: true });
  }
  assert.ok(stderr.includes("Server is ready to receive web requests"), stderr.slice(-2000));
});
