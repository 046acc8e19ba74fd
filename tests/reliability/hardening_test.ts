import assert from "node:assert/strict";
import { DATA_PATH } from "../../server/_testing.ts";
import { startServer } from "../server/_process.ts";
import { ADMIN, DATA_LINES, fixture, FULL, HEADER, report, TOKEN, withServer } from "./_harness.ts";
import { healthBaseline, healthBound, sendRaw, whileProbing } from "./_attacks.ts";

/**
 * The findings of issue 24, each against the real server: no client crashes or freezes it. Full
 * mode (`deno task reliability`) takes the sizes (5,000 + 5,000 connections, 900,000
 * rows); quick mode (`deno task test`) the same shapes, smaller, asserting outcomes only.
 */
const MB = 1024 * 1024;
const { dir } = await fixture();
const encoder = new TextEncoder();
const load = () => Deno.readTextFileSync("/proc/loadavg").split(" ")[0];

/** A few short columns of the shared data, repeated to `rows` rows: the small-row body. */
function shortRows(rows: number): string {
  const columns = ["Age", "Gender", "School", "Grade_1", "Grade_2"];
  const at = columns.map((c) => HEADER.indexOf(c));
  const source = DATA_LINES.slice(1).map((l) => {
    const fields = l.split(",");
    return at.map((i) => fields[i]).join(",");
  });
  const lines = [columns.join(",")];
  for (let i = 0; i < rows; i++) lines.push(source[i % source.length]);
  return lines.join("\n") + "\n";
}

/** Resident memory of a process, from /proc. */
function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
  return Number(m![1]) * 1024;
}

Deno.test("connections past the cap are refused and the process stays up", async () => {
  // Full: the 5,000 idle and 5,000 keep-alive connections against the cap derived from
  // the fd limit. Quick: a cap of 40 against 60 + 60.
  const each = FULL ? 5000 : 60;
  const env: Record<string, string> = FULL ? {} : { MAX_CONNECTIONS: "40" };
  await withServer(dir, async (server) => {
    const { hostname, port } = new URL(server.url);
    const listening = server.logs.map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return {};
      }
    }).find((l) => l.msg === "Listening" || l.message === "Listening");
    const conns: Deno.TcpConn[] = [];
    const open = async () => {
      const conn = await Deno.connect({ hostname, port: Number(port) });
      conns.push(conn);
      return conn;
    };
    let failed = 0;
    for (let i = 0; i < each; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, each - i) }, () => open().catch(() => failed++)),
      );
    }
    // Keep-alive: one request each, answered (200) or refused past the cap (503).
    const statuses = new Map<string, number>();
    const buffer = new Uint8Array(4096);
    for (let i = 0; i < each; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, each - i) }, async () => {
        let status = "closed";
        try {
          const conn = await open();
          await conn.write(encoder.encode("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
          const n = await conn.read(buffer);
          if (n) status = new TextDecoder().decode(buffer.subarray(0, 12)).slice(9);
        } catch {
          failed++;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }));
    }
    const alive = (() => {
      try {
        Deno.statSync(`/proc/${server.pid}`);
        return true;
      } catch {
        return false;
      }
    })();
    const rss = rssOf(server.pid);
    for (const conn of conns) {
      try {
        conn.close();
      } catch { /* closed by the server */ }
    }
    let health = 0;
    for (let tries = 0; tries < 100 && health !== 200; tries++) {
      const res = await fetch(`${server.url}/health`).catch(() => undefined);
      health = res?.status ?? 0;
      await res?.body?.cancel();
      if (health !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    report(
      `connections: ${each} idle + ${each} keep-alive against a cap of ${
        listening?.max_connections ?? "?"
      }; keep-alive answers ${
        JSON.stringify(Object.fromEntries(statuses))
      }; ${failed} connects or writes failed; process up: ${alive}; RSS ${
        (rss / MB).toFixed(0)
      } MB; /health after they closed: ${health}; load ${load()}`,
    );
    assert.ok(alive, "the server process is still running");
    assert.ok((statuses.get("503") ?? 0) > 0, "connections past the cap got 503");
    assert.equal(health, 200);
  }, env);
});

