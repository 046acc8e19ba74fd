/**
 * `deno task train`: trains a profile, evaluates it, saves it to the registry
 * and activates it. With `--json`, the last line of stdout is the model's
 * `metadata.json` on one line.
 *
 * @module
 */
import { DEFAULT_SEED, GateError } from "../core/mod.ts";
import { type Dataset, loadDataset, loadSpec, profileOf, resolveDataPath } from "../data/mod.ts";
import { datasetDrift, driftSummary } from "../drift/mod.ts";
import { policyText } from "../evaluate/mod.ts";
import { trainProfile } from "../train/mod.ts";
import { Registry } from "../registry/mod.ts";
import { fairnessTable, metricsTable, paramsOption, policyOption } from "./_common.ts";
import { DEFAULT_MODELS, DEFAULT_SPEC, TRAIN } from "./commands.ts";
import { intOption, numberOption, parseCommand, runMain } from "./kit.ts";

/**
 * Before a retrain: says so when the data differs from what the profile's active model learned
 * from, since the new model will learn that population. Silent without an active model, or with
 * one saved before drift statistics.
 */
async function warnOfDrift(registry: Registry, profile: string, data: Dataset): Promise<void> {
  const id = (await registry.active())[profile];
  const active = id ? await registry.metadata(id).catch(() => undefined) : undefined;
  if (!active?.distributions) return;
  const report = datasetDrift(active, data);
  if (report.drifted.length === 0) return;
  console.error(
    `Warning: ${data.source} differs from the data the active model ${id} learned from: ${
      driftSummary(report)
    }`,
  );
}

await runMain(async () => {
  const opts = parseCommand(TRAIN, Deno.args);
  const spec = await loadSpec(opts.spec ?? DEFAULT_SPEC);
  // Only the profile's columns (and the label) need be in the file: early-C reads no grades.
  const data = await loadDataset(resolveDataPath(opts.data), spec, {
    required: profileOf(spec, opts.profile).profile.features,
  });
  const minRecall = numberOption("min-recall", opts["min-recall"]);
  const policy = policyOption(
    opts.policy,
    minRecall === undefined ? { kind: "f1" } : { kind: "min-recall", recall: minRecall },
  );
  const maxEod = numberOption("max-eod", opts["max-eod"]);
  const seed = intOption("seed", opts.seed, DEFAULT_SEED);
  const registry = new Registry(opts["models-dir"] ?? DEFAULT_MODELS);
  await warnOfDrift(registry, profileOf(spec, opts.profile).name, data);
  console.error(
    `Training profile ${
      opts.profile ?? spec.default_profile
    } on ${data.rows} rows (seed ${seed}, threshold policy ${policyText(policy)})`,
  );
  const trained = await trainProfile(data, spec, {
    profile: opts.profile,
    seed,
    policy,
    model: paramsOption(opts.params),
    log: (line) => console.error(line),
    onEpoch: (log) => {
      if (log.epoch % 10 === 0 || log.epoch === 1) {
        console.error(
          `  epoch ${String(log.epoch).padStart(3)}  loss ${log.loss.toFixed(4)}  val_loss ${
            log.val_loss.toFixed(4)
          }`,
        );
      }
    },
  });
  const metadata = await registry.save(trained, { data, spec });
  trained.classifier.dispose();
  const unfair = maxEod === undefined
    ? []
    : metadata.fairness.filter((f) => f.equalized_odds_difference > maxEod);
  const activate = !opts["no-activate"] && unfair.length === 0;
  if (activate) await registry.activate(metadata.id);
  console.log(`Model ${metadata.id} (${activate ? "active" : "saved, not activated"})`);
  if (metadata.leaks.length > 0) {
    console.log(
      `Warning: profile ${metadata.profile} uses leak column(s) ${
        metadata.leaks.join(", ")
      }: not for early warning`,
    );
  }
  if (metadata.choice) {
    const k = metadata.choice;
    console.log(
      `Model chosen (the profile has no tuned settings): ${k.params.family}, candidate ${
        k.chosen + 1
      } of ${k.candidates.length}, in ${k.seconds.toFixed(1)} s. ${k.reason}`,
    );
  }
  if (metadata.cohort_forward) {
    const f = metadata.cohort_forward;
    console.log(
      `Cohort-forward (trained without ${f.test.join(", ")}, tested on it): ROC-AUC ${
        f.roc_auc.toFixed(3)
      }, PR-AUC ${f.pr_auc.toFixed(3)}, Brier ${f.brier.toFixed(4)}`,
    );
  }
  const c = metadata.calibration;
  console.log(
    `${
      metadata.hyperparameters.family === "mlp"
        ? `Stopped after ${metadata.training.epochs_run} epochs (best ${metadata.training.best_epoch}), `
        : `A ${metadata.hyperparameters.family} model, trained in `
    }${metadata.training.seconds.toFixed(1)} s; ${
      c.method === "platt"
        ? `Platt-calibrated (a ${c.a.toFixed(3)}, b ${c.b.toFixed(3)})`
        : c.method === "prior"
        ? `prior-corrected for class weights (logit ${c.shift.toFixed(3)})`
        : "not recalibrated"
    }; threshold ${metadata.threshold.toFixed(3)}, bands medium >= ${
      metadata.bands.medium.toFixed(3)
    }, high >= ${metadata.bands.high.toFixed(3)}`,
  );
  console.log(metricsTable(metadata.metrics));
  console.log(fairnessTable(metadata.fairness));
  if (opts.json) console.log(JSON.stringify(metadata));
  if (unfair.length > 0) {
    throw new GateError(
      `Model ${metadata.id} not activated: equalized-odds difference ${
        unfair.map((f) => `${f.equalized_odds_difference.toFixed(3)} on ${f.column}`).join(", ")
      } exceeds --max-eod ${maxEod}`,
    );
  }
});
