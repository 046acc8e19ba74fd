/**
 * The research notebooks across modules: committed with cleared outputs,
 * executed headless by `deno task notebooks` (the runner users and CI run),
 * and their HTML export drawn by plotly.js in headless Chromium, offline.
 *
 * Needs Jupyter and the Deno kernel (`deno jupyter --install`) and Debian's
 * `chromium`. Models and the split manifest go to temporary folders.
 *
 * @module
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { formatNotebooks, NOTEBOOKS } from "../../notebooks/run_main.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const OUT = `${ROOT}notebooks/out`;
const SCREENSHOT = `${ROOT}tests/out/01_explore.png`;
/** What notebooks may import: the pipeline's one door, the display helper, assertions. */
const ALLOWED_IMPORTS = new Set([
  "../pipeline/mod.ts",
  "./_display.ts",
  "node:assert/strict",
  // 05's OULAD joins and per-day evaluation, notebook-only code beside it.
  "./oulad/mod.ts",
]);

interface Cell {
  cell_type: string;
  source: string[] | string;
  outputs?: { output_type: string; data?: Record<string, unknown>; text?: string[] }[];
  execution_count?: number | null;
  metadata?: { execution?: unknown };
}

async function readNotebook(
  path: string,
): Promise<{ cells: Cell[]; metadata: { kernelspec?: { name?: string } } }> {
  return JSON.parse(await Deno.readTextFile(path));
}

const text = (value: unknown) => (Array.isArray(value) ? value.join("") : String(value ?? ""));

Deno.test("Committed notebooks have cleared outputs, the Deno kernel and only the pipeline's door", async (t) => {
  for (const name of NOTEBOOKS) {
    await t.step(name, async () => {
      const notebook = await readNotebook(`${ROOT}notebooks/${name}.ipynb`);
      assert.equal(notebook.metadata.kernelspec?.name, "deno");
      for (const [i, cell] of notebook.cells.entries()) {
        if (cell.cell_type !== "code") continue;
        assert.deepEqual(
          cell.outputs,
          [],
          `cell ${i + 1} of ${name}.ipynb has outputs: clear them`,
        );
        assert.equal(cell.execution_count, null, `cell ${i + 1} of ${name}.ipynb has a count`);
        assert.equal(
          cell.metadata?.execution,
          undefined,
          `cell ${i + 1} of ${name}.ipynb has timings`,
        );
        for (const [, specifier] of text(cell.source).matchAll(/\bfrom\s+"([^"]+)"/g)) {
          assert.ok(ALLOWED_IMPORTS.has(specifier), `${name}.ipynb imports ${specifier}`);
        }
      }
      const last = notebook.cells.at(-1)!;
      assert.match(text(last.source), /showEnd\(\)/, `${name}.ipynb must end with showEnd()`);
    });
  }
});

