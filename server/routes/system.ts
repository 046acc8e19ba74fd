/**
 * Operational routes: health, readiness, metrics, the spec, the OpenAPI
 * document, Swagger UI from the pinned `swagger-ui-dist` package (no CDN),
 * plotly.js for the page from the pinned `plotly.js-dist` package (no CDN), and
 * the page's static files from `server/static/`.
 *
 * @module
 */
import { Hono } from "hono";
import getAbsoluteFSPath from "swagger-ui-dist/absolute-path.js";
import { specTexts } from "../../pipeline/mod.ts";
import type { AppDeps, AppEnv } from "../config/mod.ts";
import { openApiDocument } from "./openapi.ts";

const STATIC_DIR = new URL("../static/", import.meta.url);
/** The pinned plotly.js bundle: in Deno's npm cache, or embedded by `deno compile`. */
const PLOTLY_JS = new URL(import.meta.resolve("plotly.js-dist"));
/** A servable name: slash-separated segments of letters, digits, `_`, `-` and `.`, none starting with a dot. */
const STATIC_NAME = /^[\w-][\w.-]*(?:\/[\w-][\w.-]*)*$/;

/**
 * What the page is made of. The folder also holds its type-checking config (`deno.json`) and unit
 * tests (`*_test.ts`): they are sources, not part of the page, and are not served.
 */
const PAGE_TYPES = new Set(["html", "js", "css", "svg", "png", "ico"]);

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
  map: "application/json",
};

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Student dropout early warning: API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });\n`;

/**
 * The content type of a file name.
 *
 * @param name A file name.
 * @returns Its MIME type (octet-stream when unknown).
 */
export function contentType(name: string): string {
  return TYPES[extension(name)] ?? "application/octet-stream";
}

function extension(name: string): string {
  return name.split(".").pop()!.toLowerCase();
}

/**
 * Builds the operational routes.
 *
 * @param deps The app's dependencies.
 * @returns The routes.
 */
export function systemRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const document = openApiDocument(deps.spec);
  const swaggerDir = getAbsoluteFSPath();
  const defaultProfile = deps.spec.default_profile ?? Object.keys(deps.spec.profiles)[0];

  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/ready", (c) => {
    const ids = deps.models.ids();
    if (!ids[defaultProfile]) {
      return c.json({ error: `Not ready: no active model for profile "${defaultProfile}"` }, 503);
    }
    return c.json({ status: "ready", models: ids });
  });
  app.get("/metrics", async (c) =>
    c.body(await deps.metrics.render(deps.models.ids()), 200, {
      "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
    }));
  app.get("/v1/spec", (c) =>
    c.json({
      spec: deps.spec,
      texts: specTexts(deps.spec),
      default_profile: defaultProfile,
      profiles: Object.fromEntries(
        Object.entries(deps.spec.profiles).map(([name, p]) => [name, {
          ...p,
          leaks: p.features.filter((f) => deps.spec.leak.includes(f)),
          active_model: deps.models.ids()[name] ?? null,
        }]),
      ),
    }));
  app.get("/openapi.json", (c) => c.json(document));
  app.get("/docs", (c) => c.html(DOCS_HTML));
  app.get("/docs/init.js", (c) => c.body(DOCS_INIT, 200, { "Content-Type": TYPES.js }));
  for (const name of ["swagger-ui.css", "swagger-ui-bundle.js"]) {
    let bytes: Uint8Array | undefined;
    app.get(`/docs/${name}`, async (c) => {
      bytes ??= await Deno.readFile(`${swaggerDir}/${name}`);
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
        "Content-Type": contentType(name),
        "Cache-Control": "public, max-age=86400",
      });
    });
  }
  // 11 MB as it ships, about 3.5 MB gzipped: compressed once, on the first request.
  let plotly: Promise<{ raw: Uint8Array<ArrayBuffer>; gzip: Uint8Array<ArrayBuffer> }> | undefined;
  app.get("/vendor/plotly.js", async (c) => {
    plotly ??= plotlyBytes();
    plotly.catch(() => plotly = undefined);
    const { raw, gzip } = await plotly;
    const zipped = /\bgzip\b/i.test(c.req.header("accept-encoding") ?? "");
    return c.body(zipped ? gzip : raw, 200, {
      "Content-Type": TYPES.js,
      "Cache-Control": "public, max-age=86400",
      Vary: "Accept-Encoding",
      ...(zipped ? { "Content-Encoding": "gzip" } : {}),
    });
  });
  app.get("/*", async (c, next) => {
    const name = c.req.path === "/" ? "index.html" : c.req.path.slice(1);
    // Plain relative names only: new URL() takes "/etc/passwd" (from "//etc/passwd") or
    // "file:///…" as they are, so anything else could resolve outside STATIC_DIR.
    if (!STATIC_NAME.test(name) || !PAGE_TYPES.has(extension(name))) return next();
    try {
      const bytes = await Deno.readFile(new URL(name, STATIC_DIR));
      return c.body(bytes, 200, { "Content-Type": contentType(name) });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
        return next();
      }
      throw error;
    }
  });
  return app;
}

async function plotlyBytes(): Promise<{
  raw: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
}> {
  const raw = await Deno.readFile(PLOTLY_JS) as Uint8Array<ArrayBuffer>;
  const stream = new Blob([raw]).stream().pipeThrough(new CompressionStream("gzip"));
  return { raw, gzip: await new Response(stream).bytes() };
}
