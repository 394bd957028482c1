// An embedding table on the host, row-interleaved: row r holds its parameter and then each optimizer
// slot, side by side, so a step touches one contiguous span per row (the DGL-KE / PyTorch-BigGraph layout).
import { Tensor } from '../tensor.ts';

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
   * Copy rows `ids` (first `n`) of the parameter and every slot into [cap, …rowShape] tensors. Rows past
   * `n` are padding: with `into` (reused buffers) they hold stale finite values, whose updates are dropped.
   */
  gather(ids: Int32Array, n: number, cap: number, into?: Float32Array[]): Tensor[] {
    const w = this.width, d = this.data, stride = this.stride;
    const parts = into ?? Array.from({ length: 1 + this.slots.length }, () => new Float32Array(cap * w));
    // Row-major over the table: a row's parameter and slots are one contiguous span, read once.
    for (let i = 0; i < n; i++) {
      const base = ids[i]! * stride;
      for (let s = 0; s < parts.length; s++) parts[s]!.set(d.subarray(base + s * w, base + (s + 1) * w), i * w);
    }
    return parts.map((p) => new Tensor('float32', [cap, ...this.rowShape], p));
  }

  /** Write back the first `n` rows of the parameter and each slot. */
  scatter(ids: Int32Array, n: number, parts: readonly Tensor[]): void {
    const w = this.width, d = this.data, stride = this.stride;
    const src = parts.map((p) => p.data);
    for (let i = 0; i < n; i++) {
      const base = ids[i]! * stride;
      for (let s = 0; s < src.length; s++) d.set(src[s]!.subarray(i * w, (i + 1) * w), base + s * w);
    }
  }
}
