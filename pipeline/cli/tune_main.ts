/**
 * `deno task tune`: nested cross-validation over a small search space for a
 * profile. Prints the honest nested estimate and each candidate's inner
 * scores; with `--write`, records the chosen settings and the tuning record
 * (space, seeds, figures) in the profile's entry of the spec file.
 *
 * @module
 */
import { DEFAULT_SEED, writeFileAtomic } from "../core/mod.ts";
import { loadDataset, loadSpec, resolveDataPath } from "../data/mod.ts";
import { policyText } from "../evaluate/mod.ts";
import { DEFAULT_CV_POLICY, tune, type TuneCriterion } from "../train/mod.ts";
import { policyOption } from "./_common.ts";
import { DEFAULT_SPEC, TUNE } from "./commands.ts";
import { intOption, parseCommand, runMain } from "./kit.ts";

await runMain(async () => {
  const opts = parseCommand(TUNE, Deno.args);
  const specPath = opts.spec ?? DEFAULT_SPEC;
  const spec = await loadSpec(specPath);
  const data = await loadDataset(resolveDataPath(opts.data), spec);
  const policy = policyOption(opts.policy, DEFAULT_CV_POLICY);
  const report = await tune(data, spec, {
    profile: opts.profile,
    outerFolds: intOption("outer-folds", opts["outer-folds"], 5),
    innerFolds: intOption("inner-folds", opts["inner-folds"], 3),
    innerRuns: intOption("inner-runs", opts["inner-runs"], 1),
    criterion: (opts.criterion ?? "log_loss") as TuneCriterion,
    seed: intOption("seed", opts.seed, DEFAULT_SEED),
    policy,
    log: (line) => console.error(`  ${line}`),
  });
  const n = report.nested;
  console.log(
    `Profile ${report.profile}: nested CV (${report.outer_folds} outer × ${report.inner_folds} inner folds` +
      ` × ${report.inner_runs} inner run(s), chosen by ${report.criterion}, policy ${
        policyText(policy)
      }), ${report.seconds.toFixed(0)} s`,
  );
  console.log(
    `  nested PCC ${n.pcc.mean.toFixed(2)} ± ${n.pcc.ci95.toFixed(2)}, ROC-AUC ${
      n.roc_auc.mean.toFixed(3)
    }, balanced accuracy ${n.balanced_accuracy.mean.toFixed(3)}`,
  );
  if (report.published) {
    console.log(
      `  Cortez & Silva 2008, setup ${report.published.setup}: best PCC ${report.published.best}`,
    );
  }
  console.log("  candidates on all rows (inner CV):");
  report.candidates.forEach((c, i) => {
    console.log(
      `  ${i === report.chosen ? "*" : " "} ${JSON.stringify(c.params).padEnd(60)} log loss ${
        c.log_loss.toFixed(4)
      }  PCC ${c.pcc.toFixed(2)}  ROC-AUC ${c.roc_auc.toFixed(3)}`,
    );
  });
  if (opts.write) {
    const raw = JSON.parse(await Deno.readTextFile(specPath));
    raw.profiles[report.profile].model = report.space[report.chosen];
    raw.profiles[report.profile].tuning = {
      criterion: report.criterion,
      seed: report.seed,
      outer_folds: report.outer_folds,
      inner_folds: report.inner_folds,
      inner_runs: report.inner_runs,
      policy: policyText(policy),
      space: report.space,
      nested_pcc: { mean: n.pcc.mean, ci95: n.pcc.ci95 },
      nested_roc_auc: { mean: n.roc_auc.mean, ci95: n.roc_auc.ci95 },
      tuned: new Date().toISOString().slice(0, 10),
    };
    await writeFileAtomic(specPath, JSON.stringify(raw, null, 2) + "\n");
    console.log(`Recorded the chosen settings in ${specPath} (profile ${report.profile})`);
  }
  if (opts.json) console.log(JSON.stringify(report));
});
