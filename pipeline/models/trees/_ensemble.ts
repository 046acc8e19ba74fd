/**
 * An ensemble of binary trees in flat typed arrays, one entry per node of every tree: the split
 * column (−1 at a leaf), the raw threshold (x ≤ t goes left), both children, the node's value,
 * its cover (the training weight that reached it, for TreeSHAP) and its flags: whether a missing
 * value (NaN) goes left, and whether the split is on categories, whose left set is then a bitset
 * in `catBits` (see {@linkcode _goesLeft}). A node without flags sends NaN right, as `x <= t`
 * does.
 *
 * @module
 */
import { ArtifactError } from "./_deps.ts";
import type { EncodedTrees, TreeArrays } from "./tabular.ts";

export type { EncodedTrees, TreeArrays };

/** Collects nodes tree by tree; `finish()` packs them into typed arrays. */
export class _TreeBuilder {
  feature: number[] = [];
  threshold: number[] = [];
  left: number[] = [];
  right: number[] = [];
  value: number[] = [];
  cover: number[] = [];
  flags: number[] = [];
  catBits: number[] = [];
  roots: number[] = [];

  /** Appends a node (a leaf until `split` is called on it) and returns its index. */
  add(value: number, cover: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(value);
    this.cover.push(cover);
    this.flags.push(0);
    return this.value.length - 1;
  }

  /**
   * Makes a leaf an internal node on a threshold: `x <= threshold` goes left, NaN goes left when
   * `missingLeft`.
   */
  split(
    node: number,
    feature: number,
    threshold: number,
    left: number,
    right: number,
    missingLeft = false,
  ): void {
    this.feature[node] = feature;
    this.threshold[node] = threshold;
    this.left[node] = left;
    this.right[node] = right;
    this.flags[node] = missingLeft ? MISSING_LEFT : 0;
  }

  /**
   * Makes a leaf an internal node on categories: a value whose integer code is in `codes` goes
   * left, any other code (one unseen in training too) goes right, NaN goes left when `missingLeft`.
   */
  splitCategories(
    node: number,
    feature: number,
    codes: number[],
    left: number,
    right: number,
    missingLeft: boolean,
  ): void {
    const words = codes.length ? (Math.max(...codes) >> 5) + 1 : 0;
    const at = this.catBits.length;
    this.catBits.push(words);
    for (let w = 0; w < words; w++) this.catBits.push(0);
    for (const c of codes) this.catBits[at + 1 + (c >> 5)] |= 1 << (c & 31);
    this.split(node, feature, at, left, right, missingLeft);
    this.flags[node] |= CATEGORICAL;
  }

  /** Drops every tree from `trees` on (early stopping keeps the best round). */
  truncate(trees: number): void {
    if (trees >= this.roots.length) return;
    const end = this.roots[trees];
    this.roots.length = trees;
    const kept = [this.feature, this.threshold, this.left, this.right, this.value, this.cover];
    for (const a of [...kept, this.flags]) a.length = end;
    let bits = 0;
    for (let i = 0; i < end; i++) {
      if (this.flags[i] & CATEGORICAL) {
        bits = Math.max(bits, this.threshold[i] + 1 + this.catBits[this.threshold[i]]);
      }
    }
    this.catBits.length = bits;
  }

  /**
   * Adds the last tree's leaf value for every row of `x` to `out` (boosting's running margin),
   * except the rows `skip` marks (whose leaves the grower already knows).
   */
  addLast(x: ArrayLike<number>, d: number, out: Float64Array, skip?: Uint8Array): void {
    const root = this.roots[this.roots.length - 1];
    const t = this.finishLast();
    for (let r = 0; r < out.length; r++) {
      if (skip?.[r]) continue;
      out[r] += t.value[_leafOf(t, root, x, r * d)];
    }
  }

  /** The nodes as arrays without copying the node lists (valid until the next change). */
  finishLast(): TreeArrays {
    return {
      feature: this.feature as unknown as Int32Array,
      threshold: this.threshold as unknown as Float64Array,
      left: this.left as unknown as Int32Array,
      right: this.right as unknown as Int32Array,
      value: this.value as unknown as Float64Array,
      cover: this.cover as unknown as Float64Array,
      flags: this.flags as unknown as Uint8Array,
      catBits: this.catBits as unknown as Uint32Array,
      roots: this.roots as unknown as Int32Array,
    };
  }

  /** Packs the nodes into typed arrays. */
  finish(): TreeArrays {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
      cover: Float64Array.from(this.cover),
      flags: Uint8Array.from(this.flags),
      catBits: Uint32Array.from(this.catBits),
      roots: Int32Array.from(this.roots),
    };
  }
}

/** Flag of a node whose missing values (NaN) go left. */
export const MISSING_LEFT = 1;
/** Flag of a node that splits on categories (its threshold is an offset into `catBits`). */
export const CATEGORICAL = 2;

/**
 * Whether value `v` goes left at internal node `node`: NaN by the node's missing flag; on a
 * category split, when `v` is a code in the node's bitset; else when `v <= threshold`.
 */
export function _goesLeft(t: TreeArrays, node: number, v: number): boolean {
  const flags = t.flags[node];
  if (flags === 0) return v <= t.threshold[node];
  if (v !== v) return (flags & MISSING_LEFT) !== 0;
  if ((flags & CATEGORICAL) === 0) return v <= t.threshold[node];
  const at = t.threshold[node];
  if (!(v >= 0) || v !== Math.floor(v)) return false;
  const word = v >>> 5;
  return word < t.catBits[at] && ((t.catBits[at + 1 + word] >>> (v & 31)) & 1) === 1;
}

