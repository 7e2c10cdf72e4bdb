/**
 * A strict reader of the Prometheus text format (0.0.4) for tests: throws on any line a
 * scraper would reject, returns samples keyed by `name{labels}` as printed.
 */
const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\n"])*"`;
const SAMPLE = new RegExp(
  `^(${NAME})(\\{(?:${LABEL})(?:,${LABEL})*\\})? (-?(?:\\d+(?:\\.\\d+)?(?:e[-+]?\\d+)?|NaN|\\+Inf|-Inf))$`,
);
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const typed = new Map<string, string>();
  for (const [i, line] of text.split("\n").entries()) {
    if (line === "") continue;
    if (line.startsWith("# HELP ")) continue;
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ");
      if (!TYPES.has(type)) throw new Error(`line ${i + 1}: unknown type ${type}`);
      if (typed.has(name)) throw new Error(`line ${i + 1}: ${name} typed twice`);
      typed.set(name, type);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`line ${i + 1}: not a sample: ${line}`);
    const family = m[1].replace(/_(bucket|sum|count)$/, "");
    if (!typed.has(m[1]) && !typed.has(family)) {
      throw new Error(`line ${i + 1}: ${m[1]} has no TYPE line`);
    }
    const key = m[1] + (m[2] ?? "");
    if (samples.has(key)) throw new Error(`line ${i + 1}: duplicate sample ${key}`);
    samples.set(key, Number(m[3]));
  }
  return samples;
}
