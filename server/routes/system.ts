/**
 * Operational routes: health, readiness, metrics, the spec, the OpenAPI
 * document, Swagger UI from the pinned `swagger-ui-dist` package (no CDN), and
 * the page's static files from `server/static/`.
 *
 * @module
 */
import { Hono } from "hono";
import getAbsoluteFSPath from "swagger-ui-dist/absolute-path.js";
import type { AppDeps, AppEnv } from "../deps.ts";
import { openApiDocument } from "../openapi.ts";

const STATIC_DIR = new URL("../static/", import.meta.url);

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
  return TYPES[name.split(".").pop()!.toLowerCase()] ?? "application/octet-stream";
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
  app.get("/metrics", (c) =>
    c.body(deps.metrics.render(deps.models.ids()), 200, {
      "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
    }));
  app.get("/v1/spec", (c) =>
    c.json({
      spec: deps.spec,
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
  app.get("/*", async (c, next) => {
    const path = decodeURIComponent(c.req.path);
    const name = path === "/" ? "index.html" : path.slice(1);
    if (name.split("/").some((part) => part === ".." || part.startsWith("."))) return next();
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
