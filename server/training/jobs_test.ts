import assert from "node:assert/strict";
import { loadSpec, Registry } from "../../pipeline/mod.ts";
import { DATA_PATH, DRIFT_SHIFT, shiftedCsv, SPEC_PATH, trainedRegistry } from "../_testing.ts";
import { HttpError } from "../http/mod.ts";
import { JobRunner } from "./jobs.ts";
import { memoryLogger } from "../ops/mod.ts";
import { ModelStore } from "../serving/mod.ts";

const { dir, ids } = await trainedRegistry(10);
const spec = await loadSpec(SPEC_PATH);
// A network for the seed profile, whose default is a forest: the job's progress counts epochs.
spec.profiles.seed.model = { family: "mlp" };

async function runner(tolerance: number) {
  const models = new ModelStore(new Registry(`${dir}/models`));
  await models.refresh();
  const logger = memoryLogger();
  return { models, jobs: new JobRunner(models, { spec, tolerance, clock: Date.now, logger }) };
}

Deno.test("JobRunner trains in a worker, and the gate keeps the old model when the new one is worse", async () => {
  // A negative tolerance asks the candidate to beat the active model by more than 1: impossible.
  const { models, jobs } = await runner(-1);
  const job = await jobs.start({
    profile: "seed",
    dataPath: DATA_PATH,
    dataset: "default",
    seed: 5,
    epochs: 5,
  });
  await assert.rejects(
    jobs.start({ profile: "seed", dataPath: DATA_PATH, dataset: "default", seed: 6 }),
    (e) => e instanceof HttpError && e.status === 409,
  );
  const done = await jobs.wait(job.id);
  assert.equal(done.state, "rejected");
  assert.equal(done.gate?.passed, false);
  assert.equal(done.progress.epoch, 5);
  assert.equal(models.ids().seed, ids[1]);
  assert.equal((await new Registry(`${dir}/models`).active()).seed, ids[1]);
  assert.deepEqual(await jobs.get(job.id), done);
  models.close();
});

Deno.test("JobRunner reports a failed job and frees the profile for the next one", async () => {
  const { models, jobs } = await runner(0.02);
  const missing = await jobs.start({
    profile: "seed",
    dataPath: `${dir}/nope.csv`,
    dataset: "x",
    seed: 1,
  });
  const failed = await jobs.wait(missing.id);
  assert.equal(failed.state, "failed");
  assert.match(failed.error ?? "", /^Cannot read data file/);
  const next = await jobs.start({
    profile: "seed",
    dataPath: DATA_PATH,
    dataset: "default",
    seed: 1,
    epochs: 3,
    force: true,
  });
  const done = await jobs.wait(next.id);
  assert.equal(done.state, "activated");
  assert.equal(models.ids().seed, done.model);
  await new Registry(`${dir}/models`).activate(ids[1]);
  models.close();
});

Deno.test("JobRunner.sweep() marks jobs a crash left running as failed and drops their locks", async () => {
  const jobsDir = `${dir}/models/.jobs`;
  await Deno.mkdir(jobsDir, { recursive: true });
  const id = crypto.randomUUID();
  await Deno.writeTextFile(`${jobsDir}/${id}.json`, JSON.stringify({ id, state: "running" }));
  await Deno.writeTextFile(`${jobsDir}/seed.lock`, id);
  const { models, jobs } = await runner(0);
  await jobs.sweep();
  assert.equal((await jobs.get(id))?.state, "failed");
  await assert.rejects(Deno.stat(`${jobsDir}/seed.lock`), Deno.errors.NotFound);
  models.close();
});

Deno.test("JobRunner warns in the job when the training data drifted from the active model's", async () => {
  const { models, jobs } = await runner(0.02);
  const shifted = `${dir}/shifted.csv`;
  await Deno.writeTextFile(shifted, await shiftedCsv({ Age: DRIFT_SHIFT.Age }));
  const job = await jobs.start({ profile: "early-A", dataPath: shifted, dataset: "x", seed: 2 });
  const done = await jobs.wait(job.id);
  assert.equal(done.warnings?.length, 1, JSON.stringify(done));
  assert.match(
    done.warnings![0],
    /active model early-A-\S+ learned from: 1 of 32 inputs drifted \(PSI >= 0\.2\): Age /,
  );
  const same = await jobs.wait(
    (await jobs.start({ profile: "early-A", dataPath: DATA_PATH, dataset: "default", seed: 2 })).id,
  );
  // Compared with the active model: the shifted one, if the gate let it in.
  assert.equal(same.warnings !== undefined, done.state === "activated", JSON.stringify(same));
  models.close();
});

Deno.test("JobRunner.sweep() by another runner leaves a live job and its lock alone", async () => {
  const { models, jobs } = await runner(0);
  const other = await runner(0);
  const job = await jobs.start({
    profile: "seed",
    dataPath: DATA_PATH,
    dataset: "default",
    seed: 3,
    epochs: 3,
    force: true,
  });
  // Another replica starting on the same registry while the job runs.
  assert.equal(await other.jobs.sweep(), true, "it sees a live job");
  assert.equal((await other.jobs.get(job.id))?.state, "running");
  assert.equal(
    await Deno.readTextFile(`${dir}/models/.jobs/seed.lock`),
    job.id,
    "the lock is kept",
  );
  await assert.rejects(
    other.jobs.start({ profile: "seed", dataPath: DATA_PATH, dataset: "default", seed: 4 }),
    (e) => e instanceof HttpError && e.status === 409,
  );
  const done = await jobs.wait(job.id);
  assert.equal(done.state, "activated");
  assert.equal(await other.jobs.sweep(), false, "the lock went with the job");
  assert.equal((await other.jobs.get(job.id))?.state, "activated");
  await new Registry(`${dir}/models`).activate(ids[1]);
  models.close();
  other.models.close();
});
