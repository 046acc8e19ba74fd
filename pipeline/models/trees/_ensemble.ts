/**
 * An ensemble of binary trees in flat typed arrays, one entry per node of every tree: the split
 * column (−1 at a leaf), the raw threshold (x ≤ t goes left, NaN goes right), both children,
 * the node's value and its cover (the training weight that reached it, for TreeSHAP).
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
  roots: number[] = [];

  /** Appends a node (a leaf until `split` is called on it) and returns its index. */
  add(value: number, cover: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(value);
    this.cover.push(cover);
    return this.value.length - 1;
  }

  /** Makes a leaf an internal node. */
  split(node: number, feature: number, threshold: number, left: number, right: number): void {
    this.feature[node] = feature;
    this.threshold[node] = threshold;
    this.left[node] = left;
    this.right[node] = right;
  }

  /** Drops every tree from `trees` on (early stopping keeps the best round). */
  truncate(trees: number): void {
    if (trees >= this.roots.length) return;
    const end = this.roots[trees];
    this.roots.length = trees;
    for (const a of [this.feature, this.threshold, this.left, this.right, this.value, this.cover]) {
      a.length = end;
    }
  }

  /** Adds the last tree's leaf value for every row of `x` to `out` (boosting's running margin). */
  addLast(x: ArrayLike<number>, d: number, out: Float64Array): void {
    const root = this.roots[this.roots.length - 1];
    const { feature, threshold, left, right, value } = this;
    for (let r = 0; r < out.length; r++) {
      const o = r * d;
      let node = root;
      while (feature[node] >= 0) {
        node = x[o + feature[node]] <= threshold[node] ? left[node] : right[node];
      }
      out[r] += value[node];
    }
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
      roots: Int32Array.from(this.roots),
    };
  }
}

/** The leaf a row reaches from `node`; `x[o + f]` is the row's column f. */
export function _leafOf(t: TreeArrays, node: number, x: ArrayLike<number>, o: number): number {
  const { feature, threshold, left, right } = t;
  let f = feature[node];
  while (f >= 0) {
    node = x[o + f] <= threshold[node] ? left[node] : right[node];
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
  const { feature, threshold, left, right, value, roots } = t;
  for (let r = 0; r < n; r++) {
    const o = r * d;
    let sum = 0;
    for (let k = from; k < to; k++) {
      let node = roots[k];
      let f = feature[node];
      while (f >= 0) {
        node = x[o + f] <= threshold[node] ? left[node] : right[node];
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

/** Encodes the trees for `toJSON()`. */
export function _encodeTrees(t: TreeArrays): EncodedTrees {
  return {
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
    roots: new Int32Array(_fromBase64(e.roots, -1, 4, bad("roots is malformed"))),
  };
  // Children must point forward, so walking a tree always ends at a leaf.
  for (let i = 0; i < n; i++) {
    const f = t.feature[i];
    if (f >= d) throw bad(`node ${i} splits column ${f} of ${d}`);
    if (f >= 0 && !(t.left[i] > i && t.left[i] < n && t.right[i] > i && t.right[i] < n)) {
      throw bad(`node ${i} has children outside the trees`);
    }
  }
  for (const r of t.roots) if (!(r >= 0 && r < n)) throw bad(`a root ${r} is outside the trees`);
  return t;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function _toBase64(a: Int32Array | Float64Array): string {
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
