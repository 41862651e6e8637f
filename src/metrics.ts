/**
 * A minimal Prometheus registry (text exposition format 0.0.4): counters and histograms with
 * labels. Small enough to own, so the BFF does not pull in a metrics framework for four series.
 */
type Labels = Record<string, string>;

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}

class Counter {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, value] of this.values) lines.push(`${this.name}{${key}} ${value}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets = DEFAULT_BUCKETS) {}
  observe(labels: Labels, seconds: number): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((le, i) => {
      if (seconds <= le) s!.counts[i] += 1;
    });
    s.sum += seconds;
    s.count += 1;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, s] of this.series) {
      const sep = key ? ',' : '';
      this.buckets.forEach((le, i) => lines.push(`${this.name}_bucket{${key}${sep}le="${le}"} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket{${key}${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum{${key}} ${s.sum}`);
      lines.push(`${this.name}_count{${key}} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/** The BFF's metrics; one instance per app. */
export class Metrics {
  readonly upstreamRequests = new Counter(
    'twenty_bff_upstream_requests_total',
    'HTTP requests sent to Twenty, by method, object and status.',
  );
  readonly upstreamDuration = new Histogram(
    'twenty_bff_upstream_request_duration_seconds',
    'Duration of HTTP requests sent to Twenty.',
  );
  readonly operations = new Counter(
    'twenty_bff_graphql_operations_total',
    'GraphQL operations executed, by type, name and outcome (ok or error).',
  );
  readonly operationDuration = new Histogram(
    'twenty_bff_graphql_operation_duration_seconds',
    'Duration of GraphQL operations, from parse to response.',
  );

  render(): string {
    return [this.upstreamRequests, this.upstreamDuration, this.operations, this.operationDuration]
      .map((m) => m.render())
      .join('\n') + '\n';
  }
}
