// Barnes–Hut t-SNE gradient (van der Maaten 2014) for 2-D embeddings, on the host in TypeScript
// (float64): @repkit/kernels has no tree kernel. Attraction over the sparse P; repulsion from a quadtree
// whose cells count as one body when cell width / distance < θ (scikit-learn's `_barnes_hut_tsne`).
import type { SparseP } from './affinities.ts';

const FLOAT32_TINY = 1.1754943508222875e-38;

/** A point-region quadtree over 2-D points, nodes in flat arrays (children of node c at kids[c]..kids[c]+3). */
class QuadTree {
  cx: Float64Array; cy: Float64Array; half: Float64Array; sx: Float64Array; sy: Float64Array;
  count: Int32Array; kids: Int32Array; point: Int32Array;
  size = 0;

  constructor(private readonly Y: Float64Array, n: number) {
    const cap = 8 * n + 8;
    this.cx = new Float64Array(cap); this.cy = new Float64Array(cap); this.half = new Float64Array(cap);
    this.sx = new Float64Array(cap); this.sy = new Float64Array(cap);
    this.count = new Int32Array(cap); this.kids = new Int32Array(cap); this.point = new Int32Array(cap);
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      x0 = Math.min(x0, Y[2 * i]!); x1 = Math.max(x1, Y[2 * i]!);
      y0 = Math.min(y0, Y[2 * i + 1]!); y1 = Math.max(y1, Y[2 * i + 1]!);
    }
    this.node((x0 + x1) / 2, (y0 + y1) / 2, Math.max(x1 - x0, y1 - y0, 1e-12) * 0.5 * (1 + 1e-6));
    for (let i = 0; i < n; i++) this.insert(i);
  }

  private node(cx: number, cy: number, half: number): number {
    if (this.size === this.cx.length) this.grow();
    const c = this.size++;
    this.cx[c] = cx; this.cy[c] = cy; this.half[c] = half; this.kids[c] = -1; this.point[c] = -1;
    this.sx[c] = 0; this.sy[c] = 0; this.count[c] = 0;
    return c;
  }

  private grow(): void {
    for (const k of ['cx', 'cy', 'half', 'sx', 'sy', 'count', 'kids', 'point'] as const) {
      const old = this[k], next = new (old.constructor as new (n: number) => typeof old)(old.length * 2);
      next.set(old as never);
      (this as Record<string, unknown>)[k] = next;
    }
  }

  private insert(i: number): void {
    const x = this.Y[2 * i]!, y = this.Y[2 * i + 1]!;
    let c = 0;
    for (let depth = 0; ; depth++) {
      this.sx[c]! += x; this.sy[c]! += y; this.count[c]! += 1;
      if (this.kids[c] === -1) {
        const p = this.point[c]!;
        if (p === -1) { this.point[c] = i; return; }
        if ((this.Y[2 * p] === x && this.Y[2 * p + 1] === y) || depth > 60) return; // duplicates share a leaf
        this.split(c, p);
      }
      c = this.kids[c]! + (x >= this.cx[c]! ? 1 : 0) + (y >= this.cy[c]! ? 2 : 0);
    }
  }

  /** Turn leaf c (holding point p, count of c already including the incoming point) into four children. */
  private split(c: number, p: number): void {
    const h = this.half[c]! / 2, first = this.size;
    for (let q = 0; q < 4; q++) this.node(this.cx[c]! + (q & 1 ? h : -h), this.cy[c]! + (q & 2 ? h : -h), h);
    this.kids[c] = first;
    this.point[c] = -1;
    const px = this.Y[2 * p]!, py = this.Y[2 * p + 1]!, k = first + (px >= this.cx[c]! ? 1 : 0) + (py >= this.cy[c]! ? 2 : 0);
    const dup = this.count[c]! - 1; // the incoming point is already counted in c; p may carry duplicates
    this.sx[k] = px * dup; this.sy[k] = py * dup; this.count[k] = dup; this.point[k] = p;
  }
}

/**
 * Gradient of KL(P‖Q) for a 2-D embedding Y (n × 2, row-major) into `grad`; returns the KL over the
 * stored P entries when `withError` (scikit-learn's BH error), else NaN.
 */
export function barnesHutGradient(Y: Float64Array, P: SparseP, theta: number, grad: Float64Array, withError: boolean): number {
  const n = P.offsets.length - 1, tree = new QuadTree(Y, n), theta2 = theta * theta;
  const neg = new Float64Array(2 * n), stack = new Int32Array(4 * tree.size + 4);
  // hot loop: locals instead of property reads; centres of mass once per node
  const size = tree.size, count = tree.count, kids = tree.kids;
  const comx = new Float64Array(size), comy = new Float64Array(size), w2 = new Float64Array(size);
  for (let c = 0; c < size; c++) {
    const cnt = count[c]!;
    if (cnt > 0) { comx[c] = tree.sx[c]! / cnt; comy[c] = tree.sy[c]! / cnt; }
    w2[c] = 4 * tree.half[c]! * tree.half[c]!;
  }
  let sumQ = 0;
  for (let i = 0; i < n; i++) {
    const xi = Y[2 * i]!, yi = Y[2 * i + 1]!;
    let fx = 0, fy = 0, top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const c = stack[--top]!;
      let cnt = count[c]!;
      const dx = xi - comx[c]!, dy = yi - comy[c]!, d2 = dx * dx + dy * dy;
      const k = kids[c]!;
      if (k === -1 || w2[c]! < theta2 * d2) {
        if (d2 === 0) cnt -= 1; // i itself is not a body acting on i
        const q = 1 / (1 + d2), m = cnt * q * q;
        sumQ += cnt * q; fx += m * dx; fy += m * dy;
      } else {
        for (let q = k; q < k + 4; q++) if (count[q]! > 0) stack[top++] = q;
      }
    }
    neg[2 * i] = fx; neg[2 * i + 1] = fy;
  }
  let error = withError ? 0 : NaN;
  for (let i = 0; i < n; i++) {
    const xi = Y[2 * i]!, yi = Y[2 * i + 1]!;
    let px = 0, py = 0;
    for (let e = P.offsets[i]!; e < P.offsets[i + 1]!; e++) {
      const j = P.indices[e]!, dx = xi - Y[2 * j]!, dy = yi - Y[2 * j + 1]!;
      const q = 1 / (1 + dx * dx + dy * dy), pij = P.values[e]!, f = pij * q;
      px += f * dx; py += f * dy;
      if (withError) error += pij * Math.log(Math.max(pij, FLOAT32_TINY) / Math.max(q / sumQ, FLOAT32_TINY));
    }
    grad[2 * i] = 4 * (px - neg[2 * i]! / sumQ);
    grad[2 * i + 1] = 4 * (py - neg[2 * i + 1]! / sumQ);
  }
  return error;
}
