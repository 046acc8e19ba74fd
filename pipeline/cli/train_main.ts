/**
 * `deno task train`: trains a profile, evaluates it, saves it to the registry
 * and activates it. With `--json`, the last line of stdout is the model's
 * `metadata.json` on one line.
 *
 * @module
 */
import {
  loadDataset,
  loadSpec,
  Registry,
  resolveDataPath,
  type ThresholdPolicy,
  trainProfile,
} from "../mod.ts";
import {
  DEFAULT_MODELS,
  DEFAULT_SPEC,
  intOption,
  metricsTable,
  numberOption,
  parseOptions,
} from "./_common.ts";
import { runMain } from "./_run.ts";

const USAGE =
  "Usage: deno task train [--profile P] [--seed N] [--data CSV] [--spec JSON] [--models-dir DIR] [--min-recall R] [--no-activate] [--json]";

await runMain(async () => {
  const opts = parseOptions(Deno.args, {
    profile: { type: "string" },
    seed: { type: "string" },
    data: { type: "string" },
    spec: { type: "string" },
    "models-dir": { type: "string" },
    "min-recall": { type: "string" },
    "no-activate": { type: "boolean" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (opts.help) return console.log(USAGE);
  const spec = await loadSpec(opts.spec ?? DEFAULT_SPEC);
  const data = await loadDataset(resolveDataPath(opts.data), spec);
  const minRecall = numberOption("min-recall", opts["min-recall"]);
  const policy: ThresholdPolicy = minRecall === undefined
    ? { kind: "f1" }
    : { kind: "min-recall", recall: minRecall };
  const seed = intOption("seed", opts.seed, 42);
  console.error(
    `Training profile ${opts.profile ?? spec.default_profile} on ${data.rows} rows (seed ${seed})`,
  );
  const trained = await trainProfile(data, spec, {
    profile: opts.profile,
    seed,
    policy,
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
  const registry = new Registry(opts["models-dir"] ?? DEFAULT_MODELS);
  const metadata = await registry.save(trained, { data, spec });
  if (!opts["no-activate"]) await registry.activate(metadata.id);
  console.log(`Model ${metadata.id} (${opts["no-activate"] ? "saved, not activated" : "active"})`);
  if (metadata.leaks.length > 0) {
    console.log(
      `Warning: profile ${metadata.profile} uses leak column(s) ${
        metadata.leaks.join(", ")
      }: not for early warning`,
    );
  }
  console.log(
    `Stopped after ${metadata.training.epochs_run} epochs (best ${metadata.training.best_epoch}), ${
      metadata.training.seconds.toFixed(1)
    } s; threshold ${metadata.threshold.toFixed(3)}, bands medium >= ${
      metadata.bands.medium.toFixed(3)
    }, high >= ${metadata.bands.high.toFixed(3)}`,
  );
  console.log(metricsTable(metadata.metrics));
  if (opts.json) console.log(JSON.stringify(metadata));
});
