/**
 * The model card (after Mitchell et al., 2019, "Model Cards for Model
 * Reporting"): a Markdown page written into every model folder from its
 * metadata: data, profile and leak note, metrics with intervals, calibration,
 * fairness by group, the most important features, intended use and limits.
 *
 * @module
 */
import type { ModelMetadata } from "./metadata.ts";
import type { Calibration } from "../models/calibration.ts";
import { boostingParams, forestParams } from "../models/trees/mod.ts";
import { blendMembers, type ModelParams, modelParams } from "../models/mlp.ts";
import { logisticParams } from "../models/logistic.ts";
import { specTexts } from "../data/spec_texts.ts";
import { bandMeanings, DEFAULT_CAPACITY } from "../evaluate/thresholds.ts";

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const num = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "n/a");

/** What each band means on the test split: its share, and recall and precision from its edge up. */
function bandsText(m: ModelMetadata): string[] {
  const test = m.evaluation?.test;
  if (!test || test.labels.length === 0) return [];
  const capacity = m.spec.capacity ?? DEFAULT_CAPACITY;
  const words = { high: "flagged (at risk)", medium: "watch", low: "low" };
  return [
    `What the bands mean on the ${test.labels.length} test students. The spec's capacity: at most ` +
    `${pct(capacity.flagged)} flagged and ${
      pct(capacity.watch)
    } on watch, bounded on validation. ` +
    "Recall and precision count every student from the band's lower edge up as flagged.",
    "",
    "| band | from p | share of students | recall at its edge | precision at its edge |",
    "|---|---|---|---|---|",
    ...bandMeanings(test.labels, test.probabilities, m.bands).map((b) =>
      `| ${words[b.band]} | ${num(b.from)} | ${pct(b.share)} | ${pct(b.recall)} | ${
        pct(b.precision)
      } |`
    ),
    "",
  ];
}

/**
 * Renders a model's card.
 *
 * @param m The model's metadata.
 * @returns Markdown text.
 */
