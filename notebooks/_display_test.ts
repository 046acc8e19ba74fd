import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { Buffer } from "node:buffer";
import { figureBundle, plotlyLoaderScript, tableBundle } from "./_display.ts";

const figure = { data: [{ type: "bar", x: ["</script><b>"], y: [1] }], layout: { height: 300 } };

Deno.test("figureBundle() offers Plotly JSON and HTML that draws it with the local plotly.js", () => {
  const bundle = figureBundle(figure);
  assert.deepEqual(bundle["application/vnd.plotly.v1+json"], figure);
  const html = bundle["text/html"] as string;
  assert.match(html, /Plotly\.newPlot\("plotly-[0-9a-f-]+", figure\.data, figure\.layout/);
  assert.match(html, /min-height:300px/);
  assert.doesNotMatch(html, /https?:\/\//, "no CDN or other network address");
  // A string in the figure cannot close the script element.
  assert.equal(html.match(/<\/script>/g)?.length, 1);
  assert.match(html, /\\u003c\/script>\\u003cb>/);
});

Deno.test("figureBundle() puts the library before the figure only when given", () => {
  assert.doesNotMatch(figureBundle(figure)["text/html"] as string, /LIBRARY/);
  assert.match(
    figureBundle(figure, { library: "<script>LIBRARY</script>" })["text/html"] as string,
    /^<script>LIBRARY<\/script><div/,
  );
});

Deno.test("plotlyLoaderScript() carries the pinned plotly.js, gzipped, with no network access", () => {
  const script = plotlyLoaderScript();
  const packed = script.match(/atob\("([A-Za-z0-9+/=]+)"\)/)![1];
  const code = new TextDecoder().decode(gunzipSync(Buffer.from(packed, "base64")));
  assert.match(code.slice(0, 200), /plotly\.js v3\.7\.0/);
  assert.match(code.slice(-200), /window\.Plotly = Plotly;/);
  assert.ok(script.length < code.length / 3, "the packed library is under a third of the original");
  assert.doesNotMatch(script.replace(packed, ""), /https?:\/\//);
});

Deno.test("tableBundle() escapes HTML, right-aligns numbers and rounds them", () => {
  const bundle = tableBundle([{ name: "<a>", value: 0.12345, n: 3 }, {
    name: "b",
    value: 1,
    n: null,
  }]);
  assert.match(bundle["text/html"], /<td style="text-align:left">&lt;a&gt;<\/td>/);
  assert.match(bundle["text/html"], /<td style="text-align:right">0\.123<\/td>/);
  assert.equal(
    bundle["text/plain"],
    ["name  value  n", "<a>   0.123  3", "b         1"].join("\n"),
  );
});
