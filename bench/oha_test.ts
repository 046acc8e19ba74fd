import assert from "node:assert/strict";
import { ohaArgs, parseOha } from "./oha.ts";

const read = async (name: string) =>
  JSON.parse(await Deno.readTextFile(new URL(`./testdata/${name}`, import.meta.url)));

Deno.test("parseOha() reads a recorded report of 4 connections for 2 s", async () => {
  // Recorded with: oha --no-tui --output-format json -z 2s -w -c 4 -m POST ... /v1/predict
  const r = parseOha(await read("oha_sample.json"));
  assert.equal(r.responses, 1036);
  assert.equal(r.errors, 0);
  assert.deepEqual(r.status_codes, { "200": 1036 });
  assert.deepEqual(r.error_distribution, {});
  assert.equal(r.seconds, 2.002509557);
  // 1036 answers in 2.0025 s, which is also oha's own figure when nothing failed.
  assert.ok(Math.abs(r.requests_per_sec - 1036 / 2.002509557) < 1e-9);
  assert.ok(Math.abs(r.requests_per_sec - r.oha_requests_per_sec) < 1e-6);
  assert.ok(Math.abs(r.p50_ms - 6.057464) < 1e-9);
  assert.ok(Math.abs(r.p95_ms - 14.002907) < 1e-9);
  assert.ok(Math.abs(r.p99_ms - 43.408048) < 1e-9);
  assert.ok(Math.abs(r.p999_ms - 67.098072) < 1e-9);
  assert.ok(Math.abs(r.max_ms - 67.117842) < 1e-9);
  assert.equal(r.success_rate, 1);
});

Deno.test("parseOha() counts refused connections as errors, not throughput", async () => {
  // Recorded with: oha --no-tui --output-format json -n 20 -c 2 ... http://127.0.0.1:9/ (closed)
  const r = parseOha(await read("oha_refused.json"));
  assert.equal(r.errors, 20);
  assert.deepEqual(r.error_distribution, { "Connection refused (os error 111)": 20 });
  assert.equal(r.requests_per_sec, 0);
  assert.ok(r.oha_requests_per_sec > 0);
  assert.ok(Number.isNaN(r.p50_ms), "oha writes null percentiles when nothing answered");
});

Deno.test("parseOha() counts 4xx and 5xx answers as errors", async () => {
  const report = await read("oha_sample.json");
  report.statusCodeDistribution = { "200": 1000, "503": 30, "413": 6 };
  const r = parseOha(report);
  assert.equal(r.responses, 1036);
  assert.equal(r.errors, 36);
  assert.ok(Math.abs(r.requests_per_sec - 1000 / 2.002509557) < 1e-9);
});

Deno.test("parseOha() names the field it cannot read", async (t) => {
  const report = await read("oha_sample.json");
  await t.step("a missing section", () => {
    assert.throws(() => parseOha({ ...report, summary: undefined }), /summary is not an object/);
  });
  await t.step("a percentile that is not a number", () => {
    const bad = { ...report, latencyPercentiles: { ...report.latencyPercentiles, p99: "fast" } };
    assert.throws(() => parseOha(bad), /latencyPercentiles\.p99 is not a number/);
  });
  await t.step("not an object at all", () => {
    assert.throws(() => parseOha([]), /the report is not an object/);
  });
});

Deno.test("ohaArgs() asks for JSON without the TUI and waits for requests at the deadline", () => {
  const args = ohaArgs({
    url: "http://127.0.0.1:8000/v1/predict",
    body: "{}",
    contentType: "application/json",
    connections: 30,
    seconds: 20,
  }, "/tmp/body.json");
  const after = (flag: string) => args[args.indexOf(flag) + 1];
  assert.ok(args.includes("--no-tui") && args.includes("-w"));
  assert.equal(after("--output-format"), "json");
  assert.equal(after("-z"), "20s");
  assert.equal(after("-c"), "30");
  assert.equal(after("-D"), "/tmp/body.json");
  assert.equal(after("-T"), "application/json");
  assert.equal(args.at(-1), "http://127.0.0.1:8000/v1/predict");
});

Deno.test("ohaArgs() sends a count of requests when one is given, and needs a count or a time", () => {
  const run = { url: "http://127.0.0.1:8000/", body: "{}", contentType: "application/json" };
  const args = ohaArgs({ ...run, connections: 30, requests: 500 }, "/tmp/body.json");
  assert.equal(args[args.indexOf("-n") + 1], "500");
  assert.ok(!args.includes("-z") && !args.includes("-w"));
  assert.throws(() => ohaArgs({ ...run, connections: 1 }, "/tmp/b"), /needs seconds or requests/);
});
