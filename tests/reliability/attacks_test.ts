import assert from "node:assert/strict";
import { INPUT_LIMITS } from "../../pipeline/mod.ts";
import { NUMBER } from "../../pipeline/data/cells.ts";
import { DATA_PATH, STUDENT } from "../../server/_testing.ts";
import { startServer } from "../server/_process.ts";
import { ADMIN, DATA_TEXT, fixture, FULL, report, TOKEN } from "./_harness.ts";
import {
  chunks,
  healthBaseline,
  healthBound,
  type Probed,
  sendRaw,
  whileProbing,
} from "./_attacks.ts";

/**
 * The attacks of issue 17, each against the real server on 127.0.0.1: its status and limit are
 * asserted, and `/health` must answer while it is in flight within a bound set by its own
 * no-attack baseline, measured on the same server in the same run (`healthBound`: issue 24's
 * 100 ms in full mode, on a quiet machine; a freeze in quick mode, which must pass on a busy one).
 * Quick mode uses smaller but still telling sizes; full mode goes up to each route's limit.
 */
const MB = 1024 * 1024;
const { dir } = await fixture();
const header = DATA_TEXT.split("\n")[0].trim();
const row = DATA_TEXT.split("\n")[1].trim();
const encoder = new TextEncoder();

/** Asserts the probes' figures and reports them with the case's. */
function judged(name: string, status: number, ms: number, probed: Probed): void {
  const load = Deno.readTextFileSync("/proc/loadavg").split(" ")[0];
  const bound = healthBound(baselineMs);
  report(
    `attack "${name}": ${status} in ${ms.toFixed(0)} ms; peak RSS ${
      (probed.peakRss / MB).toFixed(0)
    } MB; /health max ${probed.healthMaxMs.toFixed(1)} ms over ${probed.probes} probes (bound ${
      bound.toFixed(0)
    } ms from a baseline of ${baselineMs.toFixed(1)} ms); load ${load}`,
  );
  assert.ok(probed.probes >= 1, "/health was probed while the attack ran");
  assert.ok(
    probed.healthMaxMs < bound,
    `/health took ${probed.healthMaxMs.toFixed(1)} ms during "${name}", over ${
      bound.toFixed(0)
    } ms (its baseline ${baselineMs.toFixed(1)} ms)`,
  );
}

/** The slowest `/health` of the attacked server with no attack in flight (set at its start). */
let baselineMs = 0;

/** A time bound asserted only under `deno task reliability`: `deno task test` runs on busy machines. */
function fullOnly(ok: boolean, message: string): void {
  if (FULL) assert.ok(ok, message);
}

/** A POST head with a declared length. */
function post(path: string, type: string, length: number, extra: string[] = []): string {
  return [
    `POST ${path} HTTP/1.1`,
    "Host: 127.0.0.1",
    `Content-Type: ${type}`,
    `Content-Length: ${length}`,
    ...extra,
  ].join("\r\n");
}

/** A body: `prefix`, then `fill` repeated up to `total` bytes, then `suffix`. */
function padded(prefix: string, fill: number, total: number, suffix: string): Iterable<Uint8Array> {
  const [p, s] = [encoder.encode(prefix), encoder.encode(suffix)];
  return chunks(total, (chunk, offset) => {
    chunk.fill(fill);
    if (offset === 0) chunk.set(p.subarray(0, chunk.length));
    const tail = total - s.length - offset;
    if (tail < chunk.length) chunk.set(s.subarray(Math.max(0, -tail)), Math.max(0, tail));
  });
}

