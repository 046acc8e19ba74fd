import assert from "node:assert/strict";
import {
  DATA_PATH,
  denoTasks,
  ROOT,
  SEED_STUDENT,
  STUDENT,
  trainedRegistry,
} from "../../server/_testing.ts";
import { SERVER_V8_FLAGS, serverArgs } from "../../server/_launch.ts";
import { ENV_VARS } from "../../server/config/mod.ts";
import { startServer } from "./_process.ts";

const TOKEN = "e2e-token";
const admin = { authorization: `Bearer ${TOKEN}` };
const { dir, ids } = await trainedRegistry(30);

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
const getJson = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers });
  assert.equal(res.status, 200, url);
  return await res.json();
};

Deno.test("the compiled graphs hold tfjs's wasm backend, and the offload worker's the PNG renderer's WebAssembly and font", async () => {
  const graphOf = async (entry: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: ROOT,
      stdout: "piped",
      stderr: "null",
    }).output();
    assert.ok(out.success);
    const graph = JSON.parse(new TextDecoder().decode(out.stdout));
    return graph.modules.map((m: { specifier: string }) => m.specifier) as string[];
  };
  // deno compile embeds every module of the entry point's graph and of each --include (the
  // workers); the tfjs wasm backend is a dynamic import (loaded when a network is first used),
  // which the graph holds too. The PNG renderer is loaded only by the offload worker.
  const cases: [string, RegExp[]][] = [
    ["server/main.ts", [/tfjs-backend-wasm@[\d.]+$/]],
    ["server/serving/offload_worker.ts", [
      /server\/serving\/png\.ts$/,
      /resvg-wasm@[\d.]+\/index_bg\.wasm$/,
      /DejaVuSans\.ttf$/,
    ]],
  ];
  for (const [entry, needed] of cases) {
    const modules = await graphOf(entry);
    for (const n of needed) {
      assert.ok(modules.some((m) => n.test(m)), `${n} is not in ${entry}'s graph`);
    }
  }
});

