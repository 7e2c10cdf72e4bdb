/**
 * Starts the real server as a subprocess on an ephemeral port and talks to it over HTTP.
 * Each server gets its own temporary data directory unless the test names one.
 */
import { RUN_ENV, RUN_FLAGS } from "../../server/run-flags.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

export interface TestServer {
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  /** Everything the server printed so far (JSON log lines). */
  logs(): string[];
  /** SIGTERM (or the given signal), then wait for exit. Idempotent. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

export interface StartOptions {
  env?: Record<string, string>;
  dataDir?: string;
  timeoutMs?: number;
  /** Extra `deno run` flags, after the usual ones (e.g. to compare V8 settings). */
  denoArgs?: string[];
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "ligero-test-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...RUN_FLAGS, ...options.denoArgs ?? [], MAIN],
    env: {
      ...RUN_ENV,
      LIGERO_SERVER__PORT: "0",
      LIGERO_STORE__DATA_DIR: dataDir,
      NO_COLOR: "1",
      ...options.env,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  const lines: string[] = [];
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    let rest = "";
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + text).split("\n");
      rest = parts.pop() ?? "";
      lines.push(...parts);
    }
    if (rest) lines.push(rest);
  };
  const drained = Promise.all([collect(child.stdout), collect(child.stderr)]);

  let exited: Deno.CommandStatus | undefined;
  const status = child.status.then(async (s) => {
    exited = s;
    await drained;
    return s;
  });
  const port = await waitForPort(lines, () => exited, options.timeoutMs ?? 30_000);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    dataDir,
    logs: () => lines,
    stop: async (signal: Deno.Signal = "SIGTERM") => {
      if (!exited) {
        try {
          child.kill(signal);
        } catch { /* already gone */ }
      }
      return await status;
    },
  };
}

async function waitForPort(
  lines: string[],
  exited: () => Deno.CommandStatus | undefined,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const line of lines) {
      if (!line.includes('"listening"')) continue;
      const port = JSON.parse(line).port;
      if (typeof port === "number") return port;
    }
    const status = exited();
    if (status) {
      throw new Error(
        `server exited with code ${status.code} before listening:\n${lines.join("\n")}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not listen within ${timeoutMs} ms:\n${lines.join("\n")}`);
}

/** Runs the server expecting it to refuse to start; returns its exit code and output. */
export async function startExpectingFailure(
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...RUN_FLAGS, MAIN],
    env: { ...RUN_ENV, LIGERO_SERVER__PORT: "0", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code, output: decode(stdout) + decode(stderr) };
}
