/**
 * The dropout early-warning pipeline: the one door through which notebooks,
 * the server, the command-line tasks and the tests reach it.
 *
 * Each stage is a folder with its own `mod.ts`, and a stage imports only the
 * stages listed above it here:
 *
 * | stage | what it holds |
 * |---|---|
 * | `core/` | typed errors, seeded randomness, atomic writes, CSV writing |
 * | `data/` | the dataset spec, cell rules, loading, spec inference, split, manifest |
 * | `evaluate/` | metrics, thresholds and bands, intervals, fairness, importance |
 * | `features/` | the preprocessor |
 * | `drift/` | training distributions and drift reports |
 * | `models/` | the model families, their backend and calibration |
 * | `explain/` | explanations of single predictions |
 * | `train/` | training a profile, cross-validation, nested tuning |
 * | `registry/` | the model folder, model card, predictor and registry |
 * | `figures/` | Plotly figure builders |
 * | `cli/` | the command-line kit of the tasks |
 *
 * Stages follow the scikit-learn contract in TypeScript: a stage's constructor
 * stores parameters, `fit()` learns from the training split only, `transform()`
 * is pure, and learned state is plain JSON.
 *
 * @example Train the default profile and score one student
 * ```ts
 * import { loadDataset, loadSpec, Registry, trainProfile } from "./mod.ts";
 *
 * const spec = await loadSpec("data/specs/student_dropout.json");
 * const data = await loadDataset("../shared/data/student_dropout.csv", spec);
 * const trained = await trainProfile(data, spec, { profile: "early-A", seed: 7 });
 * const registry = new Registry("models");
 * const saved = await registry.save(trained, { data, spec });
 * await registry.activate(saved.id);
 * const predictor = await registry.load(saved.id);
 * const [result] = predictor.predict(predictor.read([{ Age: 17, Grade_1: 8 }]));
 * console.log(result.probability, result.band, result.imputed);
 * ```
 *
 * @module
 */
export * from "./core/mod.ts";
export * from "./data/mod.ts";
export * from "./evaluate/mod.ts";
export * from "./features/mod.ts";
export * from "./drift/mod.ts";
export * from "./models/mod.ts";
export * from "./explain/mod.ts";
export * from "./train/mod.ts";
export * from "./registry/mod.ts";
export * from "./figures/mod.ts";
export * from "./cli/mod.ts";
