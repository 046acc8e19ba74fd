/**
 * The worker behind `offload.ts`: renders SVG to PNG (loading the renderer's WebAssembly on its
 * first image) and gzips bytes, off the server's event loop. One message in, one out, by id.
 *
 * @module
 */
/// <reference lib="deno.worker" />

import type { OffloadResult, OffloadTask } from "./offload.ts";

async function run(task: OffloadTask): Promise<Uint8Array<ArrayBuffer>> {
  if (task.kind === "png") {
    const { svgToPng } = await import("./png.ts");
    return svgToPng(task.svg) as Uint8Array<ArrayBuffer>;
  }
  const stream = new Blob([task.bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return await new Response(stream).bytes();
}

self.onmessage = async (event: MessageEvent<OffloadTask>) => {
  const task = event.data;
  try {
    const bytes = await run(task);
    self.postMessage({ id: task.id, bytes } satisfies OffloadResult, [bytes.buffer]);
  } catch (error) {
    self.postMessage({ id: task.id, error: (error as Error).message } satisfies OffloadResult);
  }
};
