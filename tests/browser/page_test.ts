/**
 * The web page in a real browser: Debian's Chromium, driven by
 * `playwright-core`, against the real server process (started with the
 * compile task's flags on a free port, like `tests/server/`), with a
 * temporary registry of trained models and an admin token. Every request
 * leaving the machine is refused, so charts can only come from the local
 * plotly.js. Screenshots go to `tests/out/` (git-ignored).
 *
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { loadSpec } from "../../pipeline/mod.ts";
import { DATA_PATH, ROOT, SPEC_PATH, STUDENT, trainedRegistry } from "../../server/_testing.ts";
import { startServer } from "../server/_process.ts";

const TOKEN = "browser-test-token";
const OUT = `${ROOT}tests/out`;
/** Copies of the data set in the batch upload: about 19,500 rows, ten of the server's chunks. */
const COPIES = 30;
const spec = await loadSpec(SPEC_PATH);
const { dir, ids } = await trainedRegistry(30);

/** The batch upload: a student id column, the data set repeated, and one bad row. */
async function classList(): Promise<{ csv: string; rows: number; bad: number }> {
  const [header, ...lines] = (await Deno.readTextFile(DATA_PATH)).trim().split(/\r?\n/);
  const out = [`Student_ID,${header}`];
  for (let copy = 0; copy < COPIES; copy++) {
    for (const line of lines) out.push(`S${String(out.length).padStart(5, "0")},${line}`);
  }
  const bad = 10;
  const ageAt = header.split(",").indexOf("Age") + 1;
  const fields = out[bad].split(",");
  fields[ageAt] = "abc";
  out[bad] = fields.join(",");
  return { csv: out.join("\n") + "\n", rows: out.length - 1, bad };
}

/* In-page callbacks reach the window through their element (`el.ownerDocument.defaultView`), not
 * through `document`: this file is type-checked with Deno's types, not the DOM's, whose stream types
 * clash with the server's; written this way they check under either. */

