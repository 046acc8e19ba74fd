/**
 * The Caseload view in Chromium against the real server process (SQLite store under its working
 * folder): an adviser signs in with their token, sees only their students ranked with reasons and
 * change arrows, filters by band and "no action yet", opens a student's panel with history,
 * reasons and actions, records an action that closes the flag, and the view fits 390 px.
 * Screenshots at 1280 and 390 px go to `tests/out/` (git-ignored).
 *
 * @module
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { DATA_PATH, ROOT, trainedRegistry } from "../../server/_testing.ts";
import { cohortRecords } from "../../server/caseload/_testing.ts";
import { addUser, openStore } from "../../server/caseload/mod.ts";
import { startServer } from "../server/_process.ts";

const TOKEN = "browser-caseload-token";
const OUT = `${ROOT}tests/out`;
const { dir } = await trainedRegistry(20);
const { records } = await cohortRecords();

/** Waits until a check passes (at most 10 s). */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("Timed out waiting for the page");
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test({
  name:
    "the Caseload view ranks an adviser's students, filters, opens a student and records an action",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    await Deno.mkdir(OUT, { recursive: true });
    const store = await openStore({ file: `${dir}/data/caseload/caseload.db` });
    const alice = await addUser(store, { name: "alice", role: "adviser" });
    await addUser(store, { name: "bob", role: "adviser" });
    await store.close();
    const server = await startServer(dir, {
      ADMIN_TOKEN: TOKEN,
      DROPOUT_DATA: DATA_PATH,
      CASELOAD_DB: "data/caseload/caseload.db",
    });
    const header = Object.keys(records[0]);
    const csv = [header.join(","), ...records.map((r) => header.map((h) => r[h]).join(","))]
      .join("\n");
    const imported = await fetch(`${server.url}/v1/cohorts?profile=early-A&name=Autumn%202026`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/csv" },
      body: csv,
    });
    const { cohort } = await imported.json();
    assert.equal(imported.status, 201);
    // A second scoring with the second-period grade changed for some students: arrows up and down.
    const changed: Record<string, unknown>[] = records.slice(0, 80).map((r, i) => ({
      ...r,
      Grade_2: i % 4 === 0 ? 4 : Math.min(19, Number(r.Grade_2) + 3),
    }));
    const rescored = await fetch(`${server.url}/v1/cohorts/${cohort}/rescore`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/csv" },
      body: [header.join(","), ...changed.map((r) => header.map((h) => r[h]).join(","))].join("\n"),
    });
    assert.equal(rescored.status, 200, await rescored.text());
    const profile = await Deno.makeTempDir({ prefix: "chromium-caseload-" });
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      viewport: { width: 1280, height: 900 },
    });
    try {
      await context.route("**/*", (route) => {
        const host = new URL(route.request().url()).hostname;
        return host === "127.0.0.1" ? route.continue() : route.abort("blockedbyclient");
      });
      const page = context.pages()[0] ?? await context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(e.message));
      await page.goto(`${server.url}/#caseload`);
      await page.waitForSelector("body[data-ready]");

      await t.step("a wrong token is refused in words", async () => {
        await page.fill("#caseload-token", "nope");
        await page.click("#caseload-token-form button");
        await page.waitForSelector("#caseload-error:not([hidden])");
        assert.match(await page.textContent("#caseload-error") ?? "", /token was refused/);
      });

      await t.step("the adviser sees only their students, ranked, with reasons", async () => {
        await page.fill("#caseload-token", alice);
        await page.click("#caseload-token-form button");
        await page.waitForSelector(".caseload-row");
        const rows = await page.$$eval(
          ".caseload-row",
          (els) => els.map((e) => e.getAttribute("data-student")),
        );
        assert.equal(rows.length, 325);
        // Alice has the odd rows of the file: s001, s003, …
        assert.ok(rows.every((id) => Number(id!.slice(1)) % 2 === 1));
        assert.match(
          await page.textContent("#caseload-status") ?? "",
          /325 students assigned to alice/,
        );
        assert.match(await page.textContent(".caseload-reasons") ?? "", /raises|lowers/);
        assert.ok(await page.locator(".caseload-row .change").first().isVisible());
        await page.selectOption("#caseload-sort", "change");
        await until(async () => /▲/.test(await page.textContent(".caseload-row .change") ?? ""));
        assert.ok(await page.locator(".caseload-row .change.down").count() > 0);
        await page.screenshot({ path: `${OUT}/caseload-1280.png` });
      });

      await t.step("filters: band and no action yet", async () => {
        await page.selectOption("#caseload-sort", "risk");
        await page.selectOption("#caseload-band", "high");
        await until(async () =>
          (await page.$$eval(
            ".caseload-row .band",
            (els) => els.map((e) => e.getAttribute("data-band")),
          ))
            .every((b) => b === "high")
        );
        await page.selectOption("#caseload-band", "");
        await page.check("#caseload-open");
        await until(async () =>
          (await page.$$eval(
            ".caseload-row",
            (els) => els.map((e) => e.querySelector(".flag") !== null),
          ))
            .every(Boolean)
        );
      });

      let opened = "";
      await t.step("a student's panel shows history, reasons and records an action", async () => {
        opened = (await page.getAttribute(".caseload-row", "data-student"))!;
        await page.click(".caseload-row .caseload-open");
        await page.waitForSelector("#caseload-panel:not([hidden]) #caseload-action-form");
        const text = await page.textContent("#caseload-panel") ?? "";
        assert.match(text, new RegExp(`Student ${opened}`));
        assert.match(text, /History/);
        assert.match(text, /No action yet/);
        await page.selectOption("#caseload-kind", "meeting");
        await page.fill("#caseload-note", "Met after class");
        await page.click("#caseload-action-form button");
        await until(async () =>
          /Met after class/.test(await page.textContent("#caseload-panel") ?? "")
        );
        const still = await page.$$eval(
          ".caseload-row",
          (els) => els.map((e) => e.getAttribute("data-student")),
        );
        assert.ok(!still.includes(opened), "the flag closed: the student left the no-action list");
        await page.screenshot({ path: `${OUT}/caseload-panel-1280.png`, fullPage: false });
      });

      await t.step("at 390 px nothing overflows sideways", async () => {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.uncheck("#caseload-open");
        await page.waitForSelector(".caseload-row");
        const overflow = await page.locator("html").evaluate((el) => el.scrollWidth);
        assert.ok(overflow <= 390, `page is ${overflow} px wide`);
        await page.screenshot({ path: `${OUT}/caseload-390.png` });
      });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      await server.stop();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    }
  },
});