/** The leaf a row reaches from `node`; `x[o + f]` is the row's column f. */
export function _leafOf(t: TreeArrays, node: number, x: ArrayLike<number>, o: number): number {
  const { feature, threshold, left, right, flags } = t;
  let f = feature[node];
  while (f >= 0) {
    const v = x[o + f];
    const go = flags[node] === 0 ? v <= threshold[node] : _goesLeft(t, node, v);
    node = go ? left[node] : right[node];
    f = feature[node];
  }
  return node;
}

/**
 * Sums the leaf values of trees [from, to) for every row into `out` (added to what it holds).
 *
 * @param t The ensemble.
 * @param x Row-major matrix.
 * @param d Columns.
 * @param out One sum per row.
 * @param from First tree.
 * @param to One past the last tree.
 */
export function _addLeafSums(
  t: TreeArrays,
  x: ArrayLike<number>,
  d: number,
  out: Float64Array,
  from = 0,
  to = t.roots.length,
): void {
  const n = out.length;
  const { feature, threshold, left, right, value, roots, flags } = t;
  for (let r = 0; r < n; r++) {
    const o = r * d;
    let sum = 0;
    for (let k = from; k < to; k++) {
      let node = roots[k];
      let f = feature[node];
      while (f >= 0) {
        const v = x[o + f];
        const go = flags[node] === 0 ? v <= threshold[node] : _goesLeft(t, node, v);
        node = go ? left[node] : right[node];
        f = feature[node];
      }
      sum += value[node];
    }
    out[r] += sum;
  }
}

/** The deepest leaf's depth over all trees (root = 0). */
export function _maxDepth(t: TreeArrays): number {
  let deepest = 0;
  const stack: number[] = [];
  for (const root of t.roots) {
    stack.push(root, 0);
    while (stack.length) {
      const depth = stack.pop()!;
      const node = stack.pop()!;
      if (t.feature[node] < 0) deepest = Math.max(deepest, depth);
      else stack.push(t.left[node], depth + 1, t.right[node], depth + 1);
    }
  }
  return deepest;
}

/**
 * Encodes the trees for `toJSON()`; `flags` and `catBits` are written only when some node has a
 * flag, so a forest saves as it always has.
 */
export function _encodeTrees(t: TreeArrays): EncodedTrees {
  const flagged = t.flags.some((f) => f !== 0);
  return {
    ...(flagged ? { flags: _toBase64(t.flags), catBits: _toBase64(t.catBits) } : {}),
    nodes: t.value.length,
    feature: _toBase64(t.feature),
    threshold: _toBase64(t.threshold),
    left: _toBase64(t.left),
    right: _toBase64(t.right),
    value: _toBase64(t.value),
    cover: _toBase64(t.cover),
    roots: _toBase64(t.roots),
  };
}

/** Decodes and checks saved trees; throws ArtifactError when they are malformed. */
export function _decodeTrees(e: EncodedTrees, d: number, model: string): TreeArrays {
  const bad = (why: string) => new ArtifactError(`Cannot restore ${model}: ${why}`);
  if (!e || !Number.isSafeInteger(e.nodes) || e.nodes < 1) throw bad("the trees have no nodes");
  const n = e.nodes;
  const t: TreeArrays = {
    feature: new Int32Array(_fromBase64(e.feature, n, 4, bad("feature is malformed"))),
    threshold: new Float64Array(_fromBase64(e.threshold, n, 8, bad("threshold is malformed"))),
    left: new Int32Array(_fromBase64(e.left, n, 4, bad("left is malformed"))),
    right: new Int32Array(_fromBase64(e.right, n, 4, bad("right is malformed"))),
    value: new Float64Array(_fromBase64(e.value, n, 8, bad("value is malformed"))),
    cover: new Float64Array(_fromBase64(e.cover, n, 8, bad("cover is malformed"))),
    flags: e.flags === undefined
      ? new Uint8Array(n)
      : new Uint8Array(_fromBase64(e.flags, n, 1, bad("flags is malformed"))),
    catBits: e.catBits === undefined
      ? new Uint32Array(0)
      : new Uint32Array(_fromBase64(e.catBits, -1, 4, bad("catBits is malformed"))),
    roots: new Int32Array(_fromBase64(e.roots, -1, 4, bad("roots is malformed"))),
  };
  // Children must point forward, so walking a tree always ends at a leaf.
  for (let i = 0; i < n; i++) {
    const f = t.feature[i];
    if (f >= d) throw bad(`node ${i} splits column ${f} of ${d}`);
    if (f >= 0 && !(t.left[i] > i && t.left[i] < n && t.right[i] > i && t.right[i] < n)) {
      throw bad(`node ${i} has children outside the trees`);
    }
    if (f >= 0 && t.flags[i] & CATEGORICAL) {
      const at = t.threshold[i];
      if (!(Number.isInteger(at) && at >= 0 && at + 1 + (t.catBits[at] ?? 0) <= t.catBits.length)) {
        throw bad(`node ${i} has a category set outside catBits`);
      }
    }
  }
  for (const r of t.roots) if (!(r >= 0 && r < n)) throw bad(`a root ${r} is outside the trees`);
  return t;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function _toBase64(a: Int32Array | Float64Array | Uint8Array | Uint32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
  if (!LITTLE_ENDIAN) _swap(bytes, a.BYTES_PER_ELEMENT);
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

/** `count` elements of `size` bytes from base64, as a fresh aligned buffer (any count if < 0). */
function _fromBase64(text: unknown, count: number, size: number, error: Error): ArrayBuffer {
  if (typeof text !== "string") throw error;
  let raw: string;
  try {
    raw = atob(text);
  } catch {
    throw error;
  }
  if (count >= 0 ? raw.length !== count * size : raw.length % size !== 0) throw error;
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  if (!LITTLE_ENDIAN) _swap(out, size);
  return out.buffer;
}

function _swap(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}