/** Records in the page the texts an element shows over time. */
async function recordTexts(page: Page, selector: string): Promise<void> {
  await page.locator(selector).evaluate((el) => {
    const view = el.ownerDocument.defaultView!;
    const seen: string[] = [];
    (view as unknown as { seen: string[] }).seen = seen;
    new view.MutationObserver(() => seen.push(el.textContent ?? "")).observe(el, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
}

const recorded = (page: Page): Promise<string[]> =>
  page.evaluate(() => (globalThis as unknown as { seen: string[] }).seen);

/** How much wider than the window the page is. */
const overflow = (page: Page): Promise<number> =>
  page.locator("html").evaluate((html) =>
    html.scrollWidth - html.ownerDocument.defaultView!.innerWidth
  );

/** The id of the focused element. */
const focused = (page: Page) => page.locator(":focus").getAttribute("id");

/** Waits until the page is no wider than the window (charts redraw after a resize). */
async function fits(page: Page): Promise<boolean> {
  const deadline = Date.now() + 5_000;
  while (await overflow(page) > 0) {
    if (Date.now() > deadline) return false;
    await page.waitForTimeout(100);
  }
  return true;
}

Deno.test("the web page predicts, scores a CSV, draws charts and manages models in Chromium", async (t) => {
  await Deno.mkdir(OUT, { recursive: true });
  const server = await startServer(dir, { ADMIN_TOKEN: TOKEN, DROPOUT_DATA: DATA_PATH });
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    // Offline: only this machine answers; anything else (a CDN, fonts, telemetry) is refused and listed.
    const blocked: string[] = [];
    const requested: string[] = [];
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === "data:" || url.protocol === "blob:") return route.continue();
      if (url.hostname === "127.0.0.1" || url.hostname === "localhost") {
        requested.push(url.pathname);
        return route.continue();
      }
      blocked.push(url.href);
      return route.abort("blockedbyclient");
    });
    const page = context.pages()[0] ?? await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      // The 422 and 401 answers the tests provoke are logged by Chromium; anything else is a fault.
      if (message.type() === "error" && !/status of (422|401)/.test(message.text())) {
        problems.push(`console: ${message.text()}`);
      }
    });
    const { url } = server;
    await page.goto(`${url}/`);
    await page.waitForSelector("body[data-ready]");

    await t.step(
      "the page opens on early-A, marks seed as a leak and says a flag is no decision",
      async () => {
        assert.equal(await page.inputValue("#profile"), "early-A");
        const options = await page.$$eval("#profile option", (os) => os.map((o) => o.textContent));
        assert.equal(options[0], "early-A (default)");
        assert.ok(
          options.includes("seed: uses Final_Grade (a leak), not for early warning"),
          `${options}`,
        );
        assert.match(
          await page.textContent("#notice") ?? "",
          /a prompt for an adviser's conversation with the student, not a decision/,
        );
        await page.selectOption("#profile", "seed");
        assert.match(await page.textContent("#profile-warning") ?? "", /Final_Grade/);
        assert.match(await page.textContent("#f-Final_Grade-help") ?? "", /Leak/);
        assert.equal(await page.locator("#predict-fields .field").count(), 13);
        await page.selectOption("#profile", "early-A");
        assert.ok(await page.isHidden("#profile-warning"));
        assert.equal(await page.locator("#predict-fields .field").count(), 32);
      },
    );

    await t.step(
      "predict: the filled form shows probability, band, model and five reasons",
      async () => {
        assert.equal(await page.getAttribute("#f-Age", "min"), "15");
        assert.equal(await page.getAttribute("#f-Age", "max"), "22");
        assert.deepEqual(
          await page.$$eval("#f-Mother_Job option", (os) => os.map((o) => o.getAttribute("value"))),
          ["", "at_home", "health", "other", "services", "teacher"],
        );
        for (const [name, value] of Object.entries(STUDENT)) {
          const control = `#f-${name}`;
          const tag = await page.$eval(control, (el) => el.tagName);
          if (tag === "SELECT") await page.selectOption(control, String(value));
          else await page.fill(control, String(value));
        }
        await page.click("#predict-form button[type=submit]");
        await page.waitForSelector(".result");
        const expected = await (await fetch(`${url}/v1/predict?profile=early-A`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(STUDENT),
        })).json();
        const shown = Number(await page.getAttribute(".result .probability", "data-probability"));
        assert.ok(
          Math.abs(shown - expected.probability) < 1e-6,
          `${shown} vs ${expected.probability}`,
        );
        assert.match(await page.textContent(".result .probability") ?? "", /^\d+\.\d %/);
        assert.equal(await page.getAttribute(".result [data-band]", "data-band"), expected.band);
        assert.equal(await page.textContent(".result [data-model]"), ids[0]);
        assert.equal(await page.getAttribute("[data-imputed]", "data-imputed"), "");
        assert.equal(await page.locator("[data-ignored]").count(), 0, "every field was read");
        assert.ok(await page.locator("#predict-reads").isHidden(), "no note: every field is read");
        assert.match(await page.textContent(".result .facts") ?? "", /Threshold\d+\.\d %/);
        const reasons = await page.$$eval(".reasons li", (lis) => lis.map((li) => li.textContent));
        assert.equal(reasons.length, 5);
        for (const r of reasons) assert.match(r ?? "", /(raises|lowers) risk [+−]\d+\.\d pts$/);
        await page.screenshot({ path: `${OUT}/page_predict.png`, fullPage: true });

        await page.fill("#f-Grade_2", "");
        await page.click("#predict-form button[type=submit]");
        await page.waitForSelector("[data-imputed='Grade_2']");
      },
    );

    await t.step("predict: a value the server refuses is shown next to its field", async () => {
      await page.fill("#f-Grade_1", "25");
      await page.click("#predict-form button[type=submit]");
      await page.waitForSelector("#f-Grade_1-error:not([hidden])");
      assert.equal(
        await page.textContent("#f-Grade_1-error"),
        'Expected an integer 0–20; got "25"',
      );
      assert.equal(await page.getAttribute("#f-Grade_1", "aria-invalid"), "true");
      assert.equal(await focused(page), "predict-summary");
      assert.equal(await page.locator(".result").count(), 0);
      await page.fill("#f-Grade_1", "10");
      await page.click("#predict-form button[type=submit]");
      await page.waitForSelector(".result");
      assert.ok(await page.isHidden("#f-Grade_1-error"));
    });

    await t.step(
      "batch: a CSV streams back scored, by risk, filtered, with row errors, and downloads",
      async () => {
        const { csv, rows, bad } = await classList();
        await page.click("nav a[data-view=batch]");
        await page.setInputFiles("#batch-file", {
          name: "class.csv",
          mimeType: "text/csv",
          buffer: Buffer.from(csv),
        });
        await recordTexts(page, "#batch-count");
        await page.click("#batch-form button[type=submit]");
        await page.locator("#batch-count", { hasText: /^Scored .*rows:/ }).waitFor({
          timeout: 30_000,
        });
        const total = (rows - 1).toLocaleString("en");
        assert.match(
          await page.textContent("#batch-count") ?? "",
          new RegExp(
            `^Scored ${total} rows: [\\d,]+ high, [\\d,]+ medium, [\\d,]+ low; 1 could not be scored$`,
          ),
        );
        // Progress was shown while the answer was still streaming in.
        const partial = (await recorded(page)).map((s) =>
          /^Scored ([\d,]+) of about ([\d,]+) rows$/.exec(s)
        )
          .filter((m) => m !== null)
          .map((m) => Number(m[1].replaceAll(",", "")));
        assert.ok(partial.some((n) => n > 0 && n < rows - 1), `progress seen: ${partial}`);
        assert.equal(
          await page.locator("#batch-progress").evaluate((p) =>
            (p as unknown as { position: number }).position
          ),
          1,
        );

        const probabilities = await page.$$eval(
          "#batch-table tbody tr",
          (trs) => trs.map((tr) => Number(tr.getAttribute("data-probability"))),
        );
        assert.equal(probabilities.length, 500);
        assert.ok(
          probabilities.every((p, i) => i === 0 || p <= probabilities[i - 1]),
          "highest risk first",
        );
        assert.match(
          await page.textContent("#batch-shown") ?? "",
          new RegExp(`500 highest risks of ${total} rows`),
        );
        assert.equal(await page.textContent("#batch-table thead th:nth-child(2)"), "Student ID");
        assert.match(
          await page.textContent("#batch-errors li") ?? "",
          new RegExp(`^Row ${bad}, column "Age": "abc"`),
        );
        for (const band of ["high", "low"]) {
          await page.selectOption("#batch-band", band);
          const bands = await page.$$eval(
            "#batch-table tbody tr",
            (trs) => trs.map((tr) => tr.getAttribute("data-band")),
          );
          assert.ok(
            bands.length > 0 && bands.every((b) => b === band),
            `${band}: ${bands.slice(0, 5)}`,
          );
        }
        await page.selectOption("#batch-band", "");
        await page.screenshot({ path: `${OUT}/page_batch.png` });

        const [download] = await Promise.all([
          page.waitForEvent("download"),
          page.click("#batch-download"),
        ]);
        assert.equal(download.suggestedFilename(), "class-scored.csv");
        const text = await Deno.readTextFile(await download.path());
        const direct = await (await fetch(`${url}/v1/predict/batch?profile=early-A&imputed=names`, {
          method: "POST",
          headers: { "content-type": "text/csv", accept: "text/csv" },
          body: csv,
        })).text();
        assert.equal(text, direct, "the download is the server's scored CSV");
        const lines = text.trim().split("\n");
        assert.equal(
          lines[0],
          "row,Student_ID,probability,at_risk,band,imputed,warning,baseline,reason_1,reason_2,reason_3,error",
        );
        assert.equal(lines.length, rows + 1);
        assert.match(lines[bad], new RegExp(`^${bad},S\\d+,{10}"Row ${bad}, column ""Age""`));
      },
    );

    await t.step(
      "explore: picking a feature draws its chart with the local plotly.js",
      async () => {
        await page.click("nav a[data-view=explore]");
        await page.selectOption("#explore-feature", "Age");
        await page.locator("#explore-chart .gtitle", { hasText: "Age by Dropped_Out" }).waitFor({
          timeout: 30_000,
        });
        assert.ok(await page.locator("#explore-chart svg.main-svg").count() > 0);
        assert.ok(await page.locator("#explore-chart .trace.bars .point").count() >= 8);
        assert.match(await page.textContent("#explore-interpretation") ?? "", /with Age = \d+/);
        assert.ok(requested.includes("/vendor/plotly.js"));
        const plotly = await fetch(`${url}/vendor/plotly.js`, {
          headers: { "accept-encoding": "gzip" },
        });
        assert.equal(plotly.headers.get("content-encoding"), "gzip");
        assert.match((await plotly.text()).slice(0, 2000), /plotly\.js v3\.7\.0/);
        await page.screenshot({ path: `${OUT}/page_explore.png`, fullPage: true });
      },
    );

    await t.step(
      "model: metrics with 95 % intervals, ROC curve, confusion matrix and fairness",
      async () => {
        await page.click("nav a[data-view=model]");
        await page.waitForSelector("#roc-chart svg.main-svg");
        assert.equal(await page.textContent("#active-model-id"), ids[0]);
        const ev = await (await fetch(`${url}/v1/models/${ids[0]}/evaluation`)).json();
        const auc = ev.metrics.test.roc_auc.toFixed(3);
        assert.match(
          await page.textContent("#metrics-table [data-metric=roc_auc]") ?? "",
          new RegExp(`^ROC-AUC${auc}\\d\\.\\d{3} – \\d\\.\\d{3}$`),
        );
        const cells = await page.$$eval(
          "#confusion-table td.num",
          (tds) => tds.map((td) => Number(td.textContent)),
        );
        assert.deepEqual(cells, ev.confusion_matrix.matrix.flat());
        assert.ok(await page.locator("#roc-chart .scatterlayer .trace").count() >= 2);
        assert.equal(await page.locator("table.fairness[data-column=Gender] tbody tr").count(), 2);
      },
    );

    await t.step(
      "model: with the token, a retrain shows progress and activates; rollback restores",
      async () => {
        // A wrong token is checked with the server when it is typed, refused and not kept.
        await page.fill("#token", `${TOKEN}-wrong`);
        await page.click("#token-form button[type=submit]");
        await page.locator("#token-state.error", { hasText: /server refused this token/ })
          .waitFor();
        assert.equal(await page.evaluate(() => sessionStorage.length), 0);
        await page.fill("#token", TOKEN);
        await page.click("#token-form button[type=submit]");
        await page.locator("#token-state:not(.error)", { hasText: /server accepted the token/ })
          .waitFor();
        assert.deepEqual(
          [
            ...await page.evaluate(() => [sessionStorage.length, localStorage.length]),
            await page.inputValue("#token"),
          ],
          [1, 0, ""],
        );
        await page.setInputFiles("#train-file", DATA_PATH);
        await page.fill("#train-epochs", "20");
        await page.check("#train-force");
        await recordTexts(page, "#train-text");
        await page.click("#train-form button[type=submit]");
        // Any end: done, trained but refused, or failed (with the server's log if so); not the
        // "Trained: checking the quality gate…" shown while the gate runs.
        await page.locator("#train-text", { hasText: /^(Done:|Trained \S+, but|Training failed)/ })
          .waitFor({ timeout: 90_000 });
        const ended = await page.textContent("#train-text") ?? "";
        const fresh = /^Done: (\S+) is trained and active\.$/.exec(ended)?.[1];
        assert.ok(
          fresh && fresh !== ids[0],
          `${ended} ${await page.textContent("#train-error")}\n${
            server.logs.slice(-10).join("\n")
          }`,
        );
        const seen = await recorded(page);
        assert.ok(seen.some((s) => /^Uploading /.test(s)), `${seen}`);
        // A network counts its epochs; the other families train without them.
        const family = (spec.profiles["early-A"].model as { family?: string } | undefined)?.family;
        const progress = family === "mlp" ? /^Training: epoch \d+ of at most 20/ : /^Training…$/;
        assert.ok(seen.some((s) => progress.test(s)), `${seen}`);
        if (family !== "mlp") assert.ok(!seen.some((s) => /epoch/.test(s)), `${seen}`);
        await page.locator("#active-model-id", { hasText: fresh }).waitFor();
        assert.equal(
          await page.textContent(`#versions-table tr[data-model="${fresh}"] .status`),
          "Active",
        );
        assert.equal(await page.locator("#versions-table tbody tr").count(), 2);
        // The page says which inputs the model reads, as its metadata records them.
        const meta = await (await fetch(`${url}/v1/models/${fresh}`)).json();
        const reads = await page.textContent("#active-model-reads") ?? "";
        if (meta.selection) {
          assert.match(reads, new RegExp(`\\(${meta.selection.read.length} of 32 inputs, `));
        } else assert.equal(reads, "all 32 inputs of the profile");
        await page.screenshot({ path: `${OUT}/page_model.png`, fullPage: true });

        // Without the token the server refuses, and the page says so beside the list.
        await page.click("#token-forget");
        await page.click(`#versions-table button[data-activate="${ids[0]}"]`);
        await page.locator("#versions-error", { hasText: /admin token was refused/ }).waitFor();
        assert.equal(await page.evaluate(() => sessionStorage.length), 0);
        await page.fill("#token", TOKEN);
        await page.click("#token-form button[type=submit]");
        await page.locator("#token-state", { hasText: /server accepted the token/ }).waitFor();
        await page.click(`#versions-table button[data-activate="${ids[0]}"]`);
        await page.locator("#active-model-id", { hasText: ids[0] }).waitFor();
        assert.equal(
          await page.textContent(`#versions-table tr[data-model="${ids[0]}"] .status`),
          "Active",
        );
        assert.equal(
          await page.textContent("#active-model-reads"),
          "all 32 inputs of the profile",
          "the test's own model reads every field",
        );
        assert.equal(
          await page.locator(`#versions-table button[data-activate="${fresh}"]`).count(),
          1,
        );
        assert.equal((await (await fetch(`${url}/v1/models`)).json()).active["early-A"], ids[0]);
      },
    );

    await t.step(
      "keyboard: every control is labelled, views switch by keys, focus is visible",
      async () => {
        const unlabelled = await page.$$eval(
          "input, select, textarea",
          (els) =>
            els.filter((el) =>
              (el as unknown as { labels: unknown[] }).labels.length === 0 &&
              !el.getAttribute("aria-label")
            )
              .map((el) => el.id),
        );
        assert.deepEqual(unlabelled, []);
        await page.focus("nav a[data-view=predict]");
        await page.keyboard.press("Tab");
        assert.equal(await page.locator(":focus").textContent(), "Batch");
        const outline = await page.locator(":focus").evaluate((el) =>
          el.ownerDocument.defaultView!.getComputedStyle(el).outlineStyle
        );
        assert.notEqual(outline, "none", "the focused link shows an outline");
        await page.keyboard.press("Enter");
        await page.locator("#batch-title:focus").waitFor();
        assert.ok(await page.isVisible("#view-batch") && await page.isHidden("#view-predict"));
      },
    );

    await t.step("at phone width (390 px) no view overflows sideways", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      for (const view of ["predict", "batch", "explore", "model"]) {
        await page.click(`nav a[data-view=${view}]`);
        if (view === "explore") await page.waitForSelector("#explore-chart svg.main-svg");
        if (view === "model") await page.waitForSelector("#roc-chart svg.main-svg");
        assert.ok(await fits(page), `${view} is ${await overflow(page)} px too wide`);
        if (view === "predict") {
          await page.screenshot({ path: `${OUT}/page_phone.png` });
          await page.click("#predict-form button[type=submit]");
          await page.waitForSelector(".result");
          await page.locator(".result").scrollIntoViewIfNeeded();
          await page.screenshot({ path: `${OUT}/page_phone_result.png` });
          assert.ok(await fits(page), `the result is ${await overflow(page)} px too wide`);
        }
        if (view === "model") {
          await page.screenshot({ path: `${OUT}/page_phone_model.png`, fullPage: true });
        }
      }
    });

    assert.deepEqual(blocked, [], "no request left the machine");
    assert.deepEqual(problems, [], "no script errors");
  } finally {
    await context?.close();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
    const code = await server.stop();
    assert.equal(code, 0);
  }
});
