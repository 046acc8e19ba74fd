/**
 * The worker of {@linkcode evaluateDays}: evaluates the one day it is sent and answers with the
 * result, or with the error's message.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { type DayJob, evaluateDay } from "./evaluate_day.ts";

self.onmessage = async (event: MessageEvent<DayJob>) => {
  try {
    self.postMessage({ ok: true, result: await evaluateDay(event.data) });
  } catch (error) {
    self.postMessage({ ok: false, message: (error as Error).message ?? String(error) });
  }
};
