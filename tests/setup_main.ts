/**
 * Before the test suite: installs what the cross-module tests need and the
 * project cannot ship as packages of its own — Debian's Chromium (browser
 * tests), Jupyter (notebook tests), nginx (the replicas behind a load balancer),
 * Prometheus (a real scrape of the metrics) and PostgreSQL (the caseload's tests
 * run against it as well as SQLite) — and registers Deno's Jupyter kernel. The
 * tests run nginx, Prometheus and PostgreSQL as their own processes on free
 * ports; the packages' system services are not used.
 * Each step is skipped when already done, so a second run costs a second.
 * Installing needs root and apt-get (as on CI); otherwise it says what to install.
 *
 * @module
 */

const APT = {
  chromium: ["chromium"],
  jupyter: ["jupyter-nbconvert", "python3-nbclient", "jupyter-client", "python3-ipykernel"],
  nginx: ["nginx"],
  prometheus: ["prometheus"],
  postgresql: ["postgresql"],
};

async function run(cmd: string, args: string[], env?: Record<string, string>) {
  try {
    const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" })
      .output();
    return {
      ok: out.success,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  } catch {
    return { ok: false, stdout: "", stderr: `${cmd} not found` };
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Debian keeps PostgreSQL's server programs under /usr/lib/postgresql/<version>/bin. */
async function postgresInstalled(): Promise<boolean> {
  try {
    for await (const version of Deno.readDir("/usr/lib/postgresql")) {
      if (await exists(`/usr/lib/postgresql/${version.name}/bin/initdb`)) return true;
    }
  } catch {
    // no folder: not installed
  }
  return false;
}

const missing: string[] = [];
if (!(await exists("/usr/bin/chromium"))) missing.push(...APT.chromium);
if (!(await run("jupyter-nbconvert", ["--version"])).ok) missing.push(...APT.jupyter);
if (!(await exists("/usr/sbin/nginx"))) missing.push(...APT.nginx);
if (!(await exists("/usr/bin/prometheus"))) missing.push(...APT.prometheus);
if (!(await postgresInstalled())) missing.push(...APT.postgresql);

if (missing.length > 0) {
  const root = Deno.uid?.() === 0;
  if (!root || !(await run("apt-get", ["--version"])).ok) {
    console.error(
      `setup: the browser, notebook, replica (nginx) and metrics (Prometheus) tests need Debian packages that are missing: ${
        missing.join(" ")
      }\n` +
        `setup: install them (sudo apt-get install -y ${
          missing.join(" ")
        }) and run the tests again`,
    );
    Deno.exit(1);
  }
  console.error(`setup: installing ${missing.join(" ")} with apt-get (once per machine)`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const update = await run("apt-get", ["update", "-qq"], env);
  const install = update.ok && await run("apt-get", ["install", "-y", "-qq", ...missing], env);
  if (!install || !install.ok) {
    console.error(`setup: apt-get failed:\n${(install || update).stderr}`);
    Deno.exit(1);
  }
}

// The Deno kernel: registered, and pointing at a deno binary that exists.
const specs = await run("jupyter", ["kernelspec", "list", "--json"]);
let kernelOk = false;
if (specs.ok) {
  const argv0 = JSON.parse(specs.stdout).kernelspecs?.deno?.spec?.argv?.[0];
  kernelOk = typeof argv0 === "string" && await exists(argv0);
}
if (!kernelOk) {
  console.error("setup: registering the Deno Jupyter kernel (deno jupyter --install)");
  const kernel = await run(Deno.execPath(), ["jupyter", "--install"]);
  if (!kernel.ok) {
    console.error(`setup: deno jupyter --install failed:\n${kernel.stderr}`);
    Deno.exit(1);
  }
}
