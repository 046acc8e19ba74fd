/**
 * Uploaded training data: each CSV is validated against the spec (every
 * problem listed), then stored under its sha256 as `<sha256>.csv` with a
 * `<sha256>.json` summary. Writes are atomic, and a name is a content hash, so
 * one upload never overwrites another; uploading the same bytes twice finds
 * the stored copy.
 *
 * @module
 */
import { type DatasetSpec, isHeld, parseDataset, writeFileAtomic } from "../../pipeline/mod.ts";
import { HttpError } from "../http/mod.ts";

/** A stored dataset as listed. */
export interface DatasetInfo {
  /** The sha256 of the CSV's bytes (its id). */
  id: string;
  /** The file name it was uploaded as. */
  name: string;
  /** Data rows. */
  rows: number;
  /** Rows with the positive label. */
  positives: number;
  /** positives / rows. */
  prevalence: number;
  /** ISO time of the first upload. */
  uploaded: string;
}

const ID = /^[0-9a-f]{64}$/;

/** The content-addressed store of training CSVs. */
export class DatasetStore {
  /** The folder. */
  readonly dir: string;
  readonly #spec: DatasetSpec;
  readonly #clock: () => number;

  /**
   * Opens a store.
   *
   * @param dir The folder (created on first upload).
   * @param spec The spec uploads are validated against.
   * @param clock The current time in milliseconds.
   */
  constructor(dir: string, spec: DatasetSpec, clock: () => number = Date.now) {
    this.dir = dir.replace(/\/+$/, "") || ".";
    this.#spec = spec;
    this.#clock = clock;
  }

  /**
   * Validates and stores a CSV.
   *
   * @param bytes The file's bytes.
   * @param name The name it was uploaded as.
   * @returns Its summary, and whether it was new.
   * @throws SchemaError listing every problem with the file.
   */
  async add(bytes: Uint8Array, name: string): Promise<{ info: DatasetInfo; created: boolean }> {
    const data = await parseDataset(bytes, this.#spec, { source: name });
    const existing = await this.find(data.sha256);
    if (existing) {
      await this.#markLatest(existing.id);
      return { info: existing, created: false };
    }
    const positives = data.labels.reduce((a, b) => a + b, 0);
    const info: DatasetInfo = {
      id: data.sha256,
      name: name.split("/").pop()!.slice(0, 200),
      rows: data.rows,
      positives,
      prevalence: positives / data.rows,
      uploaded: new Date(this.#clock()).toISOString(),
    };
    await Deno.mkdir(this.dir, { recursive: true });
    // The CSV first: a summary is never listed without its data.
    await writeFileAtomic(this.path(info.id), bytes);
    await writeFileAtomic(`${this.dir}/${info.id}.json`, JSON.stringify(info, null, 2));
    await this.#markLatest(info.id);
    return { info, created: true };
  }

  /**
   * Removes the temporary files of uploads a crash cut short (a stored upload
   * is only ever renamed into place whole). An upload another process (a replica on the same
   * folder) is writing holds its file's lock, and is left alone. Call once at start-up.
   *
   * @returns The names removed.
   */
  async sweep(): Promise<string[]> {
    const removed: string[] = [];
    try {
      for await (const entry of Deno.readDir(this.dir)) {
        if (!entry.isFile || !entry.name.endsWith(".tmp")) continue;
        if (await isHeld(`${this.dir}/${entry.name}`)) continue;
        await Deno.remove(`${this.dir}/${entry.name}`).catch(() => {});
        removed.push(entry.name);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return removed;
  }

  /**
   * The dataset uploaded last (also when it was a repeat of a stored one).
   *
   * @returns Its summary, or undefined when nothing was uploaded.
   */
  async latest(): Promise<DatasetInfo | undefined> {
    const id = await Deno.readTextFile(`${this.dir}/latest`).catch(() => "");
    return await this.find(id.trim());
  }

  async #markLatest(id: string): Promise<void> {
    await writeFileAtomic(`${this.dir}/latest`, id);
  }

  /**
   * Finds a stored dataset.
   *
   * @param id The sha256.
   * @returns Its summary, or undefined.
   */
  async find(id: string): Promise<DatasetInfo | undefined> {
    if (!ID.test(id)) return undefined;
    try {
      return JSON.parse(await Deno.readTextFile(`${this.dir}/${id}.json`));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
  }

  /**
   * Finds a stored dataset or answers 404.
   *
   * @param id The sha256.
   * @returns Its summary.
   * @throws HttpError 404.
   */
  async get(id: string): Promise<DatasetInfo> {
    const info = await this.find(id);
    if (!info) throw new HttpError(404, `Unknown dataset "${id}": upload it to POST /v1/datasets`);
    return info;
  }

  /**
   * The CSV file of a dataset.
   *
   * @param id The sha256.
   * @returns Its path.
   */
  path(id: string): string {
    return `${this.dir}/${id}.csv`;
  }

  /**
   * Lists every stored dataset, newest first.
   *
   * @returns Their summaries.
   */
  async list(): Promise<DatasetInfo[]> {
    const out: DatasetInfo[] = [];
    try {
      for await (const entry of Deno.readDir(this.dir)) {
        const id = entry.name.replace(/\.json$/, "");
        if (!entry.isFile || !entry.name.endsWith(".json") || !ID.test(id)) continue;
        const info = await this.find(id);
        if (info) out.push(info);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return out.sort((a, b) => b.uploaded.localeCompare(a.uploaded) || a.id.localeCompare(b.id));
  }
}
