// Prometheus text exposition (format 0.0.4) of the few series the server keeps; written here because no
// installed library (prom-client is not a dependency) provides it.
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

type Labels = Record<string, string>;

const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelText = (l: Labels): string => Object.entries(l).map(([k, v]) => `${k}="${escape(v)}"`).join(',');
const braces = (k: string): string => (k ? `{${k}}` : '');
const num = (x: number): string => (Number.isFinite(x) ? String(x) : x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN');

class Counter {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  inc(l: Labels, by = 1): void {
    const k = labelText(l);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${braces(k)} ${num(v)}`);
    return lines;
  }
}

class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}
  observe(l: Labels, x: number): void {
    const k = labelText(l);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((b, i) => { if (x <= b) s.counts[i]!++; });
    s.sum += x;
    s.count++;
  }
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.series) {
      const sep = k ? `${k},` : '';
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{${sep}le="${num(b)}"} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket{${sep}le="+Inf"} ${s.count}`, `${this.name}_sum${braces(k)} ${num(s.sum)}`, `${this.name}_count${braces(k)} ${s.count}`);
    }
    return lines;
  }
}

export class Metrics {
  readonly requests = new Counter('repkit_http_requests_total', 'HTTP requests answered, by route, method and status.');
  readonly errors = new Counter('repkit_http_errors_total', 'HTTP requests answered with a status of 400 or more, by route and status.');
  readonly latency = new Histogram('repkit_http_request_duration_seconds', 'Time from request received to response sent, by route.', LATENCY_BUCKETS);
  readonly batchRows = new Histogram('repkit_batch_rows', 'Rows (sum of the batch dims) per model run, by model.', BATCH_BUCKETS);
  readonly batchRequests = new Histogram('repkit_batch_requests', 'Requests merged into one model run, by model.', BATCH_BUCKETS);

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.requests.inc({ route, method, status: String(status) });
    if (status >= 400) this.errors.inc({ route, status: String(status) });
    this.latency.observe({ route }, seconds);
  }

  observeBatch(model: string, rows: number, requests: number): void {
    this.batchRows.observe({ model }, rows);
    this.batchRequests.observe({ model }, requests);
  }

  /** The exposition text; `gauges` adds current values (model readiness, in-flight requests). */
  render(gauges: { name: string; help: string; values: [Labels, number][] }[] = []): string {
    const lines = [this.requests, this.errors, this.latency, this.batchRows, this.batchRequests].flatMap((m) => m.render());
    for (const g of gauges) {
      lines.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`);
      for (const [l, v] of g.values) lines.push(`${g.name}${braces(labelText(l))} ${num(v)}`);
    }
    return lines.join('\n') + '\n';
  }
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
