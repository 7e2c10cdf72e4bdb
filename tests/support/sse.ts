/** Reads a text/event-stream response into `{ event, data }` records, for tests. */
export interface SseRecord {
  event: string;
  data: string;
}

export async function readSse(
  res: Response,
  stopAfter?: (r: SseRecord) => boolean,
): Promise<SseRecord[]> {
  const out: SseRecord[] = [];
  let buffer = "";
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = "message";
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
        }
        if (data.length === 0) continue;
        const record = { event, data: data.join("\n") };
        out.push(record);
        if (stopAfter?.(record)) return out;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return out;
}
