/**
 * Feature figures: a Plotly figure of one feature by dropout status with the
 * dropout rate per value or bin, and an interpretation computed from the data
 * (the pipeline's `featureFigure`). `/v1/visualize/{feature}` answers `{feature, interpretation,
 * figure}`; the original `/visualize/{feature}` adds `image`, the figure drawn as a base64 PNG
 * (the pipeline's `figureSvg`, rasterised by `../png.ts`), which the original page shows.
 *
 * @module
 */
import { Hono } from "hono";
import {
  type Dataset,
  featureFigure,
  featureNames,
  figureSvg,
  loadDataset,
  resolveDataPath,
  shownName,
} from "../../pipeline/mod.ts";
import type { AppDeps, AppEnv } from "../config/mod.ts";
import { HttpError } from "../http/mod.ts";

/**
 * The fewest students a figure's group (a value or a bin) may hold and still be drawn: the
 * figures are public, so a smaller group's counts and rate are left out.
 */
export const FIGURE_MIN_GROUP = 10;

/**
 * The default source of figure data: the server's configured training CSV, read once. Admin
 * uploads are never used: they are private to the admin routes, and these figures are public.
 *
 * @param deps The app's dependencies.
 * @returns A function giving the dataset.
 * @throws HttpError 503 when no training CSV is configured (its paths are logged, not answered).
 */
export function figureDataSource(deps: AppDeps): () => Promise<Dataset> {
  let cached: Promise<Dataset> | undefined;
  return () => {
    cached ??= (async () => {
      let path: string;
      try {
        path = resolveDataPath(deps.config.dataPath);
      } catch (error) {
        deps.logger.log("warn", "No figure data", { detail: (error as Error).message });
        throw new HttpError(
          503,
          "No figure data: the server has no training CSV configured (DROPOUT_DATA or --data)",
        );
      }
      return await loadDataset(path, deps.spec);
    })();
    cached.catch(() => cached = undefined);
    return cached;
  };
}

type Figure = { data: object[]; layout: object };

async function pngBase64(figure: Figure): Promise<string> {
  const { PNG_FONT_FAMILY, svgToPng } = await import("../serving/png.ts");
  return svgToPng(figureSvg(figure, { fontFamily: PNG_FONT_FAMILY })).toBase64();
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
  const figures = new Map<string, { feature: string; interpretation: string; figure: Figure }>();
  const images = new Map<string, Promise<string>>();

  for (const path of ["/v1/visualize/:feature", "/visualize/:feature"]) {
    const original = !path.startsWith("/v1/");
    app.get(path, async (c) => {
      const feature = c.req.param("feature") ?? "";
      const dataset = await data();
      const names = featureNames(dataset, deps.spec);
      if (!names.includes(feature)) {
        throw new HttpError(
          404,
          `Unknown feature "${shownName(feature)}": expected one of ${names.join(", ")}`,
          {
            issues: [{
              field: shownName(feature),
              expected: `one of ${names.join(", ")}`,
              message: "Unknown feature",
            }],
          },
        );
      }
      let answer = figures.get(feature);
      if (!answer) {
        const { figure, interpretation } = featureFigure(dataset, deps.spec, feature, {
          minGroup: FIGURE_MIN_GROUP,
        });
        figures.set(feature, answer = { feature, interpretation, figure });
      }
      if (!original) return c.json(answer);
      const figure = answer.figure;
      let image = images.get(feature);
      if (!image) {
        images.set(feature, image = pngBase64(figure));
        image.catch(() => images.delete(feature));
      }
      return c.json({ ...answer, image: await image });
    });
  }
  return app;
}
