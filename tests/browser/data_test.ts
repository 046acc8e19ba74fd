/**
 * The page with another data set and with drifted data, in Chromium against the real server.
 *
 * - A second spec: `deno task spec`'s draft of the synthetic coded university table, a model
 *   trained on it, and the server started with `--spec`: no text of the Portuguese class (its
 *   outcome, leak, profiles, columns) appears in any view, and the spec's own words do.
 * - Drift: with the student data's models, a copy with Age + 3 and absences × 3 + 4 is charted
 *   in the model view's Data section, flagged in the batch summary, and warned about before a
 *   retrain on it. The copy is made in a temporary folder and never kept.
 *
 * Screenshots go to `tests/out/` (git-ignored).
 *
 * @module
 */
import assert from "node:assert/strict";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { inferSpec, loadDataset, parseSpec, Registry, trainProfile } from "../../pipeline/mod.ts";
import { DATA_PATH, ROOT, shiftedCsv, trainedRegistry } from "../../server/_testing.ts";
import { startServer } from "../server/_process.ts";

const TOKEN = "browser-data-token";
const OUT = `${ROOT}tests/out`;
const CODED = `${ROOT}pipeline/testdata/coded_university.csv`;

/** Texts about the Portuguese class that must not reach a page serving another spec. */
const PORTUGUESE = [
  "failing",
  "who fail",
  "failed the year",
  "passed the year",
  "end of the year",
  "Final_Grade",
  "Dropped_Out",
  "Grade_1",
  "Grade_2",
  "early-A",
  "early-B",
  "early-C",
  // The profile, not the random seed a model was trained with.
  "seed profile",
  "seed:",
  "Portuguese",
  "Cortez",
  "student_dropout",
  "old clients",
  "Number_of_Absences",
];

async function launch(): Promise<
  { context: BrowserContext; page: Page; problems: string[]; close(): Promise<void> }
> {
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    viewport: { width: 1280, height: 900 },
  });
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    const local = ["127.0.0.1", "localhost"].includes(url.hostname) ||
      ["data:", "blob:"].includes(url.protocol);
    return local ? route.continue() : route.abort("blockedbyclient");
  });
  const page = context.pages()[0] ?? await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** The text of every view, shown one after the other (the page hides the others). */
async function everyViewText(page: Page): Promise<string> {
  let text = "";
  for (const view of ["predict", "batch", "explore", "model"]) {
    await page.click(`nav a[data-view=${view}]`);
    if (view === "explore") await page.waitForSelector("#explore-chart svg.main-svg");
    if (view === "model") await page.waitForSelector("#active-model-id");
    text += "\n" + await page.locator("body").innerText();
  }
  // What is in the document but not shown: help texts, hidden warnings, the title.
  text += "\n" + await page.locator("html").evaluate((el) => el.textContent ?? "");
  return text;
}

