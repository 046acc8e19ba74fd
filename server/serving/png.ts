/**
 * SVG to PNG on the server, with resvg (the Rust renderer, as WebAssembly) and the DejaVu Sans
 * font, both imported as bytes so `deno compile` embeds them. The module is imported on first use
 * (`await import("./png.ts")`), so a server that never draws an image never loads the 2.5 MB of
 * WebAssembly.
 *
 * @module
 */
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import wasm from "@resvg/resvg-wasm/index_bg.wasm" with { type: "bytes" };
import font from "dejavu-fonts-ttf/ttf/DejaVuSans.ttf" with { type: "bytes" };

/** The family the SVG must name for its text to be drawn with the embedded font. */
export const PNG_FONT_FAMILY = "DejaVu Sans";

await initWasm(wasm);

/**
 * Renders an SVG document to PNG bytes.
 *
 * @param svg The SVG document.
 * @returns The PNG file's bytes.
 * @example
 * ```ts
 * const { svgToPng } = await import("./png.ts");
 * const png = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
 * ```
 */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    font: { fontBuffers: [font], defaultFontFamily: PNG_FONT_FAMILY, loadSystemFonts: false },
  });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
