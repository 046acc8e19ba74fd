/**
 * `deno task bench-cpu`: server CPU per request, the figure that requests per second hide on a
 * shared machine. Starts the server as `deno task bench` does (`bench/_server.ts`, front off) and
 * the bare `Deno.serve` (`bench/bare_server.ts`), sends each target a fixed number of requests
 * with oha, and divides the process's user + system time (`/proc/<pid>/stat`, every thread) by the
 * requests. The targets run interleaved, round after round: `/v1/predict` with one student and
 * with 100, each beside its ceiling (`/bench/constant`, the same answer size) and the bare server,
 * the one student also beside the constant outside the request frame (`/bench/unframed`) and the
 * 100 beside the ceiling that parses them and serialises them again (`/bench/roundtrip`).
 * Linux only (it reads /proc).
 *
 * @module
 */
import {
  type Command,
  intOption,
  loadSpec,
  parseCommand,
  resolveDataPath,
  runMain,
} from "../pipeline/mod.ts";
import { ROOT, startServer } from "./_server.ts";
import { startBare } from "./bare_server.ts";
import { findOha, runOha } from "./oha.ts";
import { median } from "./run.ts";
import { buildBodies } from "./scenarios.ts";

/** The targets, in the order each round runs them. */
export const CPU_TARGETS = [
  "predict",
  "ceiling",
  "unframed",
  "bare",
  "batch100",
  "ceiling-batch100",
  "roundtrip-batch100",
  "bare-batch100",
] as const;

/** `deno task bench-cpu`, described for the command-line kit. */
export const BENCH_CPU = {
  task: "bench-cpu",
  summary:
    "Server CPU per request, front off: /v1/predict with 1 and 100 students beside the ceiling and the bare Deno.serve, interleaved",
  options: {
    requests: { value: "N", help: "Requests per one-student run (default 20000; a tenth for 100)" },
    rounds: { value: "N", help: "Rounds of every target (default 3)" },
    connections: { value: "N", help: "Concurrent connections (default 30)" },
    only: { value: "NAME", multiple: true, help: `Only this target: ${CPU_TARGETS.join(", ")}` },
  },
} as const satisfies Command;

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

/** One target's figures over the rounds. */
export interface CpuFigure {
  /** The target's name (one of {@linkcode CPU_TARGETS}). */
  name: string;
  /** Microseconds of CPU per request, one per round. */
  us: number[];
  /** oha's requests per second, one per round. */
  rps: number[];
}

/**
 * Measures CPU per request of every chosen target, interleaved.
 *
 * @param options `requests` per one-student run, `rounds`, `connections`, `only` (target names;
 *   all when empty), and `log` for progress.
 * @returns The figures, and the answer sizes of one student and of 100.
 * @throws Error when oha is missing, a target is unknown, or a request does not answer 200.
 */
export async function cpuPerRequest(options: {
  requests: number;
  rounds: number;
  connections: number;
  only: string[];
  log: (line: string) => void;
}): Promise<{ figures: CpuFigure[]; bytes: { one: number; batch100: number } }> {
  for (const name of options.only) {
    if (!(CPU_TARGETS as readonly string[]).includes(name)) {
      throw new Error(`Unknown target "${name}": expected one of ${CPU_TARGETS.join(", ")}`);
    }
  }
  const oha = (await findOha())?.path;
  if (!oha) throw new Error("Cannot find oha: install it with `cargo install oha --locked`");
  const spec = await loadSpec(`${ROOT}data/specs/student_dropout.json`);
  const data = resolveDataPath(undefined, ROOT.replace(/\/$/, ""));
  const bodies = buildBodies(await Deno.readTextFile(data), spec);
  const probe = { path: "/v1/predict", body: bodies.student, contentType: "application/json" };
  const server = await startServer({ modelsDir: "models", probe, env: { FRONT: "off" } });
  try {
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
      // A 100-student request costs tens of one-student ones: a tenth as many are sent.
      const few = Math.max(1, Math.round(options.requests / 10));
      const all = [
        { name: "predict", pid: server.pid, url: `${server.url}/v1/predict` },
        { name: "ceiling", pid: server.pid, url: `${server.url}/bench/constant?bytes=${one}` },
        { name: "unframed", pid: server.pid, url: `${server.url}/bench/unframed?bytes=${one}` },
        { name: "bare", pid: bare.pid, url: `${bare.url}/?bytes=${one}` },
      ].map((t) => ({ ...t, body: bodies.student, n: options.requests })).concat([
        { name: "batch100", pid: server.pid, url: `${server.url}/v1/predict` },
        {
          name: "ceiling-batch100",
          pid: server.pid,
          url: `${server.url}/bench/constant?bytes=${many}`,
        },
        {
          name: "roundtrip-batch100",
          pid: server.pid,
          url: `${server.url}/bench/roundtrip?bytes=${many}`,
        },
        { name: "bare-batch100", pid: bare.pid, url: `${bare.url}/?bytes=${many}` },
      ].map((t) => ({ ...t, body: bodies.batch100, n: few })));
      const targets = all.filter((t) => options.only.length === 0 || options.only.includes(t.name));
      const run = async (t: (typeof targets)[number], n: number) => {
        const before = await cpuSeconds(t.pid);
        const report = await runOha(oha, {
          url: t.url,
          body: t.body,
          contentType: "application/json",
          connections: options.connections,
          requests: n,
        });
        const after = await cpuSeconds(t.pid);
        const ok = report.status_codes["200"] ?? 0;
        if (ok !== n) throw new Error(`${t.name}: ${ok} of ${n} requests answered 200`);
        return { us: ((after - before) / n) * 1e6, rps: report.requests_per_sec };
      };
      options.log("Warming up");
      for (const t of targets) await run(t, Math.max(1, Math.round(t.n / 10)));
      const figures = targets.map((t): CpuFigure => ({ name: t.name, us: [], rps: [] }));
      for (let r = 0; r < options.rounds; r++) {
        options.log(`Round ${r + 1}/${options.rounds}`);
        for (const [i, t] of targets.entries()) {
          const { us, rps } = await run(t, t.n);
          figures[i].us.push(us);
          figures[i].rps.push(rps);
        }
      }
      return { figures, bytes: { one, batch100: many } };
    } finally {
      await bare.stop();
    }
  } finally {
    await server.stop();
  }
}

if (import.meta.main) {
  await runMain(async () => {
    const flags = parseCommand(BENCH_CPU, Deno.args);
    const loadBefore = Deno.loadavg();
    const { figures, bytes } = await cpuPerRequest({
      requests: intOption("requests", flags.requests, 20_000, { min: 10 }),
      rounds: intOption("rounds", flags.rounds, 3, { min: 1 }),
      connections: intOption("connections", flags.connections, 30, { min: 1 }),
      only: flags.only ?? [],
      log: (line) => console.error(line),
    });
    const load = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(" ");
    console.log(
      `Answers of ${bytes.one} and ${bytes.batch100} bytes; 1-minute load ${
        load(loadBefore)
      } before, ${load(Deno.loadavg())} after`,
    );
    for (const f of figures) {
      console.log(
        `${f.name.padEnd(18)} ${median(f.us).toFixed(1).padStart(8)} µs/request (rounds: ${
          f.us.map((x) => x.toFixed(0)).join(", ")
        }), ${median(f.rps).toFixed(0)} req/s`,
      );
    }
  });
}
