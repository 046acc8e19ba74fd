/**
 * The server's entry points described as data for the pipeline's command-line kit: `deno task
 * serve` (and the compiled `dropout-server`) and `deno task start`. Their parsers and `--help`
 * come from here, and a test holds docs/tasks.md's task table to them.
 *
 * @module
 */
import type { Command } from "../../pipeline/mod.ts";

/** `deno task serve` and `dropout-server`. */
export const SERVE = {
  task: "serve",
  summary:
    "Serve the prediction API and the page with the active models (flags override the variables)",
  options: {
    port: { value: "N", help: "Port to listen on (PORT, default 8000)" },
    host: { value: "ADDR", help: "Address to listen on (HOST, default 127.0.0.1)" },
    "models-dir": { value: "DIR", help: "Model registry (MODELS_DIR, default models)" },
    "uploads-dir": {
      value: "DIR",
      help: "Uploaded training CSVs (UPLOADS_DIR, default data/uploads)",
    },
    data: { value: "CSV", help: "Training data (DROPOUT_DATA)" },
    spec: { value: "JSON", help: "Dataset spec (default: the shipped one)" },
    workers: { value: "N", help: "Serving workers sharing the port (WORKERS, default 1)" },
    microbatch: { value: "on|off", help: "Micro-batch concurrent predictions (MICROBATCH)" },
    "headers-timeout": {
      value: "S",
      help: "Seconds a client may take to send a request head (10)",
    },
    "body-timeout": { value: "S", help: "Seconds of silence allowed mid-body (30)" },
    "request-timeout": { value: "S", help: "Seconds one request may wait on its client (300)" },
    "keepalive-timeout": { value: "S", help: "Seconds an idle connection stays open (30)" },
    front: {
      value: "on|off",
      help: "The TCP front holding the time limits (FRONT, default on; off only behind a proxy)",
    },
    "max-connections": {
      value: "N",
      help: "Most open client connections (MAX_CONNECTIONS, default from the open-file limit)",
    },
    "train-missing": {
      help:
        "First train the default and seed models that have none active (on --data), as start does",
    },
    "train-only": {
      help: "Train the missing models as --train-missing does, then exit instead of serving",
    },
    healthcheck: {
      help: "Probe /ready on the configured port and exit 0 (models loaded) or 1",
      conflicts: ["train-missing", "train-only"],
    },
  },
} as const satisfies Command;

/** `deno task start`. */
export const START = {
  task: "start",
  summary:
    "Train the default and seed models if none is active, print the model summary, then serve",
  options: {
    data: { value: "CSV", help: "Training data (DROPOUT_DATA)" },
    spec: { value: "JSON", help: "Dataset spec (default data/specs/student_dropout.json)" },
    "models-dir": { value: "DIR", help: "Model registry (MODELS_DIR, default models)" },
  },
} as const satisfies Command;
