/**
 * The server's memory while it scores a large CSV on `POST /v1/predict/batch`:
 * the body is streamed from a file as `curl -F file=@x.csv` sends it
 * (`multipart/form-data`) or as `text/csv`, the answer is read as it comes and
 * only counted, and the server's resident memory is read from
 * `/proc/<pid>/status`: VmRSS before (idle), VmHWM during (its peak, reset just
 * before the request) and VmRSS after the answer, once the server has had
 * `settleMs` to give memory back.
 *
 * @module
 */
import { memoryStatus, resetPeak } from "./_server.ts";

/** The two body formats measured. */
export type BatchBodyFormat = "multipart" | "csv";

/** One large batch request and the server's memory around it. */
export interface BatchMemoryFigure {
  /** How the body was sent. */
  format: BatchBodyFormat;
  /** Data rows sent. */
  rows: number;
  /** Bytes of the CSV file. */
  bytes: number;
  /** The answer's HTTP status. */
  status: number;
  /** Rows answered (lines of the CSV answer after its header). */
  answered: number;
  /** Answered rows that carry an error instead of a prediction. */
  errors: number;
  /** Request sent to answer read, in seconds. */
  seconds: number;
  /** Rows per second over that time. */
  rows_per_sec: number;
  /** VmRSS just before the request, in bytes. */
  rss_idle_bytes: number;
  /** VmHWM over the request, in bytes. */
  rss_peak_bytes: number;
  /** VmRSS `settle_ms` after the answer ended, in bytes. */
  rss_after_bytes: number;
  /** How long after the answer the last figure was read. */
  settle_ms: number;
  /** The 1-minute load average when the request started. */
  load_1m: number;
}

/** A server to measure: its base URL and process id. */
export interface MeasuredServer {
  url: string;
  pid: number;
}

const BOUNDARY = "------------------------benchbatchmemory";

/** The file as `curl -F file=@name.csv` frames it, streamed. */
function multipartStream(file: Deno.FsFile, name: string): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const head = enc.encode(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
      "Content-Type: text/csv\r\n\r\n",
  );
  const tail = enc.encode(`\r\n--${BOUNDARY}--\r\n`);
  const reader = file.readable.getReader();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        return controller.enqueue(head);
      }
      const { done, value } = await reader.read();
      if (done) {
        controller.enqueue(tail);
        controller.close();
      } else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

/**
 * Sends a CSV file to `/v1/predict/batch` and reads the server's memory around it.
 *
 * @param server The running server (its memory is read from `/proc`).
 * @param csv The CSV file.
 * @param options `format` of the body, `rows` in the file, and `settleMs` to wait after the answer.
 * @returns The figure.
 * @throws Error when the server's memory cannot be read (no `/proc`).
 */
export async function measureBatchMemory(
  server: MeasuredServer,
  csv: string,
  options: { format: BatchBodyFormat; rows: number; settleMs: number },
): Promise<BatchMemoryFigure> {
  const load = Deno.loadavg()[0];
  const idle = await memoryStatus(server.pid);
  if (!idle || !await resetPeak(server.pid)) {
    throw new Error(`Cannot read the memory of process ${server.pid} from /proc`);
  }
  const { size } = await Deno.stat(csv);
  const file = await Deno.open(csv);
  const name = csv.split("/").pop()!;
  const started = performance.now();
  let status = 0;
  let answered = -1;
  let errors = 0;
  try {
    // Scores only, as the published figures were taken: reasons (the default, 3) add
    // TreeSHAP per row.
    const res = await fetch(`${server.url}/v1/predict/batch?reasons=0`, {
      method: "POST",
      headers: {
        "content-type": options.format === "csv"
          ? "text/csv"
          : `multipart/form-data; boundary=${BOUNDARY}`,
        accept: "text/csv",
      },
      body: options.format === "csv" ? file.readable : multipartStream(file, name),
    });
    status = res.status;
    // A line of the answer without an error ends with its empty error column: ",\n".
    let previous = 0;
    for await (const chunk of res.body!) {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) {
        answered++;
        const before = i > 0 ? chunk[i - 1] : previous;
        if (before !== 44 && answered > 0) errors++;
      }
      if (chunk.length > 0) previous = chunk[chunk.length - 1];
    }
  } finally {
    try {
      file.close();
    } catch {
      // closed by the body stream
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const during = await memoryStatus(server.pid);
  await new Promise((r) => setTimeout(r, options.settleMs));
  const after = await memoryStatus(server.pid);
  return {
    format: options.format,
    rows: options.rows,
    bytes: size,
    status,
    answered: Math.max(0, answered),
    errors,
    seconds,
    rows_per_sec: options.rows / seconds,
    rss_idle_bytes: idle.rss,
    rss_peak_bytes: during?.peak ?? NaN,
    rss_after_bytes: after?.rss ?? NaN,
    settle_ms: options.settleMs,
    load_1m: load,
  };
}
