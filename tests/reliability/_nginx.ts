/**
 * A real nginx (Debian's, installed by `tests/setup_main.ts`) in front of server replicas, run as
 * its own process on a free port of 127.0.0.1 from a config written to a temporary folder. It is
 * configured as an operator would put it in front of the server:
 *
 * - keep-alive connections to the replicas (HTTP/1.1, `Connection` cleared);
 * - a replica that refuses or drops a connection, or answers 502/503 (draining), is marked failed
 *   for a few seconds and the request goes to the next one;
 * - predictions are retried on another replica even though they are POSTs
 *   (`non_idempotent`): scoring has no side effects. Everything else (uploads, training, activation)
 *   is retried only when the replica could not be reached, so a job is never started twice.
 *
 * @module
 */
import { freePort, stopChild } from "../../server/_launch.ts";

/** The nginx binary of Debian's `nginx` package. */
export const NGINX = "/usr/sbin/nginx";

/** A running nginx. */
export interface Nginx {
  /** Its base URL. */
  url: string;
  /** Stops it (SIGQUIT: finish the requests in flight) and removes its folder. */
  stop(): Promise<void>;
  /** Its error log so far. */
  errors(): Promise<string>;
}

/**
 * The nginx configuration of a load balancer over replicas.
 *
 * @param dir Its folder (pid file, logs, temporary files).
 * @param port The port it listens on.
 * @param upstreams The replicas' ports on 127.0.0.1.
 * @returns The config text.
 */
export function nginxConfig(dir: string, port: number, upstreams: number[]): string {
  const proxy = [
    "proxy_pass http://dropout;",
    "proxy_http_version 1.1;",
    'proxy_set_header Connection "";',
    "proxy_set_header Host $host;",
    "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "proxy_connect_timeout 1s;",
    "proxy_next_upstream_tries 3;",
  ];
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream dropout {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join("\n")}
    keepalive 128;
  }
  server {
    listen 127.0.0.1:${port};
    location /v1/predict {
      ${proxy.join("\n      ")}
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
    }
    location / {
      ${proxy.join("\n      ")}
      proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
`;
}

/**
 * Starts nginx in front of the replicas and waits until it answers `/health`.
 *
 * @param upstreams The replicas' ports on 127.0.0.1.
 * @returns The running nginx.
 */
export async function startNginx(upstreams: number[]): Promise<Nginx> {
  const dir = await Deno.makeTempDir({ prefix: "dropout-nginx-" });
  // nginx's workers run as an unprivileged user when the master is root: they must reach the folder.
  await Deno.chmod(dir, 0o755);
  const port = freePort();
  await Deno.writeTextFile(`${dir}/nginx.conf`, nginxConfig(dir, port, upstreams));
  const child = new Deno.Command(NGINX, {
    args: ["-p", dir, "-c", `${dir}/nginx.conf`, "-e", `${dir}/error.log`],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const reading = (async () => {
    for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) stderr += text;
  })();
  const url = `http://127.0.0.1:${port}`;
  const errors = () => Deno.readTextFile(`${dir}/error.log`).catch(() => "");
  const stop = async () => {
    await stopChild(child, reading, "SIGQUIT");
    await Deno.remove(dir, { recursive: true });
  };
  const deadline = Date.now() + 10_000;
  while (true) {
    const ok = await fetch(`${url}/health`).then(async (r) => {
      await r.body?.cancel();
      return r.ok;
    }, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      const log = await errors();
      await stop();
      throw new Error(`nginx did not start:\n${stderr}\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop, errors };
}