export function modelCard(m: ModelMetadata): string {
  const t = m.metrics.test;
  const texts = specTexts(m.spec);
  const lines: string[] = [
    `# Model card: ${m.id}`,
    "",
    `Profile \`${m.profile}\` of data set \`${m.spec.name}\`, trained ${m.created} with seed ${m.seed} ` +
    `(${
      (m.hyperparameters.family ?? "mlp") === "mlp"
        ? `tfjs ${m.versions.tfjs} on the ${m.versions.backend} backend, `
        : ""
    }Deno ${m.versions.deno}).`,
    "",
    "## Intended use",
    "",
    `Flags students whose risk of ${texts.event} (the data's \`${m.spec.target.column}\` label: ` +
    `${texts.definition}) is high, so that an ` +
    "adviser can look at the case early and offer help. It is a prompt for a conversation, not a decision " +
    "about a student: every flag should be read with its reasons and with what the adviser knows.",
    "",
    "## Data",
    "",
    `- Source file \`${m.data.source}\`, sha256 \`${m.data.sha256}\``,
    `- Data set: ${texts.title}${texts.description ? `: ${texts.description}` : ""}`,
    `- ${m.data.rows} rows, ${m.data.positives} ${texts.positive} (${pct(m.data.prevalence)})`,
    `- Split (stratified, seed ${m.split.seed}): ${m.split.train} train, ${m.split.validation} validation, ${m.split.test} test${
      m.split.refitted === undefined
        ? ""
        : m.split.refitted
        ? "; the model learned from the train and validation rows, refitted once validation had chosen its calibration and threshold"
        : "; the model learned from the train rows only: validation chose its calibration and threshold (and when to stop, for boosting and a network), and the refit on both was skipped (above 10,000 train and validation rows, or a network)"
    }`,
    `- Features (${m.features.length}): ${m.features.join(", ")}`,
  ];
  if (m.selection) {
    const gain = (f: string) => m.selection!.ranking.find((r) => r.feature === f)?.gain ?? 0;
    const unread = m.features.filter((f) => !m.selection!.read.includes(f));
    lines.push(
      `- Read by the model (${m.selection.read.length} of ${m.features.length}, chosen on the training ` +
        `rows by the Gini gain of each feature's best single split): ${
          m.selection.read.map((f) => `${f} (${gain(f).toFixed(3)})`).join(", ")
        }. Not read: ${unread.join(", ")}.`,
    );
  }
  if (m.leaks.length > 0) {
    lines.push(
      "",
      `**Leak warning:** this profile uses ${
        m.leaks.map((l) => `\`${l}\``).join(", ")
      }: ${texts.leakNote}.` +
        (m.spec.profiles[m.profile]?.description
          ? ` The profile: ${m.spec.profiles[m.profile].description}.`
          : ""),
    );
  } else {
    lines.push(
      "",
      `Leak columns of the spec left out: ${
        m.spec.leak.map((l) => `\`${l}\``).join(", ") || "none"
      }.`,
    );
  }
  lines.push("", "## Model", "", ...modelText(m));
  lines.push(
    "",
    "## Performance on the test split",
    "",
    `Decision threshold ${num(m.threshold)} (chosen on validation${
      m.threshold_policy ? ` by policy \`${m.threshold_policy}\`` : ""
    }); bands: medium (watch) from ` +
      `${num(m.bands.medium)}, high (at risk) from ${num(m.bands.high)}.`,
    "",
    ...bandsText(m),
    "| metric | value | 95 % interval (bootstrap) |",
    "|---|---|---|",
  );
  for (const [name, iv] of Object.entries(m.intervals ?? {})) {
    lines.push(`| ${name} | ${num(iv.value)} | ${num(iv.low)} – ${num(iv.high)} |`);
  }
  lines.push(
    `| pr_auc | ${num(t.pr_auc)} | |`,
    `| brier | ${num(t.brier)} | |`,
    `| log_loss | ${num(t.log_loss)} | |`,
    "",
    `Confusion matrix (test, n = ${t.n}): ${t.confusion.tp} true positives, ${t.confusion.fp} false positives, ` +
      `${t.confusion.tn} true negatives, ${t.confusion.fn} missed.`,
    "",
    ...cohortText(m),
    ...peersText(m),
    "## Calibration",
    "",
    calibrationText(m.calibration, m.hyperparameters.calibration !== "none") +
      ` Test Brier score ${num(t.brier)}.`,
    "",
    "| predicted | observed | n |",
    "|---|---|---|",
    ...m.evaluation.calibration.map((b) =>
      `| ${pct(b.mean_predicted)} (${b.lower.toFixed(1)}–${b.upper.toFixed(1)}) | ${
        pct(b.observed_rate)
      } | ${b.count} |`
    ),
    "",
    "## Fairness on the test split",
    "",
    "Rates at the decision threshold by group. Groups in a test split of this size are small, so gaps of a " +
      "few tenths can come from a handful of students; read them with the group sizes.",
    "",
    "| column | group | n | positives | TPR | FPR | precision | flagged |",
    "|---|---|---|---|---|---|---|---|",
  );
  for (const f of m.fairness ?? []) {
    for (const g of f.groups) {
      lines.push(
        `| ${f.column} | ${g.group} | ${g.n} | ${g.positives} | ${num(g.tpr)} | ${num(g.fpr)} | ${
          num(g.precision)
        } | ${pct(g.positive_rate)} |`,
      );
    }
  }
  lines.push(
    "",
    "| column | equalized-odds difference | demographic-parity difference |",
    "|---|---|---|",
  );
  for (const f of m.fairness ?? []) {
    lines.push(
      `| ${f.column} | ${num(f.equalized_odds_difference)} | ${
        num(f.demographic_parity_difference)
      } |`,
    );
  }
  const read = m.selection?.read ?? m.features;
  const audited = (m.fairness ?? []).map((f) => f.column);
  const sensitiveRead = audited.filter((c) => read.includes(c));
  lines.push(
    "",
    "## What drives the predictions",
    "",
    "Permutation importance: the drop in test ROC-AUC when a feature's values are shuffled (mean of 5).",
    "",
    "| feature | importance |",
    "|---|---|",
    ...(m.importance ?? []).filter((i) => read.includes(i.feature)).slice(0, 10).map((i) =>
      `| ${i.feature} | ${num(i.importance)} ± ${num(i.sd)} |`
    ),
    ...(read.length < m.features.length
      ? [
        "",
        `The ${
          m.features.length - read.length
        } inputs the model does not read have no importance by construction.`,
      ]
      : []),
    "",
    m.explanation.method === "linear"
      ? "Each prediction's reasons are exact: the model's log-odds are linear, so each input's share is " +
        "its weights times the student's difference from the training-mean student, carried onto the " +
        "calibrated probability by one positive factor; they add up to the student's probability minus " +
        "the average student's."
      : m.explanation.method === "tree-shap"
      ? "Each prediction's reasons are exact TreeSHAP values (Lundberg et al. 2020), summed per input " +
        "and carried onto the calibrated probability by one positive factor: a student's contributions " +
        "add up to their probability minus the expected probability over the training rows." +
        (m.hyperparameters.family === "blend"
          ? " Shapley values are linear in the model, so a blend's are the mean of its members' " +
            "(a logistic member's are its exact linear shares)."
          : "")
      : "Each prediction's reasons come from Integrated Gradients against the training-mean student; a " +
        "student's contributions add up to their probability minus that student's.",
    "",
    "## Limits",
    "",
    ...texts.limits.map((l) => `- ${l}`),
    `- The label is ${texts.event}: ${texts.definition}.`,
    "- Probabilities are estimates with the uncertainty shown above; a low score does not mean a student is fine.",
    audited.length === 0
      ? "- No fairness audit: the spec names no sensitive column present in the data (`sensitive`)."
      : sensitiveRead.length > 0
      ? `- Sensitive attributes (${
        sensitiveRead.join(", ")
      }) are inputs of this model; the fairness table shows how decisions differ by group.`
      : `- This model reads none of the audited attributes (${
        audited.join(", ")
      }), yet its decisions can still differ by group through what it does read: see the fairness table.`,
    "",
  );
  return lines.join("\n");
}

/** One sentence on how a model's probabilities were calibrated, and whether Platt scaling was tried. */
function calibrationText(c: Calibration, plattTried: boolean): string {
  if (c.method === "platt") {
    return `Platt scaling (a = ${num(c.a)}, b = ${num(c.b)}) fitted on validation; ` +
      `cross-fitted validation log loss ${num(c.validation_log_loss.before)} → ` +
      `${num(c.validation_log_loss.after)}.`;
  }
  const platt = plattTried
    ? "Platt scaling did not lower held-out validation log loss"
    : 'Platt scaling not tried (calibration "none")';
  if (c.method === "prior") {
    return `Prior correction of the class weights: ${num(c.shift)} added to the logit ` +
      `(King & Zeng 2001); ${platt} further.`;
  }
  return `No recalibration: ${platt}.`;
}

/** The settings of the network, and how the profile's settings were chosen when the model uses them. */
function modelText(m: ModelMetadata): string[] {
  const h = m.hyperparameters;
  const family = h.family ?? "mlp";
  const shared = `${h.cuts} learned cut point(s) per number; ${
    h.select ? `the ${h.select} best feature(s) by a single split` : "every feature"
  }`;
  const trees = family === "logistic"
    ? `a logistic regression fitted to convergence (L1 ${h.l1}, L2 ${h.l2})`
    : family === "forest"
    ? `a random forest (${JSON.stringify(forestParams(h.trees))})`
    : family === "gbm"
    ? `gradient-boosted trees with early stopping on validation (${
      JSON.stringify(boostingParams(h.trees))
    })`
    : family === "blend"
    ? `the mean probability of ${
      blendMembers(h.trees).map(({ family, settings }) =>
        family === "logistic"
          ? `a logistic regression (${JSON.stringify(logisticParams(settings))})`
          : family === "forest"
          ? `a random forest (${JSON.stringify(forestParams(settings))})`
          : `gradient-boosted trees (${JSON.stringify(boostingParams(settings))})`
      ).join(" and ")
    }`
    : undefined;
  const shape = h.hidden.length === 0
    ? "a logistic model (no hidden layer)"
    : `a network with hidden layers of ${
      h.hidden.join(", ")
    } units (${h.activation}, dropout ${h.dropout})`;
  const lines = [
    trees
      ? `Settings: ${trees}; ${shared}; rows weighted equally.`
      : `Settings: ${shape}; L1 ${h.l1}, L2 ${h.l2}; ${shared}; class weights ` +
        `${h.classWeight}; ${
          h.ensemble === 1 ? "one fit" : `${h.ensemble} fits from derived seeds averaged`
        }; early stopping (patience ${h.patience}, at most ${h.epochs} epochs) on validation.`,
  ];
  const profile = m.spec.profiles[m.profile];
  const tuning = profile?.tuning as
    | {
      criterion?: string;
      outer_folds?: number;
      inner_folds?: number;
      inner_runs?: number;
      space?: unknown[];
      nested_pcc?: { mean: number; ci95: number };
      nested?: { log_loss: number; brier: number; roc_auc: number; pr_auc: number; pcc: number };
      rule?: string;
      reason?: string;
      tuned?: string;
    }
    | undefined;
  const chosen = profile?.model !== undefined &&
    JSON.stringify(modelParams(profile.model as Partial<ModelParams>)) === JSON.stringify(h);
  if (tuning && chosen) {
    const nested = tuning.nested_pcc;
    lines.push(
      "",
      `These are the settings \`deno task tune\` chose for the profile (${
        tuning.tuned ?? "date not recorded"
      }) ` +
        `among ${tuning.space?.length ?? "?"} candidates by nested cross-validation ` +
        `(${tuning.outer_folds} outer × ${tuning.inner_folds} inner folds × ${
          tuning.inner_runs ?? 1
        } inner ` +
        `run(s), criterion ${tuning.criterion}${tuning.rule ? `, ${tuning.rule} rule` : ""})` +
        (tuning.nested
          ? `; nested estimate: log loss ${num(tuning.nested.log_loss)}, Brier ${
            num(tuning.nested.brier)
          }, ROC-AUC ${num(tuning.nested.roc_auc)}, PR-AUC ${num(tuning.nested.pr_auc)}, ` +
            `percent correct ${tuning.nested.pcc.toFixed(2)}.`
          : nested
          ? `; nested estimate of percent correct ${nested.mean.toFixed(2)} ± ${
            nested.ci95.toFixed(2)
          }.`
          : ".") +
        (tuning.reason ? ` Why: ${tuning.reason}.` : ""),
    );
  } else if (tuning) {
    lines.push(
      "",
      "These are not the settings recorded for the profile by `deno task tune`: they were given for this model.",
    );
  }
  return [...lines, ...choiceText(m)];
}

