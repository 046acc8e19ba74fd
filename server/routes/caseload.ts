/**
 * The caseload routes: cohorts, the ranked caseload, a student's record, actions, outcomes,
 * realized performance and the audit log. Every route needs a bearer token: a user's (from
 * `deno task users add`) or `ADMIN_TOKEN`. An adviser asking for another adviser's student gets
 * the same 404 as for a student who does not exist.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { type Predictor, profileOf, SchemaError, type SchemaIssue } from "../../pipeline/mod.ts";
import {
  addAction,
  appendAudit,
  auditCsv,
  authenticate,
  caseload,
  deleteCohort,
  ForbiddenError,
  getCohort,
  importCohort,
  listAudit,
  listCohorts,
  NotFoundError,
  performance,
  recordOutcomes,
  rescoreCohort,
  type Store,
  studentRecord,
  type User,
} from "../caseload/mod.ts";
import type { AppDeps, AppEnv } from "../config/mod.ts";
import { csvRecords, HttpError, limit, readJson, requireJsonType } from "../http/mod.ts";
import { readUpload } from "./admin.ts";

/** The bands a caseload can be filtered by. */
const BANDS = ["low", "medium", "high"];

/**
 * Reads CSV bytes into records keyed by the header.
 *
 * @param bytes The file.
 * @returns The records (row 1 is the first after the header).
 * @throws SchemaError naming the row of a record with the wrong number of fields, or a header
 * naming a column twice; HttpError 400 for text that is not UTF-8.
 */
export async function csvTable(bytes: Uint8Array): Promise<Record<string, string>[]> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "Invalid CSV: the file is not UTF-8 text");
  }
  const rows: string[][] = [];
  const one = (async function* () {
    yield text;
  })();
  for await (const r of csvRecords(one)) rows.push(r);
  if (rows.length === 0) {
    throw new SchemaError("The file is empty", [{ row: 0, expected: "a header" }]);
  }
  const header = rows[0].map((h) => h.trim());
  const issues: SchemaIssue[] = [];
  header.forEach((h, i) => {
    if (header.indexOf(h) !== i) {
      issues.push({ row: 0, column: h, expected: "each column named once" });
    }
  });
  rows.slice(1).forEach((r, i) => {
    if (r.length !== header.length) {
      issues.push({
        row: i + 1,
        column: header[Math.min(r.length, header.length) - 1],
        value: `${r.length} fields`,
        expected: `${header.length} fields, as in the header`,
      });
    }
  });
  if (issues.length > 0) throw new SchemaError("Malformed CSV", issues);
  return rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/**
 * An optional whole-number query parameter: digits only, so that "", "1.5", "0x10", "-1" and
 * numbers past 2^53 (which PostgreSQL would refuse as a bigint) are a 400 naming the parameter,
 * not a silent default.
 *
 * @param c The request.
 * @param name The parameter.
 * @param min The smallest value allowed.
 * @param expected What the message says is expected.
 * @returns The number, or undefined when the parameter is absent.
 * @throws HttpError 400 naming the parameter and the value.
 */
function intQuery(c: Context, name: string, min: number, expected: string): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined) return undefined;
  const n = /^[0-9]{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new HttpError(
      400,
      `Invalid query "${name}": ${JSON.stringify(raw.slice(0, 64))}, expected ${expected}`,
    );
  }
  return n;
}

/** The cohort id of a path, or 404. */
function cohortParam(c: Context): number {
  const id = Number(c.req.param("id"));
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new HttpError(404, `No cohort ${c.req.param("id")}`);
  }
  return id;
}

/** Turns the caseload's own errors into HTTP answers. */
async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof NotFoundError) throw new HttpError(404, error.message);
    if (error instanceof ForbiddenError) throw new HttpError(403, error.message);
    throw error;
  }
}

/**
 * Builds the caseload routes around the caseload's store.
 *
 * @param deps The app's dependencies (with `caseload`).
 * @param store The caseload's store.
 * @returns The routes.
 */