Deno.test("a multipart /v1/drift body is streamed in bounded memory and leaves /health answering", async () => {
  const rows = FULL ? 900_000 : 50_000;
  const text = shortRows(rows);
  const boundary = "----drift-reliability";
  const body = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="rows.csv"\r\n` +
      `Content-Type: text/csv\r\n\r\n${text}\r\n--${boundary}--\r\n`,
  );
  await withServer(dir, async (server) => {
    const baseline = await healthBaseline(server.url);
    const rssBefore = rssOf(server.pid);
    let peak = rssBefore;
    const sampler = setInterval(() => peak = Math.max(peak, rssOf(server.pid)), 50);
    const { result, probed } = await whileProbing(server.url, () =>
      sendRaw(
        server.url,
        [
          "POST /v1/drift HTTP/1.1",
          "Host: x",
          `Content-Type: multipart/form-data; boundary=${boundary}`,
          `Content-Length: ${body.length}`,
          "Connection: close",
        ].join("\r\n"),
        [body],
        120_000,
      ));
    clearInterval(sampler);
    const bound = healthBound(baseline);
    report(
      `drift multipart: ${rows} rows, ${(body.length / MB).toFixed(1)} MB: ${result.status} in ${
        result.ms.toFixed(0)
      } ms; /health max ${probed.healthMaxMs.toFixed(1)} ms over ${probed.probes} probes ` +
        `(baseline ${baseline.toFixed(1)} ms, bound ${bound.toFixed(0)} ms); RSS ${
          (rssBefore / MB).toFixed(0)
        } -> peak ${(peak / MB).toFixed(0)} MB; load ${load()}`,
    );
    assert.equal(result.status, 200, result.body);
    assert.equal(JSON.parse(result.body).skipped, 0);
    assert.ok(probed.probes >= 1);
    if (FULL) {
      assert.ok(peak < 300 * MB, `peak RSS ${(peak / MB).toFixed(0)} MB`);
      assert.ok(probed.healthMaxMs < bound, `/health took ${probed.healthMaxMs.toFixed(1)} ms`);
    }
  });
});

Deno.test("the front refuses HTTP/2 prior knowledge and a 16-digit length, and cuts a dripped head", async (t) => {
  // Quick mode: a 2 s head timeout, so the dripped head ends sooner; full mode: the default 10 s.
  const server = await startServer(
    dir,
    { ADMIN_TOKEN: TOKEN, DROPOUT_DATA: DATA_PATH },
    FULL ? [] : ["--headers-timeout", "2"],
  );
  try {
    await t.step("HTTP/2 prior knowledge: 505", async () => {
      const answer = await sendRaw(server.url, "PRI * HTTP/2.0\r\n\r\nSM", [], 20_000);
      report(`HTTP/2 prior knowledge: ${answer.status} in ${answer.ms.toFixed(0)} ms`);
      assert.equal(answer.status, 505);
    });
    await t.step("a 16-digit Content-Length: 400", async () => {
      const answer = await sendRaw(
        server.url,
        "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000000",
        [],
        20_000,
      );
      report(`16-digit Content-Length: ${answer.status} in ${answer.ms.toFixed(0)} ms`);
      assert.equal(answer.status, 400);
    });
    await t.step(
      "a head dripped a byte at a time after a 16-digit length: cut by the head timeout",
      async () => {
        const { hostname, port } = new URL(server.url);
        const conn = await Deno.connect({ hostname, port: Number(port) });
        const t0 = performance.now();
        const head = "POST /v1/predict HTTP/1.1\r\nContent-Length: 1000000000000000\r\nX-Slow: ";
        let closed = false;
        const reading = (async () => {
          const buffer = new Uint8Array(4096);
          let text = "";
          try {
            for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
              text += new TextDecoder().decode(buffer.subarray(0, n));
            }
          } catch { /* reset */ }
          closed = true;
          return text;
        })();
        await conn.write(encoder.encode(head));
        // One byte every 2 s (0.5 s quick; the issue dripped one every 12 s): the head timer ends it.
        while (!closed && performance.now() - t0 < 30_000) {
          await new Promise((r) => setTimeout(r, FULL ? 2000 : 500));
          await conn.write(encoder.encode("y")).catch(() => {});
        }
        const text = await reading;
        const ms = performance.now() - t0;
        try {
          conn.close();
        } catch { /* closed */ }
        report(
          `dripped head after a 16-digit length: "${text.slice(0, 12)}" after ${ms.toFixed(0)} ms`,
        );
        assert.match(text, /^HTTP\/1\.1 408 /);
      },
    );
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

/**
 * Posts a file to a URL and reads the whole answer in another process, so that reading it does not
 * delay this process's `/health` probes: they measure the server alone.
 */
async function postElsewhere(
  url: string,
  file: string,
  type: string,
): Promise<{ status: number; bytes: number; lines: number }> {
  const code = `
    const res = await fetch(Deno.env.get("URL"), {
      method: "POST",
      headers: { "content-type": Deno.env.get("TYPE") },
      body: (await Deno.open(Deno.env.get("FILE"))).readable,
    });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body) {
      bytes += chunk.length;
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
    }
    console.log(JSON.stringify({ status: res.status, bytes, lines }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", code],
    env: { URL: url, FILE: file, TYPE: type },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(text);
}

Deno.test("a text/csv batch answer stays within 3 times its input, and bounded per row with reasons", async () => {
  const rows = FULL ? 900_000 : 20_000;
  const input = encoder.encode(shortRows(rows));
  const file = await Deno.makeTempFile({ prefix: "hardening-batch-", suffix: ".csv" });
  await Deno.writeFile(file, input);
  try {
    await withServer(dir, async (server) => {
      const baseline = await healthBaseline(server.url);
      const bound = healthBound(baseline);
      // Scores only (`reasons=0`) must stay in proportion to the input. Reasons, three by default
      // for the class list an adviser reads, cost a bounded number of bytes per row instead: issue
      // #27's default and #24's 3 times cannot both hold for five-column rows.
      for (const [query, size] of [["?reasons=0", "ratio"], ["", "row"]] as const) {
        const { result, probed } = await whileProbing(
          server.url,
          () => postElsewhere(`${server.url}/v1/predict/batch${query}`, file, "text/csv"),
        );
        const ratio = result.bytes / input.length;
        const perRow = result.bytes / rows;
        report(
          `batch text/csv${query || " (3 reasons, the default)"}: ${rows} rows, input ${
            (input.length / MB).toFixed(1)
          } MB, answer ${(result.bytes / MB).toFixed(1)} MB (${ratio.toFixed(2)} x, ${
            perRow.toFixed(0)
          } bytes a row); /health max ${
            probed.healthMaxMs.toFixed(1)
          } ms over ${probed.probes} probes (baseline ${baseline.toFixed(1)} ms, bound ${
            bound.toFixed(0)
          } ms); load ${load()}`,
        );
        assert.equal(result.status, 200);
        assert.equal(result.lines, rows + 1);
        if (size === "ratio") {
          assert.ok(ratio <= 3, `the answer is ${ratio.toFixed(2)} times the input`);
        } else {
          assert.ok(perRow <= 400, `the answer takes ${perRow.toFixed(0)} bytes a row`);
        }
        // The batch gives other requests a turn while it scores (unpaced, a reader as fast as this
        // one held /health 0.5-1.6 s at a time); its back-pressure is the front's body credit's.
        assert.ok(probed.healthMaxMs < bound, `/health took ${probed.healthMaxMs.toFixed(1)} ms`);
      }
    });
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("/retrain on an upload with one label answers 422 naming why", async () => {
  await withServer(dir, async (server) => {
    const at = HEADER.indexOf("Dropped_Out");
    const one = DATA_LINES.slice(1).filter((l) => l.split(",")[at].trim() !== "True");
    const form = new FormData();
    form.append("file", new File([[DATA_LINES[0], ...one].join("\n") + "\n"], "one.csv"));
    const up = await fetch(`${server.url}/upload_train_data`, {
      method: "POST",
      headers: ADMIN,
      body: form,
    });
    assert.equal(up.status, 200, await up.clone().text());
    await up.body?.cancel();
    const res = await fetch(`${server.url}/retrain`, { method: "POST", headers: ADMIN });
    const body = await res.json();
    report(`one-label /retrain: ${res.status} ${JSON.stringify(body.error ?? body.detail)}`);
    assert.equal(res.status, 422);
    assert.match(body.error ?? body.detail, /one label/);
  });
});

Deno.test("with FRONT=off the server takes connections itself, as behind nginx", async () => {
  await withServer(dir, async (server) => {
    const res = await fetch(`${server.url}/health`);
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const listening = server.logs.map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return {};
      }
    }).find((l) => l.msg === "Listening");
    assert.equal(listening?.front, false);
    // Without the front, HTTP/2 prior knowledge reaches Deno.serve, which speaks it.
    const answer = await sendRaw(server.url, "PRI * HTTP/2.0\r\n\r\nSM", [], 3000);
    assert.notEqual(answer.status, 505);
  }, { FRONT: "off" });
});
