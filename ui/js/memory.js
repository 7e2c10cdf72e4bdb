/**
 * The memory panel: resident memory against the ceiling, and the median time of each kernel
 * operation, both read from the Prometheus text at /metrics every few seconds.
 */
import { bytes, h } from "./dom.js";
import { t } from "./i18n.js";

const EVERY_MS = 5000;
const SAMPLE = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses the exposition text into samples (label values keep their escapes).
 * @param {string} text
 * @returns {{ name: string, labels: Record<string, string>, value: number }[]}
 */
export function parseMetrics(text) {
  const out = [];
  for (const line of text.split("\n")) {
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(LABEL)) labels[k] = v;
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/**
 * Median of each kernel operation from the histogram's cumulative buckets: the upper bound
 * of the first bucket holding half the calls (what Prometheus' histogram_quantile would
 * interpolate, without the interpolation).
 */
export function kernelMedians(samples) {
  const series = new Map();
  for (const s of samples) {
    if (s.name !== "ligero_kernel_call_duration_seconds_bucket") continue;
    const key = `${s.labels.kernel}.${s.labels.op}\n${s.labels.impl}`;
    if (!series.has(key)) series.set(key, []);
    const le = s.labels.le === "+Inf" ? Infinity : Number(s.labels.le);
    series.get(key).push({ le, count: s.value });
  }
  const rows = [];
  for (const [key, buckets] of series) {
    buckets.sort((a, b) => a.le - b.le);
    const total = buckets.at(-1).count;
    if (total === 0) continue;
    const half = buckets.find((b) => b.count >= total / 2);
    const [op, impl] = key.split("\n");
    rows.push({ op, impl, calls: total, p50: half.le });
  }
  return rows.sort((a, b) => a.op.localeCompare(b.op));
}

function duration(seconds) {
  if (!Number.isFinite(seconds)) return "> max";
  return seconds < 1 ? `≤ ${Math.round(seconds * 1000 * 10) / 10} ms` : `≤ ${seconds} s`;
}

let update = () => {};

/** Reads /metrics now, e.g. right after an answer, instead of at the next tick. */
export function refreshMemory() {
  update();
}

export function initMemory({ meter, label, table }) {
  update = async () => {
    try {
      const res = await fetch("/metrics");
      const samples = parseMetrics(await res.text());
      const value = (name) => samples.find((s) => s.name === name)?.value;
      const rss = value("process_resident_memory_bytes");
      const ceiling = value("ligero_memory_ceiling_bytes");
      if (rss !== undefined && ceiling) {
        meter.value = rss / ceiling;
        label.textContent = t().rssOf(bytes(rss), bytes(ceiling));
      }
      table.replaceChildren(
        ...kernelMedians(samples).map((r) =>
          h(
            "tr",
            {},
            // a line may break after the dot, never inside a name
            h("th", { scope: "row" }, r.op.replace(".", ".\u200b"), h("small", {}, r.impl)),
            h("td", {}, String(r.calls)),
            h("td", {}, duration(r.p50)),
          )
        ),
      );
    } catch {
      // the panel is a convenience: a failed scrape leaves the last numbers in place
    }
  };
  update();
  setInterval(update, EVERY_MS);
}