Deno.test("attack corpus: no single request stalls, exhausts or leaks from the server", async (t) => {
  await Deno.writeTextFile(`${dir}/models/README.md`, "# models\n");
  const headersTimeout = FULL ? 10 : 1;
  const server = await startServer(
    dir,
    { ADMIN_TOKEN: TOKEN, DROPOUT_DATA: DATA_PATH },
    ["--headers-timeout", String(headersTimeout)],
  );
  const url = server.url;
  baselineMs = await healthBaseline(url);
  try {
    const size = FULL ? 512 * MB - 1 : 60 * MB;
    await t.step(`an NDJSON body of one ${size} byte line: 413 at the line bound`, async () => {
      const { result, probed } = await whileProbing(url, () =>
        sendRaw(
          url,
          post("/v1/predict/batch", "application/x-ndjson", size),
          padded('{"Age":"', 0x39, size, '"}\n'),
        ));
      assert.equal(result.status, 413, result.body);
      assert.match(JSON.parse(result.body).error, /^Line too long: a record takes at most 2097152/);
      fullOnly(result.ms < 1000, `${result.ms} ms`);
      judged("NDJSON one long line", result.status, result.ms, probed);
    });

    const columns = FULL ? 2_000_000 : 200_000;
    await t.step(
      `a CSV header with ${columns} extra columns: 422 at the column bound`,
      async () => {
        const extra = Array.from({ length: columns }, (_, i) => `c${i}`).join(",");
        const body = encoder.encode(`${header},${extra}\n${row}${",".repeat(columns)}\n`);
        const { result, probed } = await whileProbing(
          url,
          () => sendRaw(url, post("/v1/predict/batch", "text/csv", body.length), [body]),
        );
        assert.equal(result.status, 422, result.body);
        assert.match(JSON.parse(result.body).error, /^Too many columns: a record has at most 512/);
        fullOnly(result.ms < 1000, `${result.ms} ms`);
        judged("CSV wide header", result.status, result.ms, probed);
      },
    );

    const nameSize = FULL ? 50 * MB : 20 * MB;
    await t.step(`a repeated ${nameSize} byte column name on the batch route: 413`, async () => {
      const name = "n".repeat(nameSize);
      const body = encoder.encode(`${header},${name},${name}\n${row},1,2\n`);
      const { result, probed } = await whileProbing(
        url,
        () => sendRaw(url, post("/v1/predict/batch", "text/csv", body.length), [body]),
      );
      assert.equal(result.status, 413);
      assert.ok(result.body.length < 1000, `${result.body.length} characters answered`);
      judged("batch repeated huge name", result.status, result.ms, probed);
    });

    await t.step(
      `an upload whose header has a ${nameSize} byte name: 422, a short answer`,
      async () => {
        const body = encoder.encode(`${header},${"h".repeat(nameSize)}\n${row},1\n`);
        const { result, probed } = await whileProbing(url, () =>
          sendRaw(
            url,
            post("/v1/datasets", "text/csv", body.length, [`Authorization: Bearer ${TOKEN}`]),
            [
              body,
            ],
          ));
        assert.equal(result.status, 422, result.body.slice(0, 300));
        assert.match(JSON.parse(result.body).error, /a column name is longer than 128 characters/);
        assert.ok(result.body.length < 1000, `${result.body.length} characters answered`);
        judged("upload huge header name", result.status, result.ms, probed);
      },
    );

    await t.step("formula cells and headers come back neutralised in the scored CSV", async () => {
      const csv = `${header},"=HYPERLINK(""http://x"",""y"")",id\n` +
        `${row},"=cmd|' /C calc'!A0",-3.5\n${row},@SUM(A1),+1+A1\n`;
      const { result, probed } = await whileProbing(
        url,
        () =>
          sendRaw(url, post("/v1/predict/batch", "text/csv", encoder.encode(csv).length), [
            encoder.encode(csv),
          ]),
      );
      assert.equal(result.status, 200);
      const lines = result.body.trim().split("\n");
      assert.match(lines[0], /^row,"'=HYPERLINK\(""http:\/\/x"",""y""\)",id,/);
      assert.match(lines[1], /^1,'=cmd\|' \/C calc'!A0,-3\.5,/);
      assert.match(lines[2], /^2,'@SUM\(A1\),'\+1\+A1,/);
      judged("CSV injection", result.status, result.ms, probed);
    });

    const methods = FULL ? 1500 : 300;
    await t.step(
      `${methods} random 8,000-character methods: 404 each, /metrics stays small`,
      async () => {
        const before = await (await fetch(`${url}/metrics`)).text();
        const { result, probed } = await whileProbing(url, async () => {
          const t0 = performance.now();
          const statuses = new Map<number, number>();
          for (let i = 0; i < methods; i += 10) {
            const answers = await Promise.all(Array.from({ length: 10 }, () => {
              const method = Array.from(
                { length: 8000 },
                () => String.fromCharCode(65 + Math.floor(Math.random() * 26)),
              ).join("");
              return sendRaw(url, `${method} /x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close`);
            }));
            for (const a of answers) {
              statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
            }
          }
          return { statuses, ms: performance.now() - t0 };
        });
        assert.deepEqual([...result.statuses], [[404, methods]]);
        const after = await (await fetch(`${url}/metrics`)).text();
        assert.ok(
          after.length - before.length < 2000,
          `/metrics grew by ${after.length - before.length}`,
        );
        assert.match(after, /method="other",status="404"\} \d+/);
        judged("random methods", 404, result.ms, probed);
      },
    );

    await t.step("the registry's own files are 404, never 500", async () => {
      for (const name of ["README.md", "active.json"]) {
        const res = await fetch(`${url}/v1/models/${name}`);
        assert.equal(res.status, 404, name);
        assert.match((await res.json()).error, /^Unknown model/);
      }
      assert.ok(!server.logs.some((l) => l.includes('"Unhandled error"')), "nothing reached 500");
    });

    await t.step(
      `5 sockets sending one header line at a time: closed after ${headersTimeout} s`,
      async () => {
        const every = FULL ? 2000 : 250;
        const { result, probed } = await whileProbing(url, async () => {
          const t0 = performance.now();
          const answers = await Promise.all(Array.from({ length: 5 }, async () => {
            const { hostname, port } = new URL(url);
            const conn = await Deno.connect({ hostname, port: Number(port) });
            let closed = false;
            const reading = (async () => {
              const buffer = new Uint8Array(4096);
              let text = "";
              try {
                while (true) {
                  const n = await conn.read(buffer);
                  if (n === null) break;
                  text += new TextDecoder().decode(buffer.subarray(0, n));
                }
              } catch { /* reset */ }
              closed = true;
              return { text, ms: performance.now() - t0 };
            })();
            for (let i = 0; !closed && performance.now() - t0 < 3 * headersTimeout * 1000; i++) {
              const line = i === 0 ? "GET /health HTTP/1.1\r\n" : `X-Slow-${i}: y\r\n`;
              await conn.write(encoder.encode(line)).catch(() => {});
              await new Promise((r) => setTimeout(r, every));
            }
            const answer = await reading;
            try {
              conn.close();
            } catch { /* closed */ }
            return answer;
          }));
          return { answers, ms: performance.now() - t0 };
        });
        for (const a of result.answers) {
          assert.match(a.text, /^HTTP\/1\.1 408 /);
          fullOnly(a.ms < headersTimeout * 1000 + every + 1500, `closed after ${a.ms} ms`);
        }
        judged("slow headers", 408, Math.max(...result.answers.map((a) => a.ms)), probed);
      },
    );

    await t.step(
      "request ids are the server's own, answers no-store, no HSTS over HTTP",
      async () => {
        const ids = new Set<string>();
        for (let i = 0; i < 2; i++) {
          const res = await fetch(`${url}/v1/predict`, {
            method: "POST",
            headers: { "x-request-id": "chosen-by-client", "content-type": "application/json" },
            body: JSON.stringify(STUDENT),
          });
          await res.body?.cancel();
          ids.add(res.headers.get("x-request-id") ?? "");
          assert.equal(res.headers.get("cache-control"), "no-store");
          assert.equal(res.headers.get("strict-transport-security"), null);
        }
        assert.equal(ids.size, 2);
        assert.ok(!ids.has("chosen-by-client"));
      },
    );

    await t.step("a public figure shows no group of fewer than 10 students", async () => {
      const body = await (await fetch(`${url}/v1/visualize/Age`)).json();
      const [negative, positive] = body.figure.data;
      negative.y.forEach((n: number | null, i: number) => {
        const total = (n ?? 0) + (positive.y[i] ?? 0);
        assert.ok(total === 0 || total >= 10, `a group of ${total}`);
      });
    });
  } finally {
    assert.equal(await server.stop(), 0, "the server stops cleanly after the attacks");
  }

  await t.step("without training data, figures never fall back to an admin upload", async () => {
    const bare = await startServer(dir, { ADMIN_TOKEN: TOKEN, DROPOUT_DATA: `${dir}/absent.csv` });
    try {
      const upload = await fetch(`${bare.url}/v1/datasets`, {
        method: "POST",
        headers: { ...ADMIN, "content-type": "text/csv" },
        body: DATA_TEXT,
      });
      assert.ok([200, 201].includes(upload.status), await upload.text());
      const res = await fetch(`${bare.url}/v1/visualize/Age`);
      const text = await res.text();
      assert.equal(res.status, 503);
      assert.ok(!text.includes(dir) && !text.includes("absent.csv"), text);
    } finally {
      assert.equal(await bare.stop(), 0);
    }
  });
});

Deno.test("the cell patterns stay linear on a long near-miss (no ReDoS)", () => {
  const time = (n: number) => {
    const text = "1".repeat(n) + "x";
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) NUMBER.test(text);
    return (performance.now() - t0) / 5;
  };
  time(1000);
  // Up to the longest cell a record can hold, and a tenth of it.
  const n = INPUT_LIMITS.lineChars;
  const [small, large] = [time(Math.floor(n / 10)), time(n)];
  assert.ok(large < 5 || large < 30 * Math.max(small, 0.05), `${small} ms, then ${large} ms`);
  report(
    `attack "ReDoS NUMBER": ${n} digits in ${large.toFixed(2)} ms (${Math.floor(n / 10)}: ${
      small.toFixed(2)
    } ms)`,
  );
});
