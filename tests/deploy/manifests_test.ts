/**
 * The deployment files held to the server's own configuration: the Kubernetes manifests in
 * `deploy/k8s/`, `docker-compose.yml`, its Prometheus config and the Dockerfile. Ports, probe
 * paths, variable names, mount paths and command-line flags are read from the server (config
 * defaults, the `server` permission set's env and write lists, the command parser, the app's
 * routes), so a change on either side that breaks the other fails here.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parse, parseAllDocuments } from "yaml";
import { makeConfig, readConfig } from "../../server/config/mod.ts";
import { healthcheck } from "../../server/main.ts";
import { SHUTDOWN_MS } from "../../server/server.ts";
import { ROOT, testApp, trainedRegistry } from "../../server/_testing.ts";

// deno-lint-ignore no-explicit-any
type Doc = any;

const K8S = `${ROOT}deploy/k8s/`;
const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
const SERVER_ENV: string[] = config.permissions.server.env;
const SERVER_WRITE: string[] = config.permissions.server.write;
const dockerfile = await Deno.readTextFile(`${ROOT}Dockerfile`);
/** The folder the binary runs in: the set's write paths are relative to it. */
const WORKDIR = [...dockerfile.matchAll(/^WORKDIR (\S+)$/gm)].at(-1)![1];

async function load(name: string): Promise<Doc[]> {
  const docs = parseAllDocuments(await Deno.readTextFile(`${K8S}${name}`));
  return docs.map((d) => {
    assert.deepEqual(d.errors, [], name);
    return d.toJS();
  });
}

const kustomization = parse(await Deno.readTextFile(`${K8S}kustomization.yaml`));
const resources: Doc[] = [];
for (const name of kustomization.resources as string[]) resources.push(...await load(name));
const byKind = (kind: string): Doc[] => resources.filter((r) => r.kind === kind);
const one = (kind: string): Doc => {
  const found = byKind(kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0];
};
const deployment = one("Deployment");
const job = one("Job");
const pvc = one("PersistentVolumeClaim");
const secret = one("Secret");
const service = one("Service");
const hpa = one("HorizontalPodAutoscaler");
const server = deployment.spec.template.spec.containers[0];

function envOf(container: Doc): Map<string, Doc> {
  return new Map((container.env ?? []).map((e: Doc) => [e.name, e]));
}

/** The container's settings as the server reads them from these variables and arguments. */
function serverConfigOf(container: Doc) {
  const env = envOf(container);
  return readConfig(container.args ?? [], (name) => env.get(name)?.value);
}

Deno.test("kustomization lists every manifest in deploy/k8s, and each parses", async () => {
  const files = [...Deno.readDirSync(K8S)].map((e) => e.name).filter((n) => n.endsWith(".yaml"));
  assert.deepEqual(
    [...kustomization.resources].sort(),
    files.filter((n) => n !== "kustomization.yaml").sort(),
  );
  for (const r of resources) assert.ok(r.apiVersion && r.kind && r.metadata?.name, r.kind);
  assert.equal((await load("deployment.yaml")).length, 1);
});

Deno.test("the Deployment and Job read only variables the server's permission set allows", () => {
  for (const container of [server, job.spec.template.spec.containers[0]]) {
    for (const name of envOf(container).keys()) {
      assert.ok(SERVER_ENV.includes(name), `${container.name}: ${name} is not in the server set`);
    }
    // A bad value or flag would stop the server at start; readConfig throws the same way.
    serverConfigOf(container);
  }
});

