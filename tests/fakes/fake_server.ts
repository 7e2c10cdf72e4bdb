/**
 * The scaffolding both fake LLM providers share: a real HTTP server on 127.0.0.1 (ephemeral
 * port) that answers each request with the next scripted reply, records what it received,
 * and notices when a client goes away mid-stream.
 */

export interface Recorded {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** Set when the client closed the connection before the stream ended. */
  cancelled: boolean;
}

export interface FakeServer<R> {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly requests: Recorded[];
  /** Queues replies, one per coming request; an empty queue answers with the default. */
  script(...replies: R[]): void;
  /**
   * Resolves when a client has cancelled a stream (the upstream side of an abort); rejects
   * when none did within `timeoutMs`.
   */
  cancelled(timeoutMs?: number): Promise<Recorded>;
  close(): Promise<void>;
}

export type Responder<R> = (
  reply: R | undefined,
  request: Recorded,
  /** The raw request: its signal tells a slow reply that the client left. */
  raw: Request,
  onCancel: () => void,
) => Response | Promise<Response>;

export function startFake<R>(respond: Responder<R>): FakeServer<R> {
  const queue: R[] = [];
  const requests: Recorded[] = [];
  const waiting: ((r: Recorded) => void)[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      const text = await req.text();
      const recorded: Recorded = {
        method: req.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(req.headers),
        body: text ? JSON.parse(text) : {},
        cancelled: false,
      };
      requests.push(recorded);
      const onCancel = () => {
        recorded.cancelled = true;
        for (const resolve of waiting.splice(0)) resolve(recorded);
      };
      return await respond(queue.shift(), recorded, req, onCancel);
    },
  );
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    requests,
    script: (...replies) => void queue.push(...replies),
    cancelled: (timeoutMs = 3000) => {
      const done = requests.find((r) => r.cancelled);
      if (done) return Promise.resolve(done);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error("no client cancelled a stream")),
          timeoutMs,
        );
        waiting.push((r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
    },
    close: () => server.shutdown(),
  };
}

export interface StreamPlan {
  /** Raw SSE text, one write each. */
  chunks: string[];
  /** Pause before each chunk. */
  delayMs?: number;
  /**
   * After the chunks: "close" ends the body cleanly, "error" breaks the connection, "hang"
   * sends nothing more, "endless" keeps sending `more()` until the client leaves.
   */
  end: "close" | "error" | "hang" | "endless";
  more?: () => string;
}

/** A streamed body that pauses, ends or breaks as planned and reports a client's cancel. */
export function streamBody(plan: StreamPlan, onCancel: () => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let stopped = false;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (next < plan.chunks.length) {
        // No timer when there is no delay: timers clamp to milliseconds, chunks need not.
        if (plan.delayMs) await pause(plan.delayMs);
        if (!stopped) controller.enqueue(encoder.encode(plan.chunks[next++]));
        return;
      }
      switch (plan.end) {
        case "close":
          return controller.close();
        case "error":
          return controller.error(new Error("fake: connection cut"));
        case "hang":
          return await new Promise<void>((resolve) => (wake = resolve));
        case "endless":
          await pause(plan.delayMs ?? 0);
          if (!stopped) controller.enqueue(encoder.encode(plan.more?.() ?? ""));
      }
    },
    cancel() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      onCancel();
    },
  });
}

/** Waits `ms` unless the request is aborted first (a client that timed out and left). */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };
