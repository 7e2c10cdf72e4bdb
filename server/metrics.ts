/**
 * A small writer of the Prometheus text exposition format (version 0.0.4).
 *
 * Why not prom-client: it pulls in node:cluster and its default collectors, costs several
 * MB of RSS and does per-observation work we do not need; counters, gauges and histograms
 * with labels are all /metrics uses, and the format is a few lines of text.
 */

type Labels = Record<string, string>;

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "";
  return "{" + keys.map((k) => `${k}="${escapeLabel(labels[k])}"`).join(",") + "}";
}

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

interface Metric {
  readonly name: string;
  render(): string;
}

abstract class Labelled<T> implements Metric {
  protected readonly series = new Map<string, T>();
  constructor(readonly name: string, readonly help: string, readonly type: string) {}

  protected header(): string {
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} ${this.type}\n`;
  }

  abstract render(): string;
}

export class Counter extends Labelled<number> {
  constructor(name: string, help: string) {
    super(name, help, "counter");
  }
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.series.set(key, (this.series.get(key) ?? 0) + by);
  }
  render(): string {
    let out = this.header();
    for (const [key, value] of this.series) out += `${this.name}${key} ${value}\n`;
    return out;
  }
}

/** A gauge whose value is read when /metrics is scraped. */
export class Gauge extends Labelled<() => number> {
  constructor(name: string, help: string) {
    super(name, help, "gauge");
  }
  collect(read: () => number, labels: Labels = {}): void {
    this.series.set(labelKey(labels), read);
  }
  render(): string {
    let out = this.header();
    for (const [key, read] of this.series) out += `${this.name}${key} ${read()}\n`;
    return out;
  }
}

interface Buckets {
  counts: Float64Array;
  sum: number;
  count: number;
}

export class Histogram extends Labelled<Buckets> {
  constructor(name: string, help: string, readonly bounds: readonly number[]) {
    super(name, help, "histogram");
  }
  observe(value: number, labels: Labels = {}): void {
    const key = labelKey(labels);
    let b = this.series.get(key);
    if (!b) {
      b = { counts: new Float64Array(this.bounds.length), sum: 0, count: 0 };
      this.series.set(key, b);
    }
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]) b.counts[i]++;
    b.sum += value;
    b.count++;
  }
  render(): string {
    let out = this.header();
    for (const [key, b] of this.series) {
      const inner = key ? key.slice(1, -1) + "," : "";
      this.bounds.forEach((le, i) => {
        out += `${this.name}_bucket{${inner}le="${le}"} ${b.counts[i]}\n`;
      });
      out += `${this.name}_bucket{${inner}le="+Inf"} ${b.count}\n`;
      out += `${this.name}_sum${key} ${b.sum}\n${this.name}_count${key} ${b.count}\n`;
    }
    return out;
  }
}

/** Latency buckets in seconds, from 50 µs (a kernel call) to 30 s (a long chat). */
export const LATENCY_BUCKETS = [
  0.00005,
  0.0001,
  0.00025,
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
] as const;

export class Registry {
  readonly #metrics: Metric[] = [];

  register<M extends Metric>(metric: M): M {
    this.#metrics.push(metric);
    return metric;
  }

  render(): string {
    return this.#metrics.map((m) => m.render()).join("");
  }
}

/** The process-wide metrics: routes, kernels and the governor add theirs here. */
export const metrics = new Registry();