export function caseloadRoutes(deps: AppDeps, store: Store): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const upload = limit(deps.config.limits.uploadBytes);
  const small = limit(deps.config.limits.smallBytes);

  const userOf = async (c: Context): Promise<User> => {
    const header = c.req.header("authorization") ?? "";
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const user = token ? await authenticate(store, token, deps.config.adminToken) : undefined;
    if (!user) {
      throw new HttpError(401, "Missing or unknown bearer token");
    }
    return user;
  };
  const adminOf = async (c: Context): Promise<User> => {
    const user = await userOf(c);
    if (user.role !== "admin") throw new HttpError(403, "This route needs an admin");
    return user;
  };
  const leased = <T>(profile: string | undefined, work: (p: Predictor) => Promise<T>) => {
    const { name } = profileOf(deps.spec, profile);
    const lease = deps.models.acquire(name);
    if (!lease) throw new HttpError(503, `No active model for profile ${name}`);
    return work(lease.predictor).finally(() => lease.release());
  };

  app.post("/v1/cohorts", upload, async (c) => {
    const user = await adminOf(c);
    const records = await csvTable((await readUpload(c)).bytes);
    const name = c.req.query("name") ??
      `cohort of ${new Date(deps.clock()).toISOString().slice(0, 10)}`;
    const summary = await leased(
      c.req.query("profile"),
      (predictor) =>
        importCohort(store, user, { predictor, records }, { name, idColumn: c.req.query("id") }),
    );
    return c.json(summary, 201, { Location: `/v1/cohorts/${summary.cohort}` });
  });
  app.get("/v1/cohorts", async (c) => {
    await userOf(c);
    return c.json({ cohorts: await listCohorts(store) });
  });
  app.post("/v1/cohorts/:id/rescore", upload, async (c) => {
    const user = await adminOf(c);
    const cohort = cohortParam(c);
    const bytes = (await readUpload(c)).bytes;
    const records = bytes.length > 0 ? await csvTable(bytes) : undefined;
    const { profile } = await answer(() => getCohort(store, cohort));
    const summary = await leased(
      profile,
      (predictor) =>
        answer(() =>
          rescoreCohort(store, user, { cohort, predictor, records, idColumn: c.req.query("id") })
        ),
    );
    return c.json(summary);
  });
  app.delete("/v1/cohorts/:id", async (c) => {
    const user = await adminOf(c);
    const cohort = cohortParam(c);
    const students = await answer(() => deleteCohort(store, user, cohort));
    return c.json({ cohort, deleted_students: students });
  });

  app.get("/v1/caseload", async (c) => {
    const user = await userOf(c);
    const q = c.req.query();
    const cohort = intQuery(c, "cohort", 1, "a cohort id");
    if (cohort === undefined) {
      throw new HttpError(400, 'Invalid query "cohort": missing, expected a cohort id');
    }
    if (q.band !== undefined && !BANDS.includes(q.band)) {
      throw new HttpError(400, `Invalid query "band": expected one of ${BANDS.join(", ")}`);
    }
    if (q.sort !== undefined && q.sort !== "risk" && q.sort !== "change") {
      throw new HttpError(400, 'Invalid query "sort": expected risk or change');
    }
    const limitRows = intQuery(c, "limit", 1, "a positive integer");
    const students = await answer(() =>
      caseload(store, user, {
        cohort,
        band: q.band,
        sort: q.sort as "risk" | "change" | undefined,
        open: q.open === "1" || q.open === "true",
        limit: limitRows,
      })
    );
    return c.json({ cohort, adviser: user.role === "adviser" ? user.name : null, students });
  });
  app.get("/v1/cohorts/:id/students/:student", async (c) => {
    const user = await userOf(c);
    const record = await answer(() =>
      studentRecord(store, user, cohortParam(c), c.req.param("student"))
    );
    return c.json(record);
  });
  app.post("/v1/cohorts/:id/students/:student/actions", small, async (c) => {
    const user = await userOf(c);
    requireJsonType(c);
    const body = await readJson(c);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new HttpError(400, 'Invalid body: expected {"kind": …, "note": …}');
    }
    const { kind, note } = body as Record<string, unknown>;
    const action = await answer(() =>
      addAction(store, user, { cohort: cohortParam(c), student: c.req.param("student") }, {
        kind,
        note,
      })
    );
    return c.json(action, 201);
  });

  app.post("/v1/cohorts/:id/outcomes", upload, async (c) => {
    const user = await adminOf(c);
    const records = await csvTable((await readUpload(c)).bytes);
    const stored = await answer(() =>
      recordOutcomes(store, user, cohortParam(c), {
        records,
        idColumn: c.req.query("id"),
        outcomeColumn: deps.spec.target.column,
        positive: [String(deps.spec.target.positive)],
      })
    );
    return c.json(stored);
  });
  app.get("/v1/cohorts/:id/performance", async (c) => {
    await userOf(c);
    return c.json(await answer(() => performance(store, cohortParam(c))));
  });

  app.get("/v1/audit", async (c) => {
    const user = await adminOf(c);
    const format = c.req.query("format");
    if (format !== undefined && format !== "json" && format !== "csv") {
      throw new HttpError(400, 'Invalid query "format": expected json or csv');
    }
    const entries = await listAudit(store, {
      after: intQuery(c, "after", 0, "an audit entry id (0 or more)"),
      limit: intQuery(c, "limit", 1, "a positive integer"),
    });
    const csv = format === "csv" ||
      (format === undefined && (c.req.header("accept") ?? "").includes("text/csv"));
    if (!csv) return c.json({ entries });
    await appendAudit(store.db, store.now(), {
      actor: user.name,
      action: "audit.export",
      detail: `${entries.length} entries`,
    });
    return c.body(auditCsv(entries), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="audit.csv"',
    });
  });
  return app;
}