// `deno fmt --check` misreports .ipynb files as unformatted with an empty diff (the formatter
// returns text even when nothing changed; denoland/deno#25840), so deno.json leaves the notebooks
// out of `deno fmt` and this test holds them to it instead: `deno fmt` writing a copy of each
// notebook, with the project's settings, must leave its bytes unchanged.
Deno.test("Committed notebooks are as deno fmt writes them", async (t) => {
  // formatNotebooks() (what `deno task notebooks --format` runs) on copies beside a copy of
  // deno.json: it must leave every byte as committed.
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/notebooks`);
    await Deno.copyFile(`${ROOT}deno.json`, `${dir}/deno.json`);
    for (const name of NOTEBOOKS) {
      await Deno.copyFile(`${ROOT}notebooks/${name}.ipynb`, `${dir}/notebooks/${name}.ipynb`);
    }
    await formatNotebooks(NOTEBOOKS, `${dir}/notebooks`);
    for (const name of NOTEBOOKS) {
      await t.step(name, async () => {
        assert.equal(
          await Deno.readTextFile(`${dir}/notebooks/${name}.ipynb`),
          await Deno.readTextFile(`${ROOT}notebooks/${name}.ipynb`),
          `${name}.ipynb is not formatted: run deno task notebooks --format`,
        );
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task notebooks executes the five notebooks and exports them to HTML", async () => {
  // Told nothing, the notebooks train into their own registry and leave the server's alone.
  const models = `${OUT}/models`;
  const served = `${ROOT}models/active.json`;
  const before = await Deno.readTextFile(served).catch(() => undefined);
  await Deno.remove(models, { recursive: true }).catch(() => {});
  const splits = await Deno.makeTempDir({ prefix: "notebook-splits-" });
  const env = Deno.env.toObject();
  delete env.MODELS_DIR;
  try {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      // No limit on a cell's time: the outcome must not depend on how busy the machine is.
      args: ["task", "notebooks", "--cell-timeout", "0"],
      cwd: ROOT,
      clearEnv: true,
      env: { ...env, SPLITS_DIR: splits, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const log = new TextDecoder().decode(stderr);
    if (code !== 0) {
      assert.fail(`deno task notebooks failed (exit code ${code}):\n${log.slice(-4000)}`);
    }

    for (const name of NOTEBOOKS) {
      const notebook = await readNotebook(`${OUT}/${name}.ipynb`);
      const code = notebook.cells.filter((c) => c.cell_type === "code");
      assert.ok(
        code.every((c) => typeof c.execution_count === "number"),
        `${name}: a cell did not run`,
      );
      const outputs = code.flatMap((c) => c.outputs ?? []);
      assert.equal(outputs.filter((o) => o.output_type === "error").length, 0, `${name}: an error`);
      assert.ok((await Deno.stat(`${OUT}/${name}.html`)).size > 0);
    }
    const explore = await Deno.readTextFile(`${OUT}/01_explore.html`);
    assert.match(
      explore,
      /The rate jumps from 100 % at Final_Grade = 9 to 0 % at Final_Grade = 10/,
    );

    // 02 wrote the manifest and 03 the models, into the temporary folders only.
    assert.ok((await Deno.stat(`${splits}/student_dropout-seed42.json`)).isFile);
    const active = JSON.parse(await Deno.readTextFile(`${models}/active.json`));
    assert.deepEqual(Object.keys(active).sort(), ["early-A", "early-B", "early-C", "seed"]);
    assert.equal(
      await Deno.readTextFile(served).catch(() => undefined),
      before,
      "deno task notebooks changed models/active.json, what the server serves",
    );

    const evaluate = await readNotebook(`${OUT}/04_evaluate.ipynb`);
    const tables = evaluate.cells.flatMap((c) => c.outputs ?? [])
      .map((o) => text(o.data?.["text/plain"]))
      .filter((t) => t.includes("PCC % (Cortez & Silva, best)"));
    assert.equal(tables.length, 1, "04_evaluate.ipynb shows the cross-validation table");
    for (const [profile, best] of [["early-A", "93.0"], ["early-B", "90.1"], ["early-C", "85.0"]]) {
      // The profile, its family, …, then PCC (mean ± interval) beside the paper's best.
      assert.match(
        tables[0],
        new RegExp(`${profile}\\s+\\w+\\s.*\\d+\\.\\d ± \\d+\\.\\d\\s+${best}`),
      );
    }

    // 05 wrote the day-60 table and its spec, naming the presentation as the cohort, and shows
    // the by-day table, random folds beside cohort-forward, for the five days.
    const day60 = JSON.parse(await Deno.readTextFile(`${OUT}/oulad_day60.json`));
    assert.equal(day60.cohort, "code_presentation");
    assert.ok(!day60.profiles[day60.default_profile].features.includes("code_presentation"));
    const header = (await Deno.readTextFile(`${OUT}/oulad_day60.csv`)).split("\n", 1)[0];
    assert.ok(header.startsWith("code_module,code_presentation,"));
    assert.ok(!header.includes("date_unregistration") && !header.includes("id_student"));
    const second = await readNotebook(`${OUT}/05_second_institution.ipynb`);
    const byDay = second.cells.flatMap((c) => c.outputs ?? [])
      .map((o) => text(o.data?.["text/plain"]))
      .filter((t) => t.includes("ROC-AUC, random folds") && t.includes("ROC-AUC, 2013 → 2014"));
    assert.equal(byDay.length, 1, "05_second_institution.ipynb shows the by-day table");
    for (const day of [0, 30, 60, 90, 120]) {
      assert.match(byDay[0], new RegExp(`^\\s*${day}\\s+\\d+\\s+\\d+(\\s+0\\.\\d{3}){6}`, "m"));
    }
  } finally {
    await Deno.remove(models, { recursive: true });
    await Deno.remove(splits, { recursive: true });
  }
});

Deno.test("01_explore.html draws every Plotly figure in headless Chromium, offline", async () => {
  const path = `${OUT}/01_explore.html`;
  const executed = await readNotebook(`${OUT}/01_explore.ipynb`).catch(() => {
    throw new Error(`${OUT}/01_explore.ipynb is missing: the notebook run above failed`);
  });
  const expected = executed.cells.flatMap((c) => c.outputs ?? [])
    .filter((o) => o.data?.["application/vnd.plotly.v1+json"]).length;
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    viewport: { width: 1280, height: 1000 },
  });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    // Offline: any request leaving the machine fails, so a figure can only come from the local copy.
    await page.route(/^https?:/, (route) => route.abort());
    await page.goto(`file://${path}`);
    // A string runs in the page; a function here would need the DOM library, whose types would
    // then leak into every module `deno test` checks together.
    await page.waitForFunction(
      `document.querySelectorAll(".plotly-figure svg.main-svg").length >= ${expected}`,
      undefined,
      { timeout: 60_000 },
    );
    const figures = await page.$$eval(".plotly-figure", (divs) =>
      divs.map((div) => {
        const svg = div.querySelector("svg.main-svg");
        const box = svg?.getBoundingClientRect();
        return {
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          marks: div.querySelectorAll(".trace, .point, .heatmaplayer image").length,
          title: div.querySelector(".gtitle")?.textContent ?? "",
        };
      }));
    assert.equal(figures.length, expected, "one drawn figure per Plotly output");
    for (const f of figures) {
      assert.ok(f.width > 300 && f.height > 200, `"${f.title}" is drawn ${f.width}×${f.height}`);
      assert.ok(f.marks > 0, `"${f.title}" has no bars, points or cells`);
    }
    assert.ok(figures.some((f) => f.title === "Final_Grade by Dropped_Out"));
    assert.deepEqual(errors, [], "no script errors on the page");

    await Deno.mkdir(`${ROOT}tests/out`, { recursive: true });
    const leak = page.locator(".plotly-figure", { hasText: "Final_Grade by Dropped_Out" });
    await leak.scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT });
  } finally {
    await context.close();
    await Deno.remove(profile, { recursive: true });
  }
});
