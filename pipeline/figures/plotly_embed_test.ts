import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { gunzipSync } from "node:zlib";
import { plotlyLoaderScript } from "./plotly_embed.ts";

Deno.test("plotlyLoaderScript() carries the pinned plotly.js, gzipped, with no network access", () => {
  const script = plotlyLoaderScript();
  const packed = script.match(/atob\("([A-Za-z0-9+/=]+)"\)/)![1];
  const code = new TextDecoder().decode(gunzipSync(Buffer.from(packed, "base64")));
  assert.match(code.slice(0, 200), /plotly\.js v3\.7\.0/);
  assert.match(code.slice(-200), /window\.Plotly = Plotly;/);
  assert.ok(script.length < code.length / 3, "the packed library is under a third of the original");
  assert.doesNotMatch(script.replace(packed, ""), /https?:\/\//);
});

Deno.test("plotlyLoaderScript() loads the library once when a page includes it twice", () => {
  const script = plotlyLoaderScript();
  assert.equal(plotlyLoaderScript(), script, "read and packed once per process");
  assert.match(script, /if \(window\.Plotly \|\| window\.__plotlyLoading\) return;/);
});
