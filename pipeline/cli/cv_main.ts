/**
 * `deno task cv`: repeated stratified k-fold cross-validation of a profile,
 * printed beside the published figures of Cortez & Silva (2008). With `--json`
 * the last line of stdout is the report on one line.
 *
 * @module
 */
import { DEFAULT_SEED } from "../core/mod.ts";
import { loadDataset, loadSpec, resolveDataPath } from "../data/mod.ts";
import { policyText, type Summary } from "../evaluate/mod.ts";
import { crossValidate, DEFAULT_CV_POLICY } from "../train/mod.ts";
import { paramsOption, policyOption } from "./_common.ts";
import { CV, DEFAULT_SPEC } from "./commands.ts";
import { intOption, parseCommand, runMain } from "./kit.ts";

await runMain(async () => {
  const opts = parseCommand(CV, Deno.args);
  const spec = await loadSpec(opts.spec ?? DEFAULT_SPEC);
  const data = await loadDataset(resolveDataPath(opts.data), spec);
  const folds = intOption("folds", opts.folds, 10);
  const runs = intOption("runs", opts.runs, 1);
  const report = await crossValidate(data, spec, {
    profile: opts.profile,
    folds,
    runs,
    seed: intOption("seed", opts.seed, DEFAULT_SEED),
    policy: policyOption(opts.policy, DEFAULT_CV_POLICY),
    model: paramsOption(opts.params),
    onFold: (done, total) => {
      if (done % folds === 0) {
        console.error(`  run ${done / folds}/${runs} done (${done}/${total} folds)`);
      }
    },
  });
  const fmt = (s: Summary, scale = 1) =>
    `${(s.mean * scale).toFixed(2)} ± ${(s.ci95 * scale).toFixed(2)}`;
  console.log(
    `Profile ${report.profile}: ${runs} run(s) of ${folds}-fold CV, threshold policy ${
      policyText(report.policy)
    }, ${report.seconds.toFixed(1)} s`,
  );
  console.log(`  PCC (%)            ${fmt(report.pcc)}`);
  console.log(`  balanced accuracy  ${fmt(report.balanced_accuracy)}`);
  console.log(`  ROC-AUC            ${fmt(report.roc_auc)}`);
  console.log(`  F1                 ${fmt(report.f1)}`);
  if (report.published) {
    const p = report.published;
    console.log(`  Cortez & Silva 2008, setup ${p.setup}: best PCC ${p.best}, naive ${p.naive}`);
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
    console.log(JSON.stringify({
      profile: report.profile,
      folds,
      runs,
      seed: report.seed,
      pcc: pick(report.pcc),
      balanced_accuracy: pick(report.balanced_accuracy),
      roc_auc: pick(report.roc_auc),
      f1: pick(report.f1),
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
