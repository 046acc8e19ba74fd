/**
 * The documents' links, offline: every relative link and anchor in every Markdown file of the
 * repository resolves, and every document in docs/ (and SECURITY.md, RELIABILITY.md) is reached
 * from README.md. The checker itself is held to a broken fixture, so a pass means something.
 *
 * @module
 */
import assert from "node:assert/strict";
import { anchorsOf, brokenLinks, hrefsOf, markdownFiles, reachableFrom } from "./_links.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("Every relative link and #anchor in the repository's Markdown resolves", () => {
  const files = markdownFiles(ROOT);
  assert.ok(files.includes("README.md") && files.some((f) => f.startsWith("docs/")), "found docs");
  const broken = brokenLinks(ROOT, files);
  assert.deepEqual(
    broken,
    [],
    broken.map((b) => `${b.file}: (${b.href}) ${b.reason}`).join("\n"),
  );
});

Deno.test("Every document in docs/, SECURITY.md and RELIABILITY.md is reached from README.md", () => {
  const reached = reachableFrom(ROOT, "README.md");
  const required = [
    "SECURITY.md",
    "RELIABILITY.md",
    ...[...Deno.readDirSync(`${ROOT}docs`)]
      .filter((e) => e.isFile && e.name.endsWith(".md"))
      .map((e) => `docs/${e.name}`),
  ];
  assert.deepEqual(required.filter((f) => !reached.has(f)), [], "linked from no reached document");
});

Deno.test("The link checker finds missing files, missing anchors and unreached documents", async (t) => {
  const dir = `${await Deno.makeTempDir({ prefix: "links_test_" })}/`;
  try {
    await Deno.mkdir(`${dir}docs`);
    await Deno.writeTextFile(
      `${dir}README.md`,
      [
        "# Top",
        "See [a](docs/a.md#setup-steps), [gone](docs/gone.md), [bad](docs/a.md#nowhere),",
        "[self](#top), [site](https://example.org/x.md) and `[code](docs/not-a-link.md)`.",
        "",
        "| a | b |",
        "| - | - |",
        "| [in a table](docs/a.md#setup-steps-1) | [folder](docs) |",
      ].join("\n"),
    );
    await Deno.writeTextFile(`${dir}docs/a.md`, "# Setup steps\n\n## Setup steps\n");
    await Deno.writeTextFile(`${dir}docs/orphan.md`, "# Orphan\n[back](../README.md#top)\n");

    await t.step("headings get GitHub's anchors, repeats numbered", () => {
      assert.deepEqual(anchorsOf("# Setup steps\n## Setup steps\n## `deno task` & co. (v2)\n"), [
        "setup-steps",
        "setup-steps-1",
        "deno-task--co-v2",
      ]);
    });
    await t.step("links in tables count, code spans do not", () => {
      const hrefs = hrefsOf(Deno.readTextFileSync(`${dir}README.md`));
      assert.ok(hrefs.includes("docs/a.md#setup-steps-1"));
      assert.ok(!hrefs.includes("docs/not-a-link.md"));
    });
    await t.step("a missing file and a missing heading are reported, nothing else", () => {
      const broken = brokenLinks(dir, markdownFiles(dir));
      assert.deepEqual(broken.map((b) => [b.file, b.href]), [
        ["README.md", "docs/gone.md"],
        ["README.md", "docs/a.md#nowhere"],
      ]);
    });
    await t.step("a document linked from nowhere is not reached", () => {
      const reached = reachableFrom(dir, "README.md");
      assert.ok(reached.has("docs/a.md"));
      assert.ok(!reached.has("docs/orphan.md"));
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