Deno.test("compile, serve and start share the scoped server permission set", () => {
  const tasks = denoTasks();
  const config = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`));
  assert.equal(tasks.serve.command, `deno run -q -P=server ${SERVER_V8_FLAGS} server/main.ts`);
  assert.equal(
    tasks.start.command,
    `deno run -q -P=server ${SERVER_V8_FLAGS} server/start_main.ts`,
  );
  assert.ok(
    tasks.compile.command.startsWith(`deno compile -q -P=server ${SERVER_V8_FLAGS} --include `),
  );
  assert.match(tasks.compile.command, / --output dist\/dropout-server server\/main\.ts$/);
  for (const task of ["serve", "start", "compile"]) {
    assert.ok(!/--allow-|\s-A\b/.test(tasks[task].command), `${task} has flags of its own`);
  }
  const set = config.permissions.server;
  // Every grant that can be scoped is scoped.
  for (const grant of ["write", "net", "env", "sys"]) {
    assert.ok(Array.isArray(set[grant]) && set[grant].length > 0, `${grant} must name its scope`);
  }
  assert.deepEqual(set.write, ["models", "data/uploads", "data/caseload"]);
  assert.equal(set.run, undefined);
  assert.deepEqual(ENV_VARS, set.env);
  // raw-imports: the PNG renderer's WebAssembly and font are imported as bytes (server/serving/png.ts).
  assert.deepEqual(config.unstable, ["net", "raw-imports"]);
  for (
    const module of ["server/training/train_worker.ts", "server/serve_worker.ts", "server/static"]
  ) {
    assert.ok(tasks.compile.command.includes(` --include ${module} `), module);
    Deno.statSync(`${ROOT}${module}`);
  }
});

Deno.test("the server's V8 flags are written once: the tasks, the image, CI and the test servers use them", () => {
  const tasks = denoTasks();
  const text = (path: string) => Deno.readTextFileSync(`${ROOT}${path}`);
  // The tasks repeat SERVER_V8_FLAGS (checked above); no other task sets V8 flags for the server.
  const withFlags = Object.entries(tasks).filter(([, t]) => t.command.includes("--v8-flags"));
  assert.deepEqual(withFlags.map(([name]) => name).sort(), ["compile", "serve", "start"]);
  // The end-to-end tests and the bench start the server with them.
  assert.ok(serverArgs("server/main.ts").includes(SERVER_V8_FLAGS));
  // The image is built by the compile task, which bakes the flags into the binary; CI runs the
  // test task, whose servers start through serverArgs; neither passes flags of its own.
  assert.match(text("Dockerfile"), /^RUN deno task compile\b/m);
  assert.match(text(".ci/run"), /deno@[\d.]+ task test\b/);
  const k8s = [...Deno.readDirSync(`${ROOT}deploy/k8s`)].map((e) => `deploy/k8s/${e.name}`);
  for (const path of ["Dockerfile", ".ci/run", "docker-compose.yml", ...k8s]) {
    assert.ok(!/--v8-flags|DENO_V8_FLAGS|max-semi-space|heap-growing/.test(text(path)), path);
  }
});

Deno.test("the server process answers every route end to end", async (t) => {
  const server = await startServer(dir, { ADMIN_TOKEN: TOKEN, DROPOUT_DATA: DATA_PATH });
  const { url } = server;
  try {
    await t.step("health, ready, spec, OpenAPI, docs and page", async () => {
      assert.deepEqual(await getJson(`${url}/health`), { status: "ok" });
      assert.deepEqual((await getJson(`${url}/ready`)).models, { "early-A": ids[0], seed: ids[1] });
      assert.equal((await getJson(`${url}/v1/spec`)).default_profile, "early-A");
      assert.equal((await getJson(`${url}/openapi.json`)).openapi, "3.1.0");
      for (const path of ["/docs", "/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/"]) {
        const res = await fetch(`${url}${path}`);
        assert.equal(res.status, 200, path);
        assert.ok((await res.arrayBuffer()).byteLength > 100, path);
      }
    });

    await t.step("POST /v1/predict: 200, 422 naming the field, 400", async () => {
      const res = await post(`${url}/v1/predict`, STUDENT);
      assert.equal(res.status, 200);
      assert.ok(res.headers.get("x-request-id"));
      assert.equal((await res.json()).model, ids[0]);
      const bad = await post(`${url}/v1/predict`, { ...STUDENT, Grade_1: 25 });
      assert.equal(bad.status, 422);
      const body = await bad.json();
      assert.equal(body.issues[0].field, "Grade_1");
      assert.match(body.issues[0].expected, /an integer 0–20/);
      const malformed = await fetch(`${url}/v1/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{",
      });
      assert.equal(malformed.status, 400);
      await malformed.body?.cancel();
    });

    await t.step("the original /predict and /api/predict with JSON and forms", async () => {
      for (const path of ["/predict", "/api/predict"]) {
        const bodies: BodyInit[] = [new URLSearchParams(SEED_STUDENT), new FormData()];
        for (const [k, v] of Object.entries(SEED_STUDENT)) (bodies[1] as FormData).append(k, v);
        const answers = [
          await post(`${url}${path}`, SEED_STUDENT),
          ...await Promise.all(
            bodies.map((body) => fetch(`${url}${path}`, { method: "POST", body })),
          ),
        ];
        const parsed = await Promise.all(answers.map((r) => r.json()));
        for (const p of parsed) {
          assert.deepEqual(Object.keys(p).slice(0, 2), ["prediction", "probability"]);
        }
        assert.equal(
          new Set(parsed.map((p) => p.probability)).size,
          1,
          "same answer by every encoding",
        );
      }
    });

    await t.step("POST /v1/predict/batch streams the whole data file back", async () => {
      const res = await fetch(`${url}/v1/predict/batch`, {
        method: "POST",
        headers: { "content-type": "text/csv", accept: "application/x-ndjson" },
        body: (await Deno.open(DATA_PATH)).readable,
      });
      assert.equal(res.status, 200);
      const rows = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
      assert.equal(rows.length, 649);
      assert.ok(rows.every((r, i) => r.row === i + 1 && r.model === ids[0]));
    });

    await t.step("admin routes answer 401 without or with a wrong token", async () => {
      for (const headers of [{}, { authorization: "Bearer wrong" }] as Record<string, string>[]) {
        const res = await fetch(`${url}/v1/datasets`, { headers });
        assert.equal(res.status, 401);
        await res.body?.cancel();
      }
    });

    let dataset = "";
    await t.step("uploads: POST /v1/datasets, GET /v1/datasets, /upload_train_data", async () => {
      const form = new FormData();
      form.append("file", new Blob([await Deno.readFile(DATA_PATH)]), "students.csv");
      const res = await fetch(`${url}/v1/datasets`, { method: "POST", headers: admin, body: form });
      assert.equal(res.status, 201);
      dataset = (await res.json()).dataset.id;
      const [listed] = (await getJson(`${url}/v1/datasets`, admin)).datasets;
      assert.deepEqual([listed.id, listed.rows, listed.positives], [dataset, 649, 100]);
      const bad = await fetch(`${url}/v1/datasets`, {
        method: "POST",
        headers: { ...admin, "content-type": "text/csv" },
        body: "School,Age\nXX,abc\n",
      });
      assert.equal(bad.status, 422);
      assert.ok((await bad.json()).issues.length > 1, "all problems listed");
      const compat = await fetch(`${url}/upload_train_data`, {
        method: "POST",
        headers: admin,
        body: form,
      });
      const old = await compat.json();
      assert.deepEqual([old.train_records, old.test_records], [519, 130]);
      assert.equal(typeof old.message, "string");
    });

    await t.step("train job → activation switches the model → rollback", async () => {
      const badPolicy = await post(`${url}/v1/models/train`, { policy: "precision:0.8" }, admin);
      assert.equal(badPolicy.status, 400);
      const { issues } = await badPolicy.json();
      assert.equal(issues[0].field, "policy");
      assert.match(issues[0].expected, /min-precision:P/);
      const started = await post(`${url}/v1/models/train`, {
        dataset,
        profile: "early-A",
        epochs: 25,
        seed: 3,
        force: true,
        policy: "min-precision:0.8",
      }, admin);
      assert.equal(started.status, 202);
      const { job } = await started.json();
      const clash = await post(`${url}/v1/models/train`, { profile: "early-A" }, admin);
      assert.equal(clash.status, 409);
      await clash.body?.cancel();
      let state = job;
      let slowest = 0;
      let answered = 0;
      const jobStarted = performance.now();
      while (!["activated", "rejected", "failed"].includes(state.state)) {
        const t0 = performance.now();
        const p = await post(`${url}/v1/predict`, STUDENT);
        assert.equal(p.status, 200);
        await p.body?.cancel();
        slowest = Math.max(slowest, performance.now() - t0);
        answered++;
        state = await getJson(`${url}/v1/jobs/${job.id}`, admin);
      }
      const jobMs = performance.now() - jobStarted;
      assert.equal(state.state, "activated", JSON.stringify(state));
      // Training runs off the request thread: predictions keep coming while it runs, and none waits
      // for it. Relative to the job's own duration, so a loaded machine slows both alike.
      assert.ok(answered >= 3, `only ${answered} predictions answered during a ${jobMs} ms job`);
      assert.ok(slowest < jobMs / 2, `a prediction took ${slowest} ms during a ${jobMs} ms job`);
      const fresh = await (await post(`${url}/v1/predict`, STUDENT)).json();
      assert.equal(fresh.model, state.model);
      const trained = await getJson(`${url}/v1/models/${state.model}`);
      // A network reports its epochs as it trains; trees and logistic models train without them.
      if (trained.hyperparameters.family === "mlp") {
        assert.ok(state.progress.epoch > 0 && state.progress.loss > 0);
      } else {
        assert.equal(state.progress.epoch, 0);
      }
      assert.equal(trained.threshold_policy, "min-precision:0.8");
      assert.ok(
        trained.metrics.validation.precision >= 0.8,
        `${trained.metrics.validation.precision}`,
      );
      assert.notEqual(fresh.model, ids[0]);
      const back = await post(`${url}/v1/models/${ids[0]}/activate`, {}, admin);
      assert.deepEqual(await back.json(), {
        profile: "early-A",
        active: ids[0],
        previous: state.model,
      });
      assert.equal((await (await post(`${url}/v1/predict`, STUDENT)).json()).model, ids[0]);
    });

    await t.step("models: list, metadata, evaluation", async () => {
      const { models, active } = await getJson(`${url}/v1/models`);
      assert.equal(models.length, 3);
      assert.equal(active["early-A"], ids[0]);
      assert.equal((await getJson(`${url}/v1/models/${ids[1]}`)).profile, "seed");
      const ev = await getJson(`${url}/v1/models/${ids[0]}/evaluation`);
      assert.ok(ev.roc.length > 0 && ev.calibration.length > 0 && ev.metrics.test.roc_auc > 0.5);
      const missing = await fetch(`${url}/v1/models/nope`);
      assert.equal(missing.status, 404);
      await missing.body?.cancel();
    });

    await t.step("the original /retrain and /evaluate", async () => {
      const res = await fetch(`${url}/retrain`, { method: "POST", headers: admin });
      assert.equal(res.status, 200);
      assert.equal(typeof (await res.json()).message, "string");
      const predicted = await post(`${url}/predict`, SEED_STUDENT);
      assert.notEqual((await predicted.json()).model, ids[1]);
      const ev = await (await fetch(`${url}/evaluate`, { method: "POST" })).json();
      assert.ok(ev.classification_report.True.support > 0);
      assert.equal(ev.y_pred.length, ev.y_test.length);
    });

    await t.step(
      "figures: /v1/visualize/{feature}, /visualize/{feature}, unknown → 404",
      async () => {
        for (const path of ["/v1/visualize/Number_of_Failures", "/visualize/Age"]) {
          const body = await getJson(`${url}${path}`);
          assert.ok(Array.isArray(body.figure.data) && body.figure.layout);
          assert.ok(body.interpretation.length > 20);
        }
        // The original route's PNG is drawn under the server's own permission set.
        const { image } = await getJson(`${url}/visualize/Age`);
        assert.ok(image.startsWith("iVBORw0KGgo"), "a base64 PNG");
        const res = await fetch(`${url}/v1/visualize/Shoe_Size`);
        assert.equal(res.status, 404);
        assert.match((await res.json()).error, /expected one of School, Gender, Age/);
      },
    );

    await t.step("metrics count what happened", async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      assert.match(
        text,
        /dropout_http_requests_total\{route="\/v1\/models\/train",method="POST",status="409"\} 1/,
      );
      assert.match(text, /dropout_predict_batch_rows_count \d+/);
      assert.match(
        text,
        new RegExp(`dropout_active_model\\{profile="early-A",model="${ids[0]}"\\} 1`),
      );
    });
  } finally {
    const code = await server.stop();
    assert.equal(code, 0);
  }
  const logs = server.logs.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  assert.ok(logs.some((l) => l.msg === "Request" && l.request_id && l.route === "/v1/predict"));
});