/** How the model was chosen for a profile without tuned settings, with every candidate's figures. */
function choiceText(m: ModelMetadata): string[] {
  const c = m.choice;
  if (!c) return [];
  return [
    "",
    `The profile has no tuned settings, so \`train\` chose the model: ${c.budget}, ` +
    `on the training and validation rows (never the test split), by log loss with the ` +
    `one-standard-error rule of \`deno task tune\`, in ${c.seconds.toFixed(1)} s. ` +
    `Chosen: candidate ${c.chosen + 1}, ${c.params.family}. Why: ${c.reason}.`,
    "",
    "| candidate | settings | inner log loss | SE of difference from the least | Brier | ROC-AUC | PR-AUC |",
    "|---|---|---|---|---|---|---|",
    ...c.candidates.map((k, i) =>
      `| ${i + 1}${i === c.chosen ? " (chosen)" : ""} | \`${JSON.stringify(k.params)}\` | ${
        k.log_loss.toFixed(4)
      } | ${k.log_loss_se.toFixed(4)} | ${k.brier.toFixed(4)} | ${num(k.roc_auc)} | ${
        num(k.pr_auc)
      } |`
    ),
  ];
}

/** Cohort-forward figures: trained on the earlier cohorts, tested on the latest. */
function cohortText(m: ModelMetadata): string[] {
  const f = m.cohort_forward;
  if (!f) return [];
  return [
    "## Cohort-forward",
    "",
    `Trained on every \`${f.column}\` but ${f.test.join(", ")} (${f.train_rows} rows) with these ` +
    `settings and tested on ${f.test.join(", ")} (${f.test_rows} rows), as a school trains on ` +
    `last year and predicts this year: ROC-AUC ${num(f.roc_auc)}, PR-AUC ${num(f.pr_auc)}, ` +
    `Brier ${f.brier.toFixed(4)}, log loss ${num(f.log_loss)}. Random splits mix every cohort ` +
    "into training and tend to flatter a model.",
    "",
  ];
}

