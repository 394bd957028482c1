// An embedding table on the host, row-interleaved: row r holds its parameter and then each optimizer
// slot, side by side, so a step touches one contiguous span per row (the DGL-KE / PyTorch-BigGraph layout).
import { Tensor } from '../tensor.ts';
import { constraintMax, packRowRule, updateRowsPacked, type RowProjection, type RowRule } from './row-rules.ts';

/** Copies one `width`-float span at `offset` of listed table rows to or from a packed buffer. */
export interface RowCopier {
  gatherRows(table: Float32Array, stride: number, ids: Int32Array, n: number, offset: number, width: number, out: Float32Array): void;
  scatterRows(table: Float32Array, stride: number, ids: Int32Array, n: number, offset: number, width: number, from: Float32Array): void;
}

/** Updates table rows in place with an optimizer's row rule and a projection (row-rules.ts). */
export interface RowUpdater {
  /**
   * Rows ids[0..n) (distinct): the parameter span at 0 and the rule's slots after it take one step from
   * grad [n, width]; then `project`, if given, is applied to the parameter span.
   */
  updateRows(rule: RowRule, hyper: Readonly<Record<string, number>>, table: Float32Array, stride: number, ids: Int32Array, n: number, width: number, grad: Float32Array, project?: RowProjection): void;
}

/** Row moves and, where implemented, in-place row updates (a SparseTrainer's `rows` option). */
export type RowKernels = RowCopier & Partial<RowUpdater>;

/** The portable row kernels; @repkit/kernels' native engine does the same work without a view per row. */
export const jsRows: RowCopier & RowUpdater = {
  gatherRows(table, stride, ids, n, offset, width, out) {
    for (let i = 0; i < n; i++) {
      const at = ids[i]! * stride + offset;
      out.set(table.subarray(at, at + width), i * width);
    }
  },
  scatterRows(table, stride, ids, n, offset, width, from) {
    for (let i = 0; i < n; i++) table.set(from.subarray(i * width, (i + 1) * width), ids[i]! * stride + offset);
  },
  updateRows(rule, hyper, table, stride, ids, n, width, grad, project) {
    const { code, params } = packRowRule(rule, hyper);
    updateRowsPacked(table, stride, ids, n, width, grad, code, params, project?.segment ?? 0, project ? constraintMax(project.constraint) : 0);
  },
};

export class EmbeddingTable {
  /** rows × (1 + slots) × width floats. */
  readonly data: Float32Array;
  readonly stride: number;

  constructor(
    readonly name: string,
    readonly rows: number,
    /** Shape of one row (e.g. [d], or [k, d] for a matrix per relation). */
    readonly rowShape: readonly number[],
    readonly slots: readonly string[],
    private readonly copier: RowCopier = jsRows,
  ) {
    if (!Number.isInteger(rows) || rows < 1) throw new Error(`table '${name}': rows must be a positive integer, got ${rows}`);
    this.stride = this.width * (1 + slots.length);
    this.data = new Float32Array(rows * this.stride);
  }

  /** Floats in one row of the parameter. */
  get width(): number {
    return this.rowShape.reduce((p, q) => p * q, 1);
  }

  /** Set the parameter from a [rows, …rowShape] tensor (optimizer state stays zero). */
  setParam(t: Tensor): void {
    if (t.shape[0] !== this.rows || t.size !== this.rows * this.width) {
      throw new Error(`table '${this.name}': initial value has shape [${t.shape.join(', ')}], expected [${this.rows}, ${this.rowShape.join(', ')}]`);
    }
    const w = this.width;
    for (let r = 0; r < this.rows; r++) this.data.set(t.data.subarray(r * w, (r + 1) * w), r * this.stride);
  }

  /** The parameter (slot −1) or a state slot as a [rows, …rowShape] float32 tensor (a copy). */
  tensor(slot = -1): Tensor {
    const w = this.width, out = new Float32Array(this.rows * w), off = (slot + 1) * w;
    for (let r = 0; r < this.rows; r++) out.set(this.data.subarray(r * this.stride + off, r * this.stride + off + w), r * w);
    return new Tensor('float32', [this.rows, ...this.rowShape], out);
  }

  /**
   * Copy rows `ids` (first `n`) of the parameter and every slot (or, with `into`, of the parameter and the
   * first into.length − 1 slots) into [cap, …rowShape] tensors. Rows past `n` are padding: with `into`
   * (reused buffers) they hold stale finite values, whose updates are dropped.
   */
  gather(ids: Int32Array, n: number, cap: number, into?: Float32Array[]): Tensor[] {
    const w = this.width;
    const parts = into ?? Array.from({ length: 1 + this.slots.length }, () => new Float32Array(cap * w));
    parts.forEach((p, s) => this.copier.gatherRows(this.data, this.stride, ids, n, s * w, w, p));
    return parts.map((p) => new Tensor('float32', [cap, ...this.rowShape], p));
  }

  /** Write back the first `n` rows of the parameter and each slot. */
  scatter(ids: Int32Array, n: number, parts: readonly Tensor[]): void {
    const w = this.width;
    // The reference backend holds float32 values in float64 arrays: round them as the table stores them.
    parts.forEach((p, s) => this.copier.scatterRows(this.data, this.stride, ids, n, s * w, w, p.data instanceof Float32Array ? p.data : Float32Array.from(p.data)));
  }
}
