/**
 * The class list an adviser acts on, in Chromium against the real server: a class of 50 with its
 * reasons, a row's full explanation on one scale, the download with its reason columns and cells a
 * spreadsheet cannot run, at 1280 and at 390 px with no column cut; the profile list offers only
 * profiles with a model; an empty form gives one message. Screenshots go to `tests/out/`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { DATA_PATH, ROOT, trainedRegistry } from "../../server/_testing.ts";
import { startServer } from "../server/_process.ts";

const OUT = `${ROOT}tests/out`;
const { dir } = await trainedRegistry(30);

/** A class of 50: a student id (the first one a formula), the data set's first 50 rows. */
async function classOf50(): Promise<string> {
  const [header, ...lines] = (await Deno.readTextFile(DATA_PATH)).trim().split(/\r?\n/);
  const out = [`Student_ID,${header}`];
  lines.slice(0, 50).forEach((line, i) => {
    out.push(`${i === 0 ? '"=HYPERLINK(""http://x"")"' : `S${i + 1}`},${line}`);
  });
  return out.join("\n") + "\n";
}

const overflow = (page: Page): Promise<number> =>
  page.locator("html").evaluate((html) =>
    html.scrollWidth - html.ownerDocument.defaultView!.innerWidth
  );

/** Scrolls an element to the top of the window, for a screenshot that starts with it. */
async function top(page: Page, selector: string): Promise<void> {
  await page.locator(selector).first().evaluate((el) => el.scrollIntoView({ block: "start" }));
}

/** Each bar's drawn width per percentage point: one value when the bars share one scale. */
function scales(page: Page, selector: string): Promise<number[]> {
  return page.$$eval(selector, (lis) =>
    lis.map((li) => {
      const fill = li.querySelector(".bar span") as unknown as { getBoundingClientRect(): DOMRect };
      const text = li.querySelector(".effect")?.textContent ?? "";
      const pts = Number(/([\d.]+) pts/.exec(text)?.[1] ?? NaN);
      return fill.getBoundingClientRect().width / pts;
    }));
}

Deno.test("the class list shows reasons, explains a row in full and downloads them, at 1280 and 390 px", async (t) => {
  await Deno.mkdir(OUT, { recursive: true });
  const server = await startServer(dir, { DROPOUT_DATA: DATA_PATH });
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
    const page = context.pages()[0] ?? await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${server.url}/`);
    await page.waitForSelector("body[data-ready]");

    await t.step("only profiles with an active model are offered, the others named", async () => {
      const options = await page.$$eval("#profile option", (os) => os.map((o) => o.value));
      assert.deepEqual(options.sort(), ["early-A", "seed"]);
      assert.match(
        await page.textContent("#profile-help") ?? "",
        /No model is trained yet for early-B, early-C, so they are not offered: an operator can train one with deno task train --profile P/,
      );
    });

    await t.step("an empty form gives one message", async () => {
      await page.click("#predict-form button[type=submit]");
      await page.waitForSelector("#predict-summary:not([hidden])");
      assert.equal(
        await page.textContent("#predict-summary"),
        "Enter at least one field to get an estimate.",
      );
      assert.equal(await page.locator(".field .error:not([hidden])").count(), 0);
    });

    const csv = await classOf50();
    await t.step("the list shows each student's three reasons", async () => {
      await page.click("nav a[data-view=batch]");
      await page.setInputFiles("#batch-file", {
        name: "class.csv",
        mimeType: "text/csv",
        buffer: Buffer.from(csv),
      });
      await page.click("#batch-form button[type=submit]");
      await page.locator("#batch-count", { hasText: /^Scored 50 rows:/ }).waitFor();
      const rows = page.locator("#batch-table tbody tr");
      assert.equal(await rows.count(), 50);
      const reasons = await page.$$eval(
        "#batch-table tbody tr",
        (trs) =>
          trs.map((tr) => [...tr.querySelectorAll(".reason-texts li")].map((li) => li.textContent)),
      );
      for (const list of reasons) {
        assert.equal(list.length, 3);
        for (const r of list) assert.match(r ?? "", /^[\w ]+ = \S+ (raises|lowers) risk [+−<]/);
        assert.ok(list.every((r) => !r?.includes("not given")));
      }
      const shown = await page.$$eval(
        "#batch-table tbody td:nth-child(3)",
        (tds) => tds.map((td) => td.textContent),
      );
      assert.ok(shown.every((p) => p !== "0.0 %"), "no false certainty");
      await top(page, "#batch-shown");
      await page.screenshot({ path: `${OUT}/class_list_1280.png` });
    });

    await t.step(
      "a row expands to every input's part, on one scale, with the baseline",
      async () => {
        await page.click("#batch-table tbody tr:first-child button.why");
        const explanation = page.locator("#batch-table .explain-row .explanation");
        await explanation.waitFor();
        assert.match(
          await explanation.locator("p.help").first().textContent() ?? "",
          /against the model's baseline student, estimated at .*; the training rate of failing the year was 15\.\d %/,
        );
        const bars = await explanation.locator(".reasons li").count();
        assert.ok(bars >= 20, `${bars} inputs explained`);
        const perPoint = (await scales(page, "#batch-table .explain-row .reasons li"))
          .filter((x) => Number.isFinite(x) && x > 0);
        // Bars under 2 % of the largest are drawn at a 2 % minimum; the rest share one scale.
        const big = perPoint.slice(0, 5);
        assert.ok(
          Math.max(...big) / Math.min(...big) < 1.05,
          `one scale: ${big.map((x) => x.toFixed(2))}`,
        );
        await explanation.scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${OUT}/class_list_explained_1280.png` });
      },
    );

    await t.step(
      "the download keeps the reasons, with cells a spreadsheet cannot run",
      async () => {
        const [download] = await Promise.all([
          page.waitForEvent("download"),
          page.click("#batch-download"),
        ]);
        const lines = (await Deno.readTextFile(await download.path())).trim().split("\n");
        assert.equal(
          lines[0],
          "row,Student_ID,probability,at_risk,band,imputed,warning,baseline,reason_1,reason_2,reason_3,error",
        );
        assert.equal(lines.length, 51);
        assert.match(lines[1], /^1,"'=HYPERLINK\(""http:\/\/x""\)",0\.\d{6},/);
        assert.ok(lines.slice(1).every((l) => / (raises|lowers) risk /.test(l)));
      },
    );

    await t.step("at 390 px every student is a card and no column is cut", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(200);
      assert.equal(await overflow(page), 0, "the page is no wider than the phone");
      const cut = await page.$$eval(
        "#batch-table tbody tr:not(.explain-row) td",
        (tds) =>
          tds.filter((td) => {
            const r = (td as unknown as { getBoundingClientRect(): DOMRect })
              .getBoundingClientRect();
            return r.right > 391 || r.width === 0;
          }).length,
      );
      assert.equal(cut, 0, "every cell within the window");
      await top(page, "#batch-table tbody tr:nth-child(3)");
      await page.screenshot({ path: `${OUT}/class_list_390.png` });
      await top(page, "#batch-table .explain-row");
      await page.screenshot({ path: `${OUT}/class_list_explained_390.png` });
      const perPoint = (await scales(page, "#batch-table .explain-row .reasons li")).slice(0, 5);
      assert.ok(Math.max(...perPoint) / Math.min(...perPoint) < 1.05, "one scale at 390 px too");
    });

    assert.deepEqual(problems, []);
  } finally {
    await context?.close();
    await server.stop();
    await Deno.remove(profile, { recursive: true });
  }
});