/**
 * The profile's cross-validated figures beside untuned peers on the same folds (what
 * `deno task peers --write` recorded in the spec) and beside Cortez & Silva (2008), when known.
 */
function peersText(m: ModelMetadata): string[] {
  const record = m.spec.profiles[m.profile]?.peers;
  const published = m.spec.profiles[m.profile]?.published;
  if (!record && !published) return [];
  const lines = ["", "## Beside the peers", ""];
  if (record) {
    lines.push(
      `Out-of-fold figures of ${record.runs} × ${record.folds}-fold cross-validation (seed ${record.seed}, ` +
        `${record.measured}): this profile's settings beside untuned peers on the same folds, ` +
        `scored by the same code.`,
      "",
      "| model | ROC-AUC | PR-AUC | recall, top 20 % | Brier | log loss | PCC % |",
      "|---|---|---|---|---|---|---|",
      ...record.models.map((r) =>
        `| ${r.name} | ${num(r.roc_auc)} | ${num(r.pr_auc)} | ${num(r.recall_at_20)} | ${
          num(r.brier)
        } | ${num(r.log_loss)} | ${r.pcc.toFixed(1)} |`
      ),
    );
  }
  if (published) {
    lines.push(
      "",
      `${published.source}, setup ${published.setup}: best percent correct ${published.best}, ` +
        `naive baseline ${published.naive} (20 runs of 10-fold cross-validation).`,
    );
  }
  return [...lines, ""];
}
