/**
 * Checks the links between the project's Markdown documents, offline: every relative link names a
 * file or folder that exists, every `#anchor` names a heading of its target, and every document
 * that must be found (docs/, SECURITY.md, RELIABILITY.md) can be reached from README.md by
 * following links.
 *
 * Markdown is read with `marked`'s lexer, not regular expressions: links sit in tables, lists,
 * reference definitions and inline code spans (where they are not links at all), and a heading's
 * anchor is made from its rendered text (code spans, emphasis and escapes unwrapped), which only a
 * real parser gives. Anchors follow GitHub's rules through `github-slugger`, the slugger GitHub's
 * own renderer is modelled on (lowercase, punctuation dropped, spaces to `-`, a repeated heading
 * `-1`, `-2`, …), so a link that passes here lands on GitHub too.
 *
 * @module
 */
import { Marked, type Token, type Tokens } from "marked";
import GithubSlugger from "github-slugger";

/** Folders never searched for documents: tools' caches, outputs and git-ignored state. */
export const SKIPPED_FOLDERS: readonly string[] = [
  "node_modules",
  "dist",
  "models",
  "notebooks/out",
  "bench/results",
  "data/splits",
  "data/uploads",
  "data/caseload",
  "tests/out",
];

/** One link that does not resolve. */
export interface BrokenLink {
  /** The document holding the link, relative to the root. */
  file: string;
  /** The link's destination as written. */
  href: string;
  /** Why it does not resolve. */
  reason: string;
}

const lexer = new Marked();

function plainText(tokens: Token[] | undefined): string {
  let out = "";
  for (const token of tokens ?? []) {
    if (token.type === "html") continue; // GitHub drops tags from the anchor
    const children = (token as { tokens?: Token[] }).tokens;
    out += children ? plainText(children) : (token as { text?: string }).text ?? "";
  }
  return out;
}

function tokensOf(markdown: string): Token[] {
  return lexer.lexer(markdown);
}

/**
 * The anchors GitHub gives a document's headings, in order, repeats numbered.
 *
 * @param markdown The document's text.
 * @returns Every heading's anchor, without the `#`.
 */
export function anchorsOf(markdown: string): string[] {
  const slugger = new GithubSlugger();
  const anchors: string[] = [];
  lexer.walkTokens(tokensOf(markdown), (token) => {
    if (token.type === "heading") {
      anchors.push(slugger.slug(plainText((token as Tokens.Heading).tokens)));
    }
  });
  return anchors;
}

/**
 * Every link and image destination in a document, as written (reference links resolved).
 *
 * @param markdown The document's text.
 * @returns The destinations, in order.
 */
export function hrefsOf(markdown: string): string[] {
  const hrefs: string[] = [];
  lexer.walkTokens(tokensOf(markdown), (token) => {
    if (token.type === "link" || token.type === "image") {
      hrefs.push((token as Tokens.Link).href);
    }
  });
  return hrefs;
}

/**
 * Whether a destination points inside the repository (no scheme, not protocol-relative).
 *
 * @param href A link's destination.
 * @returns True for `docs/x.md`, `#part`, `../y.md#z`; false for `https://…`, `mailto:…`.
 */
export function isRelative(href: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith("//");
}

/**
 * The Markdown documents under a root, skipping dot-folders and {@link SKIPPED_FOLDERS}.
 *
 * @param root The repository's root folder (ending in `/`).
 * @param options `skip`: folders to skip, relative to the root.
 * @returns Their paths relative to the root, sorted.
 */
export function markdownFiles(
  root: string,
  options: { skip?: readonly string[] } = {},
): string[] {
  const skip = new Set(options.skip ?? SKIPPED_FOLDERS);
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(`${root}${dir}`)];
    } catch (error) {
      // A folder another test (run in parallel) made and removed meanwhile holds no document.
      if (dir !== "" && error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const entry of entries) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory) {
        if (!entry.name.startsWith(".") && !skip.has(path)) walk(path);
      } else if (entry.isFile && entry.name.endsWith(".md")) {
        found.push(path);
      }
    }
  };
  walk("");
  return found.sort();
}

function resolve(from: string, target: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The relative links of the given documents that name a missing file or heading.
 *
 * @param root The repository's root folder (ending in `/`).
 * @param files The documents to check, relative to the root.
 * @returns One entry per broken link; empty when all resolve.
 */
export function brokenLinks(root: string, files: readonly string[]): BrokenLink[] {
  const anchors = new Map<string, Set<string>>();
  const anchorsIn = (path: string) => {
    if (!anchors.has(path)) {
      anchors.set(path, new Set(anchorsOf(Deno.readTextFileSync(root + path))));
    }
    return anchors.get(path)!;
  };
  const broken: BrokenLink[] = [];
  for (const file of files) {
    for (const href of hrefsOf(Deno.readTextFileSync(root + file))) {
      if (!isRelative(href)) continue;
      const hash = href.indexOf("#");
      const pathPart = decodeURIComponent(hash < 0 ? href : href.slice(0, hash));
      const anchor = hash < 0 ? "" : decodeURIComponent(href.slice(hash + 1));
      if (pathPart.startsWith("/")) {
        broken.push({ file, href, reason: "absolute paths break outside GitHub; link relatively" });
        continue;
      }
      const target = pathPart === "" ? file : resolve(file, pathPart);
      if (!exists(root + target)) {
        broken.push({ file, href, reason: `no file ${target}` });
      } else if (anchor && !target.endsWith(".md")) {
        broken.push({ file, href, reason: `${target} is not Markdown, so it has no #${anchor}` });
      } else if (anchor && !anchorsIn(target).has(anchor)) {
        broken.push({ file, href, reason: `${target} has no heading whose anchor is #${anchor}` });
      }
    }
  }
  return broken;
}

/**
 * The documents reachable from a starting one by following relative links between documents.
 *
 * @param root The repository's root folder (ending in `/`).
 * @param start The first document, relative to the root (such as `README.md`).
 * @returns Every reachable document's path relative to the root, the start included.
 */
export function reachableFrom(root: string, start: string): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const href of hrefsOf(Deno.readTextFileSync(root + file))) {
      if (!isRelative(href)) continue;
      const pathPart = decodeURIComponent(href.split("#")[0]);
      if (!pathPart.endsWith(".md")) continue;
      const target = resolve(file, pathPart);
      if (!seen.has(target) && exists(root + target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}
