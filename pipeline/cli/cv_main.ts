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
import { InputError } from "../core/mod.ts";
import {
  type DatasetSpec,
  loadDataset,
  loadSpec,
  profileOf,
  resolveDataPath,
} from "../data/mod.ts";
import { type CvMetric, policyText, type Summary } from "../evaluate/mod.ts";
import { crossValidateProfile, DEFAULT_CV_POLICY } from "../train/mod.ts";
import { paramsOption, policyOption } from "./_common.ts";
import { CV, DEFAULT_SPEC } from "./commands.ts";
import { intOption, parseCommand, runMain } from "./kit.ts";

await runMain(async () => {
  const opts = parseCommand(CV, Deno.args);
  const loaded = await loadSpec(opts.spec ?? DEFAULT_SPEC);
  const { name } = profileOf(loaded, opts.profile);
  // --untuned: the profile as a spec without tuned settings has it, so its model is chosen.
  const spec: DatasetSpec = opts.untuned
    ? {
      ...loaded,
      profiles: { ...loaded.profiles, [name]: { ...loaded.profiles[name], model: undefined } },
    }
    : loaded;
  if ((opts.by === undefined) !== (opts.test === undefined)) {
    throw new InputError("Options --by and --test go together: --by COLUMN --test V1[,V2…]");
  }
  const cohort = opts.by === undefined
    ? undefined
    : { column: opts.by, test: opts.test!.split(",").map((v) => v.trim()).filter(Boolean) };
  // Only the profile's columns (and the label) need be in the file: early-C reads no grades.
  const data = await loadDataset(resolveDataPath(opts.data), spec, {
    required: [...profileOf(spec, name).profile.features, ...(cohort ? [cohort.column] : [])],
    // A column split by need not be in the spec.
    allowExtra: cohort !== undefined,
  });
  const folds = cohort ? 1 : intOption("folds", opts.folds, 10);
  const runs = cohort ? 1 : intOption("runs", opts.runs, 1);
  const report = await crossValidateProfile(data, spec, {
    profile: opts.profile,
    folds,
    runs,
    seed: intOption("seed", opts.seed, DEFAULT_SEED),
    policy: policyOption(opts.policy, DEFAULT_CV_POLICY),
    model: paramsOption(opts.params),
    cohort,
    workers: intOption("workers", opts.workers, 1, { min: 1 }),
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
  const c = report.cohort;
  console.log(
    `Profile ${report.profile}: ${
      c
        ? `cohort-forward by ${c.column}, trained on ${c.train_rows} rows, tested on ${c.test_rows} (${
          c.test.join(", ")
        })`
        : `${runs} run(s) of ${folds}-fold CV`
    }, threshold policy ${policyText(report.policy)}, ${report.seconds.toFixed(1)} s`,
  );
  if (report.choices) {
    console.log(`  model chosen in each fold (nested): ${report.choices.join(", ")}`);
  }
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
      ...(report.choices ? { choices: report.choices } : {}),
      ...(report.cohort ? { cohort: report.cohort } : {}),
      published: report.published,
      seconds: report.seconds,
    }));
  }
});
