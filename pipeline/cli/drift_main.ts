/**
 * `deno task drift`: compares a CSV with the training data of a saved model and prints, per
 * input, the population stability index, its p-value under sampling alone (Holm-adjusted),
 * whether it drifted, the unseen values and the missing rate beside the training one; then one
 * line saying which inputs drifted, or that there were too few rows to tell. With `--json`, the last line of stdout is the report.
 *
 * Exit codes: 0 the report was printed (drifted or not), 2 bad options or data, or a model saved
 * before drift statistics existed; 1 anything else.
 *
 * @module
 */
import { InputError } from "../core/mod.ts";
import { loadDataset } from "../data/mod.ts";
import {
  datasetDrift,
  DEFAULT_DRIFT_THRESHOLD,
  type DriftReport,
  driftSummary,
} from "../drift/mod.ts";
import { Registry } from "../registry/mod.ts";
import { modelOption } from "./_common.ts";
import { DEFAULT_MODELS, DRIFT } from "./commands.ts";
import { numberOption, parseCommand, runMain } from "./kit.ts";

/**
 * Formats a drift report as an aligned text table, drifted inputs marked.
 *
 * @param report The report.
 * @returns The table, one line per input.
 */
export function driftTable(report: DriftReport): string {
  const width = Math.max(7, ...report.features.map((f) => f.feature.length));
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const lines = [
    `${"input".padEnd(width)}  ${"PSI".padStart(7)}  ${
      "p".padStart(6)
    }  drifted  missing (training)   unseen values`,
  ];
  for (const f of report.features) {
    const unseen = f.unseen.slice(0, 5).map((u) => `${u.value} (${u.rows})`).join(", ") +
      (f.unseen.length > 5 ? `, … ${f.unseen.length} in all` : "");
    lines.push(
      `${f.feature.padEnd(width)}  ${f.psi.toFixed(3).padStart(7)}  ${
        (f.p_value < 0.001 ? "<0.001" : f.p_value.toFixed(3)).padStart(6)
      }  ${(f.drifted ? "yes" : "no").padEnd(7)}  ${
        `${pct(f.missing_rate)} (${pct(f.training_missing_rate)})`.padEnd(19)
      }  ${unseen}`
        .trimEnd(),
    );
  }
  return lines.join("\n");
}

await runMain(async () => {
  const opts = parseCommand(DRIFT, Deno.args);
  if (!opts.data) throw new InputError("Missing option --data: see deno task drift --help");
  const threshold = numberOption("threshold", opts.threshold, { above: 0 }) ??
    DEFAULT_DRIFT_THRESHOLD;
  const registry = new Registry(opts["models-dir"] ?? DEFAULT_MODELS);
  const id = await modelOption(registry, opts);
  const metadata = await registry.metadata(id);
  // The inputs the model reads may be absent (they then count as missing), the label may be too,
  // and other columns (ids) are ignored.
  const data = await loadDataset(opts.data, metadata.spec, {
    required: [],
    allowExtra: true,
    requireTarget: false,
  });
  const report = datasetDrift(metadata, data, { threshold });
  console.log(
    `${report.rows} rows of ${opts.data} against the ${report.training_rows} training rows of ${report.model}:`,
  );
  console.log(driftTable(report));
  console.log(driftSummary(report));
  if (opts.json) console.log(JSON.stringify(report));
});
