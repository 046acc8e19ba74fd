import assert from "node:assert/strict";
import { figureBundle, tableBundle } from "./_display.ts";

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
