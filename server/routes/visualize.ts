/**
 * Feature figures: a Plotly figure of one feature by dropout status with the
 * dropout rate per value or bin, and an interpretation computed from the data
 * (the pipeline's `featureFigure`). `/v1/visualize/{feature}` and the original
 * `/visualize/{feature}` answer the same `{interpretation, figure}`.
 *
 * @module
 */
import { Hono } from "hono";
import {
  type Dataset,
  featureFigure,
  featureNames,
  loadDataset,
  resolveDataPath,
} from "../../pipeline/mod.ts";
import type { AppDeps, AppEnv } from "../deps.ts";
import { HttpError } from "../http_errors.ts";

/**
 * The default source of figure data: the server's training CSV, else the
 * latest upload, read once.
 *
 * @param deps The app's dependencies.
 * @returns A function giving the dataset.
 */
export function figureDataSource(deps: AppDeps): () => Promise<Dataset> {
  let cached: Promise<Dataset> | undefined;
  return () => {
    cached ??= (async () => {
      let path: string;
      try {
        path = resolveDataPath(deps.config.dataPath);
      } catch (error) {
        const latest = await deps.datasets.latest();
        if (!latest) throw error;
        path = deps.datasets.path(latest.id);
      }
      return await loadDataset(path, deps.spec);
    })();
    cached.catch(() => cached = undefined);
    return cached;
  };
}

/**
 * Builds the figure routes.
 *
 * @param deps The app's dependencies.
 * @returns The routes.
 */
export function visualizeRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const data = deps.figureData ?? figureDataSource(deps);
  const figures = new Map<string, object>();

  for (const path of ["/v1/visualize/:feature", "/visualize/:feature"]) {
    app.get(path, async (c) => {
      const feature = c.req.param("feature") ?? "";
      const dataset = await data();
      const names = featureNames(dataset, deps.spec);
      if (!names.includes(feature)) {
        throw new HttpError(
          404,
          `Unknown feature "${feature}": expected one of ${names.join(", ")}`,
          {
            issues: [{
              field: feature,
              expected: `one of ${names.join(", ")}`,
              message: "Unknown feature",
            }],
          },
        );
      }
      let answer = figures.get(feature);
      if (!answer) {
        const { figure, interpretation } = featureFigure(dataset, deps.spec, feature);
        figures.set(feature, answer = { feature, interpretation, figure });
      }
      return c.json(answer);
    });
  }
  return app;
}
