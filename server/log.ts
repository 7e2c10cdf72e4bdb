/**
 * One JSON object per line on stdout: easy to grep, easy to ship to a log collector.
 * Values named like secrets are redacted wherever they appear.
 */
type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /(authorization|api[-_]?key|password|secret|token)$/i;

let threshold = ORDER.info;
const encoder = new TextEncoder();

export function setLogLevel(level: Level): void {
  threshold = ORDER[level];
}

function write(level: Level, msg: string, fields?: Record<string, unknown>) {
  if (ORDER[level] < threshold) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }, redact);
  const bytes = encoder.encode(line + "\n");
  for (let sent = 0; sent < bytes.length;) sent += Deno.stdout.writeSync(bytes.subarray(sent));
}

function redact(key: string, value: unknown): unknown {
  return SECRET_KEY.test(key) && typeof value === "string" && value ? "[redacted]" : value;
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};
