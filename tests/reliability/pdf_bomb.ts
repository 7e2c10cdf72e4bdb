/**
 * A valid one-page PDF whose content stream is a Flate "bomb": `inflatedBytes` of spaces
 * compressed to a few KiB. Built here, never stored: a reader that inflates without a
 * bound would allocate all of it.
 */
import { deflateSync } from "node:zlib";

export function flateBombPdf(inflatedBytes: number): Uint8Array<ArrayBuffer> {
  const content = deflateSync(new Uint8Array(inflatedBytes).fill(0x20), { level: 9 });
  const head = new TextEncoder();
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  const push = (b: Uint8Array) => {
    parts.push(b);
    at += b.length;
  };
  const obj = (n: number, body: string, stream?: Uint8Array) => {
    offsets[n] = at;
    if (!stream) return push(head.encode(`${n} 0 obj\n${body}\nendobj\n`));
    push(head.encode(`${n} 0 obj\n${body}\nstream\n`));
    push(stream);
    push(head.encode("\nendstream\nendobj\n"));
  };
  push(head.encode("%PDF-1.4\n"));
  obj(1, "<< /Type /Catalog /Pages 2 0 R >>");
  obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  obj(
    3,
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R " +
      "/Resources << /Font << /F1 5 0 R >> >> >>",
  );
  obj(4, `<< /Length ${content.length} /Filter /FlateDecode >>`, content);
  obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  const xref = at;
  const rows = offsets.slice(1).map((o) => `${String(o).padStart(10, "0")} 00000 n \n`);
  push(
    head.encode(
      `xref\n0 6\n0000000000 65535 f \n${rows.join("")}` +
        `trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
    ),
  );
  const out = new Uint8Array(at);
  let p = 0;
  for (const b of parts) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}
