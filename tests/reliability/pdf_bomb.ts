/**
 * Valid PDFs whose streams are Flate "bombs": megabytes of spaces compressed to a few KiB.
 * Built here, never stored: a reader that inflates without a bound would allocate all of it.
 */
import { deflateSync } from "node:zlib";

const encoder = new TextEncoder();

function spaces(n: number, tail = ""): Uint8Array {
  const out = new Uint8Array(n + tail.length).fill(0x20);
  out.set(encoder.encode(tail), n);
  return deflateSync(out, { level: 9 });
}

/** Objects numbered from 1 in order, each a dictionary and maybe a (Flate) stream. */
function pdf(objects: { body: string; stream?: Uint8Array }[]): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  const push = (b: Uint8Array) => {
    parts.push(b);
    at += b.length;
  };
  push(encoder.encode("%PDF-1.4\n"));
  objects.forEach(({ body, stream }, i) => {
    offsets.push(at);
    if (!stream) return push(encoder.encode(`${i + 1} 0 obj\n${body}\nendobj\n`));
    const dict = body.replace(/>>$/, ` /Length ${stream.length} /Filter /FlateDecode >>`);
    push(encoder.encode(`${i + 1} 0 obj\n${dict}\nstream\n`));
    push(stream);
    push(encoder.encode("\nendstream\nendobj\n"));
  });
  const xref = at;
  const rows = offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`);
  push(encoder.encode(
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${rows.join("")}` +
      `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
  ));
  const out = new Uint8Array(at);
  let p = 0;
  for (const b of parts) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

const FONT = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

/** One page whose content stream inflates to `inflatedBytes` of spaces. */
export function flateBombPdf(inflatedBytes: number): Uint8Array<ArrayBuffer> {
  return pdf([
    { body: "<< /Type /Catalog /Pages 2 0 R >>" },
    { body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>" },
    {
      body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R " +
        "/Resources << /Font << /F1 5 0 R >> >> >>",
    },
    { body: "<< >>", stream: spaces(inflatedBytes) },
    { body: FONT },
  ]);
}

/**
 * `pages` pages with a line of text each (so the upload is accepted and ingested, pages in
 * parallel), then the same `inflatedBytes` stream `repeat` times in /Contents, and a form
 * drawn `forms` times whose content is as big and draws itself again (forms nest).
 */
export function repeatedBombPdf(
  { pages, inflatedBytes, repeat, forms }: {
    pages: number;
    inflatedBytes: number;
    repeat: number;
    forms: number;
  },
): Uint8Array<ArrayBuffer> {
  const first = 6; // objects 1-5 below, then a page and its text per page
  const kids = Array.from({ length: pages }, (_, i) => `${first + 2 * i} 0 R`).join(" ");
  const objects: { body: string; stream?: Uint8Array }[] = [
    { body: "<< /Type /Catalog /Pages 2 0 R >>" },
    { body: `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>` },
    { body: FONT },
    { body: "<< >>", stream: spaces(inflatedBytes) },
    {
      body: "<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] >>",
      stream: spaces(inflatedBytes, " /Fm Do"),
    },
  ];
  const bombs = Array(repeat).fill("4 0 R").join(" ");
  for (let i = 0; i < pages; i++) {
    const text = first + 2 * i + 1;
    objects.push({
      body:
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [${text} 0 R ${bombs}] ` +
        "/Resources << /Font << /F1 3 0 R >> /XObject << /Fm 5 0 R >> >> >>",
    });
    const draw = " /Fm Do".repeat(forms);
    objects.push({
      body: "<< >>",
      stream: deflateSync(encoder.encode(
        `BT /F1 12 Tf 72 720 Td (Page ${i + 1} of a decompression bomb.) Tj ET${draw}`,
      )),
    });
  }
  return pdf(objects);
}
