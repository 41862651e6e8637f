/**
 * `/metrics` of a running server, scraped over HTTP and parsed from the Prometheus text format,
 * so that tests read series the way Prometheus does.
 */
export interface Scrape {
  text: string;
  /** The sum of the series of `name` whose labels include `labels` (0 when there is none). */
  value(name: string, labels?: Record<string, string>): number;
  /** Every series of the BFF's own metrics (`twenty_bff_*`), as `name{labels}`. */
  series(): string[];
  /** The distinct values of one label over the series of `name`. */
  labelValues(name: string, label: string): Set<string>;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  raw: string;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

export async function scrape(baseUrl: string): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const text = await response.text();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`Not a Prometheus sample: ${line.slice(0, 200)}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]), raw: line.slice(0, line.lastIndexOf(' ')) });
  }
  const matching = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return {
    text,
    value: (name, labels) => matching(name, labels).reduce((sum, s) => sum + s.value, 0),
    series: () => samples.filter((s) => s.name.startsWith('twenty_bff_')).map((s) => s.raw),
    labelValues: (name, label) => new Set(matching(name).map((s) => s.labels[label]).filter((v) => v !== undefined)),
  };
}

/** How much each named series moved between two scrapes. */
export function moved(before: Scrape, after: Scrape, name: string, labels?: Record<string, string>): number {
  return after.value(name, labels) - before.value(name, labels);
}
