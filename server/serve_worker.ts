/**
 * One serving worker of `--workers N`: serves the app on the shared port
 * (`reusePort`) with its own loaded models, which it keeps in step with
 * `active.json`; stops gracefully when the main thread says so.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { Config } from "./config.ts";
import { type Running, serveApp } from "./server.ts";

let running: Running | undefined;

self.onmessage = async (event: MessageEvent<{ type: string; config?: Config }>) => {
  if (event.data.type === "start") {
    running = await serveApp(event.data.config!, { sweep: false, reusePort: true });
    self.postMessage({ type: "listening", port: running.port });
  } else if (event.data.type === "shutdown") {
    await running?.shutdown();
    self.postMessage({ type: "stopped" });
  }
};
