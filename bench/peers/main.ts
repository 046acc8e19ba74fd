/**
 * `deno task peers`: the project's model beside scikit-learn's LogisticRegression,
 * RandomForestClassifier(n_estimators=500), HistGradientBoostingClassifier and LightGBM's
 * LGBMClassifier at their defaults, on the same folds and the same rows, scored by the same
 * metric code, with bootstrap intervals and the corrected resampled t-test of ours against the
 * best peer. Prints one Markdown table per profile and writes
 * `bench/results/peers-<timestamp>.json` and `.md`. The first run creates a pinned Python venv
 * in `bench/peers/.cache/venv` from `bench/peers/requirements.txt`.
 *
 * Exit codes: 0 done, 2 a user error (the message names the option or path), 1 anything else.
 *
 * @module
 */
import {
  type Command,
  DEFAULT_SEED,
  InputError,
  intOption,
  loadDataset,
  loadSpec,
  parseCommand,
  type PeersRecord,
  profileOf,
  resolveDataPath,
  runMain,
  writeFileAtomic,
} from "../../pipeline/mod.ts";
import { PEERS, type ProfileResult, runProfile } from "./run.ts";
import { tableMarkdown } from "./table.ts";
import { venvPython } from "./venv.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const DEFAULT_PROFILES = ["early-A", "early-B", "early-C"];

/** `deno task peers`, described for the command-line kit. */
export const PEERS_COMMAND = {
  task: "peers",
  summary:
    "Our model beside untuned scikit-learn 1.9.1 and LightGBM 4.7.0 peers on the same folds, one table per profile",
  options: {
    profile: {
      value: "P",
      multiple: true,
      help: `A profile of the spec (default ${DEFAULT_PROFILES.join(", ")})`,
    },
    folds: { value: "K", help: "Folds per run (default 10)" },
    runs: {
      value: "R",
      help: "Repeated runs (default 2; the figures of docs/models-and-quality.md use 3)",
    },
    seed: { value: "N", help: `Seed of the folds (default ${DEFAULT_SEED}, as deno task cv)` },
    data: {
      value: "CSV",
      help: "Training data (DROPOUT_DATA, else ../shared/data/student_dropout.csv)",
    },
    spec: {
      value: "FILE",
      help: "The dataset spec (default data/specs/student_dropout.json; its default profile then)",
    },
    by: {
      value: "COLUMN",
      help:
        "Cohort-forward: train on the rows whose COLUMN is not among --test, test on those that are (as deno task cv)",
    },
    test: { value: "V1,V2", help: "With --by: the values of COLUMN tested on" },
    peers: { value: "LIST", help: `Comma-separated subset of ${PEERS.join(",")}` },
    workers: {
      value: "N",
      help: "Ours: run the folds in N workers where each chooses its model (as deno task cv)",
    },
    json: { help: "Print the results as one JSON line last" },
    write: {
      help:
        "Record each profile's table in the spec (its peers entry), for the notebooks and model card",
    },
  },
} as const satisfies Command;

