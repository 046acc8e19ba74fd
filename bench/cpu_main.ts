/**
 * Server CPU per request, the figure req/s hides on a shared machine: starts the server as
 * `deno task bench` does (`bench/_server.ts`, front off) and the bare `Deno.serve`
 * (`bench/bare_server.ts`), sends each a fixed number of requests with oha, and divides the
 * process's user + system time (`/proc/<pid>/stat`, every thread) by the requests. The targets run
 * interleaved, round after round: `/v1/predict` with one student and with 100, each beside its
 * ceiling (`/bench/constant`, the same answer size) and the bare server.
 *
 * Run: `deno task bench-cpu [--requests N] [--rounds R] [--connections C] [--only a,b]` (Linux). The
 * targets are predict, ceiling, bare, batch100, ceiling-batch100 and bare-batch100.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { loadSpec } from "../pipeline/mod.ts";
import { resolveDataPath } from "../pipeline/mod.ts";
import { ROOT, startServer } from "./_server.ts";
import { startBare } from "./bare_server.ts";
import { findOha } from "./oha.ts";
import { buildBodies } from "./scenarios.ts";

/** Clock ticks a second of `/proc/<pid>/stat`'s times (Linux's USER_HZ). */
const TICKS = 100;

/**
 * A process's user + system CPU seconds so far, every thread included.
 *
 * @param pid The process id.
 * @returns Seconds.
 */
export async function cpuSeconds(pid: number): Promise<number> {
  // Read by `cat`, as `_server.ts` reads /proc: Deno opens /proc/<pid> only with --allow-all.
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/stat`], stdout: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      requests: { type: "string", default: "20000" },
      rounds: { type: "string", default: "3" },
      connections: { type: "string", default: "30" },
      only: { type: "string" },
    },
  });
  const requests = Number(values.requests);
  const oha = (await findOha())?.path;
  if (!oha) throw new Error("Cannot find oha: install it with `cargo install oha --locked`");
  const spec = await loadSpec(`${ROOT}data/specs/student_dropout.json`);
  const data = resolveDataPath(undefined, ROOT.replace(/\/$/, ""));
  const bodies = buildBodies(await Deno.readTextFile(data), spec);
  const probe = { path: "/v1/predict", body: bodies.student, contentType: "application/json" };
  const server = await startServer({ modelsDir: "models", probe, env: { FRONT: "off" } });
  const bare = await startBare();
  try {
    const size = async (body: string) =>
      (await (await fetch(`${server.url}/v1/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      })).bytes()).length;
    const one = await size(bodies.student);
    const many = await size(bodies.batch100);
    // Batch requests cost about a hundred times more: send a tenth as many.
    const targets = [
      { name: "predict", pid: server.pid, url: `${server.url}/v1/predict`, body: bodies.student },
      {
        name: "ceiling",
        pid: server.pid,
        url: `${server.url}/bench/constant?bytes=${one}`,
        body: bodies.student,
      },
      { name: "bare", pid: bare.pid, url: `${bare.url}/?bytes=${one}`, body: bodies.student },
      {
        name: "batch100",
        pid: server.pid,
        url: `${server.url}/v1/predict`,
        body: bodies.batch100,
        n: requests / 10,
      },
      {
        name: "ceiling-batch100",
        pid: server.pid,
        url: `${server.url}/bench/constant?bytes=${many}`,
        body: bodies.batch100,
        n: requests / 10,
      },
      {
        name: "bare-batch100",
        pid: bare.pid,
        url: `${bare.url}/?bytes=${many}`,
        body: bodies.batch100,
        n: requests / 10,
      },
    ].filter((t) => !values.only || values.only.split(",").includes(t.name));
    const bodyFile = await Deno.makeTempFile({ prefix: "cpu-body-" });
    const samples = new Map<string, number[]>();
    const rates = new Map<string, number[]>();
    const run = async (t: (typeof targets)[number], n: number) => {
      await Deno.writeTextFile(bodyFile, t.body);
      const before = await cpuSeconds(t.pid);
      const out = await new Deno.Command(oha, {
        args: [
          "--no-tui",
          "--output-format",
          "json",
          "-n",
          String(n),
          "-c",
          values.connections!,
          "-m",
          "POST",
          "-T",
          "application/json",
          "-D",
          bodyFile,
          t.url,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const after = await cpuSeconds(t.pid);
      const report = JSON.parse(new TextDecoder().decode(out.stdout));
      const ok = report.statusCodeDistribution?.["200"] ?? 0;
      if (ok !== n) throw new Error(`${t.name}: ${ok} of ${n} answered 200`);
      return { us: ((after - before) / n) * 1e6, rps: report.summary.requestsPerSec as number };
    };
    for (const t of targets) await run(t, Math.max(200, (t.n ?? requests) / 10)); // warm-up
    for (let r = 0; r < Number(values.rounds); r++) {
      for (const t of targets) {
        const { us, rps } = await run(t, t.n ?? requests);
        samples.set(t.name, [...samples.get(t.name) ?? [], us]);
        rates.set(t.name, [...rates.get(t.name) ?? [], rps]);
      }
    }
    await Deno.remove(bodyFile);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `answer bytes: one ${one}, batch100 ${many}; load ${
        Deno.loadavg().map((x) => x.toFixed(2)).join(" ")
      }`,
    );
    for (const t of targets) {
      const us = samples.get(t.name)!;
      console.log(
        `${t.name.padEnd(18)} ${median(us).toFixed(1).padStart(8)} µs/request  (${
          us.map((x) => x.toFixed(0)).join(", ")
        })  ${median(rates.get(t.name)!).toFixed(0)} req/s`,
      );
    }
  } finally {
    await server.stop();
    await bare.stop();
  }
}
