/**
 * `deno task cv`: repeated stratified k-fold cross-validation of a profile,
 * printed beside the published figures of Cortez & Silva (2008). Each figure is
 * the mean over runs with the 95 % interval of a bootstrap over students of the
 * out-of-fold predictions; `sd over runs` is the seed's share. With `--json` the
 * last line of stdout is the report on one line.
 *
 * @module
 */
import { DEFAULT_SEED } from "../core/mod.ts";
import { loadDataset, loadSpec, profileOf, resolveDataPath } from "../data/mod.ts";
import { type CvMetric, policyText, type Summary } from "../evaluate/mod.ts";
import { crossValidate, DEFAULT_CV_POLICY } from "../train/mod.ts";
import { modelParams } from "../models/mod.ts";
import { paramsOption, policyOption } from "./_common.ts";
import { CV, DEFAULT_SPEC } from "./commands.ts";
import { intOption, parseCommand, runMain } from "./kit.ts";

await runMain(async () => {
  const opts = parseCommand(CV, Deno.args);
  const spec = await loadSpec(opts.spec ?? DEFAULT_SPEC);
  // Only the profile's columns (and the label) need be in the file: early-C reads no grades.
  const data = await loadDataset(resolveDataPath(opts.data), spec, {
    required: profileOf(spec, opts.profile).profile.features,
  });
  const folds = intOption("folds", opts.folds, 10);
  const runs = intOption("runs", opts.runs, 1);
  const report = await crossValidate(data, spec, {
    profile: opts.profile,
    folds,
    runs,
    seed: intOption("seed", opts.seed, DEFAULT_SEED),
    policy: policyOption(opts.policy, DEFAULT_CV_POLICY),
    ...(opts.untuned
      ? { params: modelParams(paramsOption(opts.params) ?? {}) }
      : { model: paramsOption(opts.params) }),
    onFold: (done, total) => {
      if (done % folds === 0) {
        console.error(`  run ${done / folds}/${runs} done (${done}/${total} folds)`);
      }
    },
  });
  const fmt = (s: Summary, scale = 1) =>
    `${(s.mean * scale).toFixed(2)} ± ${(s.ci95 * scale).toFixed(2)}`;
  const interval = (s: CvMetric, digits: number) =>
    `${s.mean.toFixed(digits)} [${s.low.toFixed(digits)}, ${
      s.high.toFixed(digits)
    }]  sd over runs ${s.over_runs.sd.toFixed(digits)}`;
  console.log(
    `Profile ${report.profile}: ${runs} run(s) of ${folds}-fold CV, threshold policy ${
      policyText(report.policy)
    }, ${report.seconds.toFixed(1)} s`,
  );
  console.log(
    `  mean over runs [95 % interval: bootstrap over students, ${report.interval.resamples} resamples]`,
  );
  console.log(`  PCC (%)            ${interval(report.pcc, 2)}`);
  console.log(`  balanced accuracy  ${interval(report.balanced_accuracy, 3)}`);
  console.log(`  ROC-AUC            ${interval(report.roc_auc, 3)}`);
  console.log(`  PR-AUC             ${interval(report.pr_auc, 3)}`);
  console.log(`  F1                 ${interval(report.f1, 3)}`);
  console.log(`  Brier              ${interval(report.brier, 4)}`);
  console.log(`  log loss           ${interval(report.log_loss, 4)}`);
  console.log(`  recall at top 10 % ${interval(report.recall_at_10, 3)}`);
  console.log(`  recall at top 20 % ${interval(report.recall_at_20, 3)}`);
  if (report.published) {
    const p = report.published;
    console.log(`  ${p.source}, setup ${p.setup}: best PCC ${p.best}, naive ${p.naive}`);
  }
  for (const f of report.fairness) {
    console.log(
      `  fairness by ${f.column.padEnd(8)} equalized odds diff. ${
        fmt(f.equalized_odds_difference)
      }, demographic parity diff. ${fmt(f.demographic_parity_difference)}`,
    );
  }
  if (opts.json) {
    const pick = (s: Summary) => ({ mean: s.mean, ci95: s.ci95 });
    const metric = (s: CvMetric) => ({
      mean: s.mean,
      ci95: s.ci95,
      low: s.low,
      high: s.high,
      over_runs: pick(s.over_runs),
    });
    console.log(JSON.stringify({
      profile: report.profile,
      folds,
      runs,
      seed: report.seed,
      pcc: metric(report.pcc),
      balanced_accuracy: metric(report.balanced_accuracy),
      roc_auc: metric(report.roc_auc),
      f1: metric(report.f1),
      pr_auc: metric(report.pr_auc),
      brier: metric(report.brier),
      log_loss: metric(report.log_loss),
      recall_at_10: metric(report.recall_at_10),
      recall_at_20: metric(report.recall_at_20),
      interval: report.interval,
      fairness: report.fairness.map((f) => ({
        column: f.column,
        equalized_odds_difference: pick(f.equalized_odds_difference),
        demographic_parity_difference: pick(f.demographic_parity_difference),
      })),
      policy: policyText(report.policy),
      params: report.params,
      published: report.published,
      seconds: report.seconds,
    }));
  }
});
