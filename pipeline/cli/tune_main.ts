/**
 * `deno task tune`: nested cross-validation over a small search space for a
 * profile. Prints the honest nested estimate and each candidate's inner
 * scores; with `--write`, records the chosen settings and the tuning record
 * (space, seeds, figures) in the profile's entry of the spec file.
 *
 * @module
 */
import { DEFAULT_SEED, writeFileAtomic } from "../core/mod.ts";
import { loadDataset, loadSpec, profileOf, resolveDataPath } from "../data/mod.ts";
import { policyText } from "../evaluate/mod.ts";
import { DEFAULT_CV_POLICY, tune, type TuneCriterion } from "../train/mod.ts";
import { policyOption } from "./_common.ts";
import { DEFAULT_SPEC, TUNE } from "./commands.ts";
import { intOption, parseCommand, runMain } from "./kit.ts";

await runMain(async () => {
  const opts = parseCommand(TUNE, Deno.args);
  const specPath = opts.spec ?? DEFAULT_SPEC;
  const spec = await loadSpec(specPath);
  // Only the profile's columns (and the label) need be in the file: early-C reads no grades.
  const data = await loadDataset(resolveDataPath(opts.data), spec, {
    required: profileOf(spec, opts.profile).profile.features,
  });
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
  const pooled = n.pooled;
  console.log(
    `  nested (pooled outer folds): log loss ${pooled.log_loss.toFixed(4)}, Brier ${
      pooled.brier.toFixed(4)
    }, ROC-AUC ${pooled.roc_auc.toFixed(3)}, PR-AUC ${pooled.pr_auc.toFixed(3)}, PCC ${
      pooled.pcc.toFixed(2)
    }`,
  );
  console.log(
    `  nested PCC over outer folds ${n.pcc.mean.toFixed(2)} ± ${n.pcc.ci95.toFixed(2)}, ROC-AUC ${
      n.roc_auc.mean.toFixed(3)
    }, balanced accuracy ${n.balanced_accuracy.mean.toFixed(3)}`,
  );
  if (report.published) {
    console.log(
      `  ${report.published.source}, setup ${report.published.setup}: best PCC ${report.published.best}`,
    );
  }
  console.log("  candidates on all rows (inner CV; * chosen, + least log loss):");
  report.candidates.forEach((c, i) => {
    const mark = i === report.chosen ? "*" : i === report.best ? "+" : " ";
    console.log(
      `  ${mark} ${String(i + 1).padStart(2)} ${JSON.stringify(c.params).padEnd(60)} log loss ${
        c.log_loss.toFixed(4)
      } ± ${c.log_loss_se.toFixed(4)}  Brier ${c.brier.toFixed(4)}  ROC-AUC ${
        c.roc_auc.toFixed(3)
      }  PR-AUC ${c.pr_auc.toFixed(3)}  PCC ${c.pcc.toFixed(2)}`,
    );
  });
  const b = report.baseline;
  console.log(
    `  baseline, the one-input rule ${JSON.stringify(b.params)}: log loss ${
      b.log_loss.toFixed(4)
    }  Brier ${b.brier.toFixed(4)}  ROC-AUC ${b.roc_auc.toFixed(3)}  PR-AUC ${
      b.pr_auc.toFixed(3)
    }  PCC ${b.pcc.toFixed(2)}`,
  );
  console.log(`  chose candidate ${report.chosen + 1}: ${report.reason}`);
  const outerChoices = n.choices.map((c) => c + 1).join(", ");
  const agree = n.choices.filter((c) => c === report.chosen).length;
  console.log(
    `  the outer folds' searches chose candidates ${outerChoices} (${agree} of ${n.choices.length} the same)`,
  );
  if (opts.write) {
    const raw = JSON.parse(await Deno.readTextFile(specPath));
    raw.profiles[report.profile].model = report.space[report.chosen];
    raw.profiles[report.profile].tuning = {
      criterion: report.criterion,
      rule: report.criterion === "log_loss" ? "one standard error" : "best",
      seed: report.seed,
      outer_folds: report.outer_folds,
      inner_folds: report.inner_folds,
      inner_runs: report.inner_runs,
      policy: policyText(policy),
      space: report.space,
      chosen: report.chosen + 1,
      reason: report.reason,
      outer_choices: n.choices.map((c) => c + 1),
      nested: pooled,
      baseline: {
        log_loss: b.log_loss,
        brier: b.brier,
        roc_auc: b.roc_auc,
        pr_auc: b.pr_auc,
        pcc: b.pcc,
      },
      nested_pcc: { mean: n.pcc.mean, ci95: n.pcc.ci95 },
      nested_roc_auc: { mean: n.roc_auc.mean, ci95: n.roc_auc.ci95 },
      tuned: new Date().toISOString().slice(0, 10),
    };
    await writeFileAtomic(specPath, JSON.stringify(raw, null, 2) + "\n");
    console.log(
      `Wrote to ${specPath}, profile ${report.profile}: model = ${
        JSON.stringify(report.space[report.chosen])
      } (candidate ${report.chosen + 1}; ${report.reason}), and the tuning record with the ` +
        `nested figures above`,
    );
  }
  if (opts.json) console.log(JSON.stringify(report));
});
