// Dynamic batching: requests for one model that arrive within a window are concatenated along their
// shared first (batch) dim up to a row limit, run once, and split back. One run per model is in flight
// at a time (Triton's one instance), so requests arriving during a run form the next batch.
import { Tensor, allocate, type Feeds, type Results } from '@repkit/core';

export interface BatcherOptions {
  /** Most rows (sum of the first dims) merged into one run; a larger request runs alone. */
  maxRows: number;
  /** How long the oldest queued request waits for others before its batch runs. */
  windowMs: number;
  /** Called once per run with its rows and request count (metrics). */
  onBatch?: (rows: number, requests: number) => void;
}

interface Item {
  feeds: Feeds;
  rows: number;
  since: number;
  resolve: (r: Results) => void;
  reject: (e: unknown) => void;
  done: boolean;
}

const rowSize = (t: Tensor): number => (t.shape[0] === 0 ? 0 : t.size / t.shape[0]!);

/** Concatenate each feed along dim 0 (all items have the same feed names and trailing dims). */
export function concatRows(items: readonly Feeds[]): Feeds {
  const out: Record<string, Tensor> = {};
  for (const name of Object.keys(items[0]!)) {
    const parts = items.map((f) => f[name]!);
    const rows = parts.reduce((n, t) => n + t.shape[0]!, 0);
    const data = allocate(parts[0]!.dtype, rows * rowSize(parts[0]!));
    let off = 0;
    for (const t of parts) {
      data.set(t.data as ArrayLike<number>, off);
      off += t.size;
    }
    out[name] = new Tensor(parts[0]!.dtype, [rows, ...parts[0]!.shape.slice(1)], data);
  }
  return out;
}

/** Rows [start, start + rows) of every result. */
export function sliceRows(results: Results, start: number, rows: number): Results {
  const out: Results = {};
  for (const [name, t] of Object.entries(results)) {
    const w = rowSize(t);
    out[name] = new Tensor(t.dtype, [rows, ...t.shape.slice(1)], t.data.slice(start * w, (start + rows) * w));
  }
  return out;
}

export class Batcher {
  private queue: Item[] = [];
  private queuedRows = 0;
  private running = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly run: (feeds: Feeds) => Promise<Results>, private readonly opts: BatcherOptions) {}

  /**
   * Queue feeds of `rows` rows; resolves with this request's rows of the results. A request of maxRows
   * rows or more runs alone. An abort drops it from the queue.
   */
  submit(feeds: Feeds, rows: number, signal?: AbortSignal): Promise<Results> {
    return new Promise<Results>((resolve, reject) => {
      const item: Item = { feeds, rows, since: performance.now(), resolve, reject, done: false };
      signal?.addEventListener('abort', () => this.drop(item, signal.reason), { once: true });
      this.queue.push(item);
      this.queuedRows += rows;
      this.schedule();
    });
  }

  /** Reject what is still queued (server closing). */
  rejectQueued(reason: Error): void {
    for (const item of this.queue.splice(0)) settle(item, () => item.reject(reason));
    this.queuedRows = 0;
  }

  private drop(item: Item, reason: unknown): void {
    const k = this.queue.indexOf(item);
    if (k >= 0) {
      this.queue.splice(k, 1);
      this.queuedRows -= item.rows;
    }
    settle(item, () => item.reject(reason));
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    const waited = performance.now() - this.queue[0]!.since;
    if (this.queuedRows >= this.opts.maxRows || waited >= this.opts.windowMs) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, this.opts.windowMs - waited);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch: Item[] = [];
    let rows = 0;
    while (this.queue.length > 0 && (batch.length === 0 || rows + this.queue[0]!.rows <= this.opts.maxRows)) {
      const item = this.queue.shift()!;
      rows += item.rows;
      batch.push(item);
    }
    this.queuedRows -= rows;
    this.running = true;
    this.opts.onBatch?.(rows, batch.length);
    this.execute(batch).finally(() => {
      this.running = false;
      this.schedule();
    });
  }

  private async execute(batch: Item[]): Promise<void> {
    if (batch.length === 1) return this.alone(batch[0]!);
    let results: Results;
    try {
      results = await this.run(concatRows(batch.map((i) => i.feeds)));
    } catch {
      // One bad request must not fail its neighbours: run each alone so each gets its own answer.
      for (const item of batch) await this.alone(item);
      return;
    }
    let start = 0;
    for (const item of batch) {
      const mine = sliceRows(results, start, item.rows);
      settle(item, () => item.resolve(mine));
      start += item.rows;
    }
  }

  private async alone(item: Item): Promise<void> {
    try {
      const r = await this.run(item.feeds);
      settle(item, () => item.resolve(r));
    } catch (e) {
      settle(item, () => item.reject(e));
    }
  }
}

function settle(item: Item, f: () => void): void {
  if (item.done) return;
  item.done = true;
  f();
}