async function main(args: string[]): Promise<void> {
  const flags = parseCommand(PEERS_COMMAND, args);
  const folds = intOption("folds", flags.folds, 10, { min: 2 });
  const runs = intOption("runs", flags.runs, 2, { min: 1 });
  const seed = intOption("seed", flags.seed, DEFAULT_SEED, { min: 0 });
  const peers = flags.peers?.split(",").filter(Boolean) ?? [...PEERS];
  const unknown = peers.find((p) => !(PEERS as readonly string[]).includes(p));
  if (unknown !== undefined || peers.length === 0) {
    throw new InputError(
      `Invalid option --peers: "${flags.peers}", expected names from ${PEERS.join(", ")}`,
    );
  }
  const specPath = flags.spec ?? `${ROOT}data/specs/student_dropout.json`;
  const spec = await loadSpec(specPath);
  if ((flags.by === undefined) !== (flags.test === undefined)) {
    throw new InputError("Options --by and --test go together: --by COLUMN --test V1[,V2…]");
  }
  const cohort = flags.by === undefined
    ? undefined
    : { column: flags.by, test: flags.test!.split(",").map((v) => v.trim()).filter(Boolean) };
  if (cohort && flags.write) {
    throw new InputError("Option --write records k-fold tables only: leave it out with --by");
  }
  const profiles = flags.profile ??
    (flags.spec ? [profileOf(spec).name] : DEFAULT_PROFILES);
  for (const p of profiles) {
    try {
      profileOf(spec, p);
    } catch (cause) {
      throw new InputError(`Invalid option --profile: ${(cause as Error).message}`, { cause });
    }
  }
  const data = await loadDataset(resolveDataPath(flags.data, ROOT), spec, {
    ...(cohort ? { required: [...spec.columns.map((c) => c.name), cohort.column] } : {}),
    // A column split by need not be in the spec.
    allowExtra: cohort !== undefined,
  });
  const log = (line: string) => console.error(line);
  const python = await venvPython();

  const started = new Date();
  const loadStart = Deno.loadavg();
  const results: ProfileResult[] = [];
  for (const profile of profiles) {
    const result = await runProfile(data, spec, {
      profile,
      folds,
      runs,
      seed,
      python,
      peers,
      cohort,
      workers: intOption("workers", flags.workers, 1, { min: 1 }),
      log,
    });
    results.push(result);
    console.log(tableMarkdown(result.table));
    if (result.ours_choices) console.log(`Ours chose, per fold: ${_tally(result.ours_choices)}`);
    const w = result.wall_seconds;
    console.log(
      `Wall time: ${w.total.toFixed(1)} s (ours ${w.ours.toFixed(1)} s, peers ${
        w.peers.toFixed(1)
      } s); 1-minute load ${
        Deno.loadavg()[0].toFixed(2)
      } on ${navigator.hardwareConcurrency} cores\n`,
    );
  }
  const record = {
    started_at: started.toISOString(),
    options: {
      profiles,
      folds,
      runs,
      seed,
      ...(cohort ? { cohort } : {}),
      peers,
      data: data.source,
      data_sha256: data.sha256,
    },
    machine: {
      cores: navigator.hardwareConcurrency,
      load_start: loadStart,
      load_end: Deno.loadavg(),
      deno: Deno.version.deno,
      python: results[0]?.python,
    },
    profiles: results,
  };
  const out = `${ROOT}bench/results`;
  await Deno.mkdir(out, { recursive: true });
  const stem = `${out}/peers-${started.toISOString().replace(/[:.]/g, "-")}`;
  await Deno.writeTextFile(`${stem}.json`, JSON.stringify(record, null, 2) + "\n");
  await Deno.writeTextFile(
    `${stem}.md`,
    [
      `# deno task peers, ${started.toISOString()}`,
      "",
      `${
        cohort
          ? `Cohort-forward by ${cohort.column}, tested on ${cohort.test.join(", ")}`
          : `${runs} × ${folds}-fold CV`
      }, seed ${seed}; load ${loadStart[0].toFixed(2)} → ${
        record.machine.load_end[0].toFixed(2)
      } on ${record.machine.cores} cores; Python ${JSON.stringify(results[0]?.python.versions)}`,
      "",
      ...results.map((r) =>
        tableMarkdown(r.table) +
        (r.ours_choices ? `\nOurs chose, per fold: ${_tally(r.ours_choices)}\n` : "")
      ),
    ].join("\n"),
  );
  console.error(`Wrote ${stem}.json and ${stem}.md`);
  if (flags.write) {
    const raw = JSON.parse(await Deno.readTextFile(specPath));
    for (const r of results) {
      const record: PeersRecord = {
        measured: started.toISOString().slice(0, 10),
        folds,
        runs,
        seed,
        versions: r.python.versions,
        machine: { load: loadStart[0], cores: navigator.hardwareConcurrency },
        models: r.table.rows.map((row) => ({
          name: row.name,
          kind: row.kind,
          roc_auc: row.metrics.roc_auc.mean,
          pr_auc: row.metrics.pr_auc.mean,
          brier: row.metrics.brier.mean,
          log_loss: row.metrics.log_loss.mean,
          recall_at_20: row.metrics.recall_at_20.mean,
          pcc: row.metrics.pcc.mean,
          fit_seconds_per_fold: row.fit_seconds_per_fold,
        })),
      };
      raw.profiles[r.table.profile].peers = record;
    }
    await writeFileAtomic(specPath, JSON.stringify(raw, null, 2) + "\n");
    console.error(`Recorded the tables in ${specPath} (each profile's peers entry)`);
  }
  if (flags.json) console.log(JSON.stringify(record));
}

/** Each distinct choice with how many folds made it, most first: `gbm on codes × 25, logistic × 5`. */
function _tally(choices: string[]): string {
  const counts = new Map<string, number>();
  for (const c of choices) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} × ${n}`).join(", ");
}

if (import.meta.main) await runMain(() => main(Deno.args));
