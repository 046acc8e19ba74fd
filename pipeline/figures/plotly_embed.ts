/**
 * plotly.js for offline HTML (notebook exports, the benchmark report): the
 * pinned `plotly.js-dist` bundle read from Deno's npm cache, gzipped and
 * base64-encoded into one script that the browser unpacks with the standard
 * `DecompressionStream`. The 11 MB library travels as about 2.6 MB, and no
 * page ever fetches it from a CDN.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { gzipSync } from "node:zlib";

let loader: string | undefined;

/**
 * A `<script>` element that defines `window.Plotly` once unpacked (read from the cache once per process).
 * Including it twice on a page loads the library once.
 *
 * @returns The script element's HTML.
 * @throws Error naming the folder when the package is not in Deno's cache.
 */
export function plotlyLoaderScript(): string {
  if (loader !== undefined) return loader;
  // The package folder in Deno's npm cache; read its package.json, since before the package
  // is downloaded the resolver can only guess the main file's name.
  const dir = new URL("./", import.meta.resolve("plotly.js-dist"));
  let main: string;
  try {
    main = JSON.parse(Deno.readTextFileSync(new URL("package.json", dir))).main ?? "plotly.js";
  } catch (cause) {
    throw new Error(
      `Cannot find plotly.js-dist in Deno's cache (${dir}): run \`deno install\` in the project root`,
      { cause },
    );
  }
  const packed = Buffer.from(gzipSync(Deno.readFileSync(new URL(main, dir)), { level: 9 }));
  loader = `<script type="text/javascript">
(function () {
  if (window.Plotly || window.__plotlyLoading) return;
  window.__plotlyLoading = true;
  var text = atob("${packed.toString("base64")}");
  var bytes = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  new Response(stream).text().then(function (code) {
    var script = document.createElement("script");
    script.text = code;
    document.head.appendChild(script);
  });
})();
</script>
`;
  return loader;
}
