/**
 * A hand-checkable model view for the model-figure tests: eight test rows,
 * labels 1 1 0 1 0 0 0 0 scored 0.9 0.8 0.7 0.4 0.3 0.2 0.2 0.1.
 *
 * @module
 */
import { calibrationBins, evaluate, type ModelView, prCurve, rocCurve } from "../mod.ts";
import { FIGURE_SPEC } from "./figures_fixture.ts";

export const labels = [1, 1, 0, 1, 0, 0, 0, 0];
export const scores = [0.9, 0.8, 0.7, 0.4, 0.3, 0.2, 0.2, 0.1];

/** A model view as `metadata.json` would hold it, for a hand-checkable test split. */
export function view(profile: string, threshold = 0.4): ModelView {
  const test = evaluate(labels, scores, threshold);
  return {
    id: `${profile}-1`,
    profile,
    spec: FIGURE_SPEC,
    threshold,
    bands: { medium: 0.3, high: threshold },
    metrics: { validation: test, test },
    evaluation: {
      roc: rocCurve(labels, scores),
      pr: prCurve(labels, scores),
      calibration: calibrationBins(labels, scores, 2),
      test: { rows: [0, 1, 2, 3, 4, 5, 6, 7], labels, probabilities: scores },
    },
    training: {
      seconds: 1,
      epochs_run: 3,
      best_epoch: 2,
      history: [
        { epoch: 1, loss: 0.7, val_loss: 0.69 },
        { epoch: 2, loss: 0.5, val_loss: 0.55 },
        { epoch: 3, loss: 0.4, val_loss: 0.6 },
      ],
      members: [{ seed: 1, best_epoch: 2, epochs_run: 3 }],
    },
    data: { source: "fixture", sha256: "0", rows: 8, positives: 3, prevalence: 3 / 8 },
  };
}
