/**
 * A throwaway PostgreSQL server for tests: Debian's `postgresql` programs, a cluster made with
 * `initdb` in a temporary folder, started with `pg_ctl` on a free loopback port, and removed
 * when the process ends. PostgreSQL refuses to run as root, so under root it runs as the
 * `postgres` user that the Debian package creates.
 *
 * @module
 */

/** A running test server. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  /** The port. */
  port: number;
  /** Makes an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and removes its folder. */
  stop(): void;
}

/**
 * Finds Debian's PostgreSQL server programs (`/usr/lib/postgresql/<version>/bin`).
 *
 * @returns The folder holding `initdb`, `pg_ctl` and `postgres`.
 * @throws Error naming the package to install when there is none.
 */
export function postgresBin(): string {
  try {
    const versions = [...Deno.readDirSync("/usr/lib/postgresql")].map((e) => e.name)
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const bin = `/usr/lib/postgresql/${v}/bin`;
      if (Deno.statSync(`${bin}/initdb`).isFile) return bin;
    }
  } catch {
    // not installed
  }
  throw new Error(
    "PostgreSQL is not installed: the caseload tests need Debian's postgresql package " +
      "(apt-get install -y postgresql, or run `deno task test`, which installs it)",
  );
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function runSync(cmd: string, args: string[], asPostgres: boolean) {
  const [c, a] = asPostgres ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  const out = new Deno.Command(c, { args: a, stdout: "piped", stderr: "piped" }).outputSync();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(`${cmd} failed: ${text.trim()}`);
  }
}

/**
 * Starts a PostgreSQL server of its own, stopped when the process unloads.
 *
 * @returns The server.
 */
export function startPostgres(): PostgresServer {
  const bin = postgresBin();
  const root = Deno.uid?.() === 0;
  const dir = Deno.makeTempDirSync({ prefix: "caseload-pg-" });
  if (root) runSync("chown", ["postgres:postgres", dir], false);
  const data = `${dir}/data`;
  runSync(`${bin}/initdb`, ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"], root);
  const port = freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  runSync(`${bin}/pg_ctl`, ["-D", data, "-o", options, "-l", `${dir}/log`, "-w", "start"], root);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      runSync(`${bin}/pg_ctl`, ["-D", data, "-m", "immediate", "-w", "stop"], root);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  };
  globalThis.addEventListener("unload", stop);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    stop,
    createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Bad database name: ${name}`);
      runSync(
        `${bin}/createdb`,
        ["-h", "127.0.0.1", "-p", `${port}`, "-U", "postgres", name],
        false,
      );
      return Promise.resolve(`postgres://postgres@127.0.0.1:${port}/${name}`);
    },
  };
}
