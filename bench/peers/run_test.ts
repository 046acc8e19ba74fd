import assert from "node:assert/strict";
import { loadDataset, loadSpec } from "../../pipeline/mod.ts";
import { runProfile } from "./run.ts";
import { ensureVenv } from "./venv.ts";

const HERE = new URL(".", import.meta.url).pathname;

// End to end through real Python: the pinned venv (created here when missing, ~15 s with a
// warm network; the same one `deno task peers` uses, so this also proves the pins install),
// then LogisticRegression alone on the 100-row fixture, which fits in well under a second.
// The heavier peers run only in the task.
Deno.test("runProfile() scores a real scikit-learn peer on the folds it was given", async () => {
  const venv = await ensureVenv({ log: (line) => console.error(line) });
  const spec = await loadSpec(`${HERE}testdata/tiny_school.json`);
  const data = await loadDataset(`${HERE}testdata/tiny_school.csv`, spec);
  const workDir = await Deno.makeTempDir();
  try {
    const result = await runProfile(data, spec, {
      profile: "all",
      folds: 5,
      runs: 1,
      seed: 42,
      python: venv.python,
      peers: ["logistic_regression"],
      ours: false,
      workDir,
      resamples: 100,
    });
    assert.equal(result.python.versions["scikit-learn"], "1.9.1");
    const [row] = result.table.rows;
    assert.deepEqual([row.name, row.kind, result.table.rows.length], [
      "logistic_regression",
      "peer",
      1,
    ]);
    // The fixture's label follows gpa and failures: a working fit ranks well above chance.
    assert.ok(row.metrics.roc_auc.mean > 0.8, `ROC-AUC ${row.metrics.roc_auc.mean}`);
    assert.ok(row.fit_seconds_per_fold > 0);
    assert.equal(result.table.comparison, undefined);
    assert.deepEqual([...Deno.readDirSync(workDir)], [], "the exchange folder is removed");
  } finally {
    await Deno.remove(workDir, { recursive: true });
  }
});
