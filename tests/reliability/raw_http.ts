/**
 * HTTP/1.1 by hand over TCP, for requests fetch refuses to make: giant headers, bodies that
 * trickle in, lying Content-Length.
 */
const encoder = new TextEncoder();

export interface RawResponse {
  status: number;
  head: string;
  body: string;
}

export interface RawRequest {
  port: number;
  head: string;
  /** Body pieces written one after another, `gapMs` apart. */
  pieces?: (string | Uint8Array)[];
  gapMs?: number;
  timeoutMs?: number;
}

/** Sends the request, then reads until the server closes or a whole response arrived. */
export async function rawRequest(req: RawRequest): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: req.port });
  const timer = setTimeout(() => conn.close(), req.timeoutMs ?? 15_000);
  let closed = false;
  const writing = (async () => {
    try {
      await write(conn, encoder.encode(req.head));
      for (const piece of req.pieces ?? []) {
        if (closed) return;
        await new Promise((r) => setTimeout(r, req.gapMs ?? 0));
        await write(conn, typeof piece === "string" ? encoder.encode(piece) : piece);
      }
    } catch { /* the server may close early; that is the point of some tests */ }
  })();
  let text = "";
  const buf = new Uint8Array(65536);
  const decoder = new TextDecoder();
  try {
    while (true) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += decoder.decode(buf.subarray(0, n), { stream: true });
      if (complete(text)) break;
    }
  } catch { /* reset by peer: whatever arrived is the answer */ }
  closed = true;
  clearTimeout(timer);
  try {
    conn.close();
  } catch { /* already closed by the timer */ }
  await writing;
  const [head, body = ""] = text.split("\r\n\r\n", 2);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, head, body };
}

async function write(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let sent = 0; sent < bytes.length;) sent += await conn.write(bytes.subarray(sent));
}

function complete(text: string): boolean {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const length = /content-length: (\d+)/i.exec(text.slice(0, end))?.[1];
  return length !== undefined && text.length - end - 4 >= Number(length);
}