Deno.test("the Deployment listens where its port, probes and Service point", async () => {
  const { config } = serverConfigOf(server);
  const port = server.ports.find((p: Doc) => p.name === "http");
  assert.equal(port.containerPort, config.port);
  assert.equal(config.hostname, "0.0.0.0", "a pod must take outside connections");
  assert.equal(server.readinessProbe.httpGet.path, "/ready");
  assert.equal(server.livenessProbe.httpGet.path, "/health");
  for (const probe of [server.readinessProbe, server.livenessProbe]) {
    assert.ok([port.name, port.containerPort].includes(probe.httpGet.port));
  }
  assert.ok(
    [port.name, port.containerPort].includes(service.spec.ports[0].targetPort),
    "Service targets the container's port",
  );
  const labels = deployment.spec.template.metadata.labels;
  for (const [k, v] of Object.entries(service.spec.selector)) assert.equal(labels[k], v);
  assert.deepEqual(deployment.spec.selector.matchLabels, service.spec.selector);
  const annotations = deployment.spec.template.metadata.annotations;
  assert.equal(Number(annotations["prometheus.io/port"]), config.port);
  // The paths exist: /health answers 200, /ready 503 without a model and 200 with one.
  const empty = await Deno.makeTempDir();
  try {
    const { app } = await testApp(empty);
    assert.equal((await app.request(server.livenessProbe.httpGet.path)).status, 200);
    const ready = await app.request(server.readinessProbe.httpGet.path);
    assert.equal(ready.status, 503);
    await ready.body?.cancel();
    const metrics = await app.request(annotations["prometheus.io/path"]);
    assert.match(await metrics.text(), /^dropout_http_requests_total\{/m);
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("--healthcheck (the image's HEALTHCHECK) fails until a model is loaded", async () => {
  const probe = async (dir: string) => {
    const { app } = await testApp(dir);
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
    try {
      return await healthcheck(server.addr.port);
    } finally {
      await server.shutdown();
    }
  };
  const empty = await Deno.makeTempDir();
  try {
    assert.equal(await probe(empty), 1, "no model: unhealthy");
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
  assert.equal(await probe((await trainedRegistry(2)).dir), 0, "a model: healthy");
});

Deno.test("the Deployment runs non-root on a read-only root filesystem with resources set", () => {
  const pod = deployment.spec.template.spec;
  for (const spec of [pod, job.spec.template.spec]) {
    assert.equal(spec.securityContext.runAsNonRoot, true);
    // The distroless image's `nonroot` user (the Dockerfile's USER).
    assert.match(dockerfile, /^USER nonroot$/m);
    assert.equal(spec.securityContext.runAsUser, 65532);
    assert.equal(spec.securityContext.fsGroup, 65532, "the shared volume is writable");
    const c = spec.containers[0];
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
    for (const kind of ["requests", "limits"]) {
      assert.ok(c.resources[kind].cpu && c.resources[kind].memory, `${c.name} ${kind}`);
    }
    // The compiled binary unpacks its native addon to /tmp: with a read-only root, a volume.
    assert.ok(c.volumeMounts.some((m: Doc) => m.mountPath === "/tmp"), `${c.name} /tmp`);
  }
  assert.ok(
    pod.terminationGracePeriodSeconds * 1000 > SHUTDOWN_MS,
    "the pod is given the server's drain time before SIGKILL",
  );
});

Deno.test("the registry and uploads live on the ReadWriteMany claim, where the server may write", () => {
  assert.deepEqual(pvc.spec.accessModes, ["ReadWriteMany"]);
  for (const spec of [deployment.spec.template.spec, job.spec.template.spec]) {
    const c = spec.containers[0];
    const { config } = serverConfigOf(c);
    const claim = spec.volumes.find((v: Doc) => v.persistentVolumeClaim);
    assert.equal(claim.persistentVolumeClaim.claimName, pvc.metadata.name);
    const onClaim = c.volumeMounts.filter((m: Doc) => m.name === claim.name)
      .map((m: Doc) => m.mountPath);
    for (const dir of [config.modelsDir, config.uploadsDir]) {
      assert.ok(onClaim.includes(dir), `${c.name}: ${dir} is on the claim`);
      // The compiled binary may write only the set's folders, resolved against its WORKDIR.
      assert.ok(
        SERVER_WRITE.some((w) => dir === `${WORKDIR}/${w}` || dir.startsWith(`${WORKDIR}/${w}/`)),
        `${c.name}: ${dir} is inside the server set's write paths`,
      );
    }
    const data = config.dataPath!;
    assert.ok(
      c.volumeMounts.some((m: Doc) => data.startsWith(`${m.mountPath}/`)),
      `${c.name}: DROPOUT_DATA ${data} is on a mounted volume`,
    );
  }
});

Deno.test("ADMIN_TOKEN comes from the Secret, and the Job trains then exits", () => {
  const ref = envOf(server).get("ADMIN_TOKEN").valueFrom.secretKeyRef;
  assert.equal(ref.name, secret.metadata.name);
  assert.ok(Object.keys(secret.stringData ?? secret.data).includes(ref.key));
  assert.equal(serverConfigOf(server).train, undefined, "the Deployment serves");
  const trainer = job.spec.template.spec.containers[0];
  assert.equal(serverConfigOf(trainer).train, "only");
  assert.equal(trainer.image, server.image);
  assert.ok(["Never", "OnFailure"].includes(job.spec.template.spec.restartPolicy));
  assert.equal(hpa.spec.scaleTargetRef.kind, "Deployment");
  assert.equal(hpa.spec.scaleTargetRef.name, deployment.metadata.name);
  assert.ok(hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas > hpa.spec.minReplicas);
});

Deno.test("docker-compose.yml runs the server as configured and a Prometheus that scrapes it", async () => {
  const compose = parse(await Deno.readTextFile(`${ROOT}docker-compose.yml`));
  const svc = compose.services.server;
  const env = new Map(Object.entries(svc.environment as Record<string, string>));
  for (const name of env.keys()) assert.ok(SERVER_ENV.includes(name), name);
  const { config, train } = readConfig(svc.command, (name) => env.get(name));
  assert.equal(train, "missing", "a first start trains from the mounted CSV");
  const defaults = makeConfig();
  const container = WORKDIR;
  // SOURCE:TARGET[:MODE], where SOURCE may be a `${VAR:?message}` holding colons of its own.
  const mounts = (svc.volumes as string[]).map((v) => /:(\/[^:]*)(?::r[ow])?$/.exec(v)![1]);
  for (const w of SERVER_WRITE) assert.ok(mounts.includes(`${container}/${w}`), w);
  assert.ok(mounts.some((m) => config.dataPath!.startsWith(`${m}/`)), "the CSV is mounted");
  assert.ok(svc.ports.some((p: string) => p.endsWith(`:${defaults.port}`)));
  const [, promFile, promPath] = /^\.\/(.+):(\/etc\/prometheus\/prometheus\.yml)/.exec(
    compose.services.prometheus.volumes[0],
  )!;
  assert.ok(compose.services.prometheus.command.includes(`--config.file=${promPath}`));
  const prom = parse(await Deno.readTextFile(`${ROOT}${promFile}`));
  const job = prom.scrape_configs[0];
  assert.equal(job.metrics_path, "/metrics");
  assert.deepEqual(job.static_configs[0].targets, [`server:${defaults.port}`]);
});

Deno.test("the Dockerfile compiles in its own stage and checks health on readiness", () => {
  const task = config.tasks.compile.command as string;
  assert.match(dockerfile, /^RUN deno task compile/m);
  const output = / --output (\S+) /.exec(task)![1];
  assert.match(dockerfile, new RegExp(`^COPY --from=build ${WORKDIR}/${output} `, "m"));
  // Everything the compile task includes is copied into the build stage.
  for (const [, path] of task.matchAll(/--include (\S+)/g)) {
    const top = path.split("/")[0];
    assert.match(dockerfile, new RegExp(`^COPY ${top}/`, "m"), path);
  }
  assert.match(dockerfile, /^HEALTHCHECK .*\n\s+CMD \["[^"]+", "--healthcheck"\]$/m);
  assert.match(dockerfile, /^ENV PORT=\d+ HOST=0\.0\.0\.0$/m);
  for (const w of SERVER_WRITE) {
    assert.match(dockerfile, /^COPY --from=build --chown=nonroot:nonroot \/state\/ \/app\/$/m);
    assert.ok(dockerfile.includes(`"${WORKDIR}/${w}"`), `VOLUME ${w}`);
  }
});