Deno.test("a second spec's page shows its own words and none of the Portuguese class's", async () => {
  await Deno.mkdir(OUT, { recursive: true });
  const dir = await Deno.makeTempDir({ prefix: "second-spec-" });
  const draft = await inferSpec(CODED, {
    target: "target",
    positive: "Dropout",
    name: "coded_university",
  });
  const spec = parseSpec({
    ...draft,
    title: "Coded University (synthetic)",
    description: "A synthetic higher-education table with integer codes, made by the project",
    outcome: { event: "leaving without a degree", positive: "left", negative: "stayed" },
  });
  const specPath = `${dir}/coded_university.json`;
  await Deno.writeTextFile(specPath, JSON.stringify(spec, null, 2));
  const data = await loadDataset(CODED, spec);
  const trained = await trainProfile(data, spec, { profile: "all", seed: 3 });
  const registry = new Registry(`${dir}/models`);
  const saved = await registry.save(trained, { data, spec });
  trained.classifier.dispose();
  await registry.activate(saved.id);

  const server = await startServer(dir, { ADMIN_TOKEN: TOKEN }, [
    "--spec",
    specPath,
    "--data",
    CODED,
  ]);
  const browser = await launch();
  try {
    const { page } = browser;
    await page.goto(`${server.url}/`);
    await page.waitForSelector("body[data-ready]");
    assert.match(await page.textContent("#notice") ?? "", /the chance of leaving without a degree/);
    assert.match(
      await page.textContent("#dataset-note") ?? "",
      /^Coded University \(synthetic\): A synthetic/,
    );
    assert.match(
      await page.textContent("#profile-help") ?? "",
      /^all is the default: Every column/,
    );
    // Codes are choices, not "a whole number 33–9991".
    const courses = await page.$$eval(
      "#f-course option",
      (os) => os.map((o) => o.getAttribute("value")),
    );
    assert.deepEqual(courses.slice(0, 4), ["", "33", "171", "8014"]);
    assert.equal(await page.locator("#f-student_code").count(), 0, "an id is no field");
    await page.selectOption("#f-course", "9003");
    await page.click("#predict-form button[type=submit]");
    await page.waitForSelector(".result");
    assert.match(
      await page.textContent(".result .probability") ?? "",
      /chance of leaving without a degree/,
    );

    const text = await everyViewText(page);
    assert.match(
      text,
      /\d+ left\)/,
      "the model view counts the positive class in the spec's words",
    );
    const found = PORTUGUESE.filter((p) => text.includes(p));
    assert.deepEqual(found, [], `Portuguese texts on the page: ${found.join(", ")}`);
    await page.click("nav a[data-view=model]");
    await page.screenshot({ path: `${OUT}/page_second_spec.png`, fullPage: true });
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
    assert.equal(await server.stop(), 0);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("drifted data is charted in the Data section, flagged after a batch and before a retrain", async (t) => {
  await Deno.mkdir(OUT, { recursive: true });
  const { dir, ids } = await trainedRegistry(5);
  const shifted = `${dir}/shifted.csv`;
  await Deno.writeTextFile(shifted, await shiftedCsv());
  const server = await startServer(dir, { ADMIN_TOKEN: TOKEN, DROPOUT_DATA: DATA_PATH });
  const browser = await launch();
  try {
    const { page } = browser;
    await page.goto(`${server.url}/#model`);
    await page.waitForSelector("#active-model-id");

    await t.step(
      "the Data section charts PSI per input and names the two drifted ones",
      async () => {
        await page.setInputFiles("#drift-file", shifted);
        await page.click("#drift-form button[type=submit]");
        await page.waitForSelector("#drift-summary[data-drifted]");
        const drifted = (await page.getAttribute("#drift-summary", "data-drifted"))!.split(",")
          .sort();
        assert.deepEqual(drifted, ["Age", "Number_of_Absences"]);
        assert.match(
          await page.textContent("#drift-summary") ?? "",
          /^shifted\.csv: 2 of 32 inputs differ/,
        );
        await page.waitForSelector("#drift-chart svg.main-svg");
        assert.equal(await page.locator("#drift-chart .bars .point").count(), 32);
        assert.deepEqual(
          (await page.$$eval(
            "#drift-table tbody tr",
            (rows) => rows.map((r) => r.getAttribute("data-feature")),
          )).sort(),
          ["Age", "Number_of_Absences"],
        );
        assert.match(
          await page.textContent("#drift-table tbody tr") ?? "",
          /0\.0 % \(0\.0 %\)none$/,
        );
        await page.locator("#data-title").scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${OUT}/page_drift.png`, fullPage: true });
      },
    );

    await t.step("the batch summary warns when the scored rows drift", async () => {
      await page.click("nav a[data-view=batch]");
      await page.setInputFiles("#batch-file", shifted);
      await page.click("#batch-form button[type=submit]");
      await page.locator("#batch-drift").waitFor({ state: "visible", timeout: 30_000 });
      assert.match(await page.textContent("#batch-count") ?? "", /^Scored 649 rows/);
      assert.match(await page.textContent("#batch-drift") ?? "", /2 of 32 inputs differ .*Age/);
    });

    await t.step("the retrain form warns once before training on drifted data", async () => {
      await page.click("nav a[data-view=model]");
      await page.fill("#token", TOKEN);
      await page.click("#token-form button[type=submit]");
      // The token is checked with the server before it is kept, as an adviser sees: on a busy
      // machine a retrain started before the answer is (rightly) refused for want of a token.
      await page.locator("#token-state", { hasText: /server accepted the token/ }).waitFor();
      await page.setInputFiles("#train-file", shifted);
      await page.click("#train-form button[type=submit]");
      await page.locator("#train-drift").waitFor({ state: "visible" });
      assert.match(await page.textContent("#train-drift") ?? "", /Age.*train on it anyway/);
      const jobs = server.logs.filter((l) => l.includes("/v1/models/train"));
      assert.deepEqual(jobs, [], "no job was started");
      assert.equal(await page.textContent("#active-model-id"), ids[0]);
    });
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
    assert.equal(await server.stop(), 0);
  }
});
