import assert from "node:assert/strict";
import { ZipArchive, ZipError } from "./zip.ts";
import { type ZipFile, zipOf } from "../tests/support/zip.ts";

const small = { entryBytes: 1024 * 1024, totalBytes: 2 * 1024 * 1024, entries: 100 };

async function read(zip: ZipArchive, name: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of zip.chunks(name)) parts.push(chunk);
  return new Uint8Array(parts.flatMap((p) => [...p]));
}

async function failure(run: () => unknown): Promise<ZipError> {
  try {
    await run();
  } catch (e) {
    assert.ok(e instanceof ZipError, `expected a ZipError, got ${e}`);
    return e;
  }
  assert.fail("expected a ZipError");
}

Deno.test("stored and deflated entries read back, names looked up without case or slash", async () => {
  const text = "¿Dónde está la biblioteca? 图书馆在哪里？".repeat(500);
  const zip = new ZipArchive(zipOf([
    { name: "mimetype", data: "application/test", method: 0 },
    { name: "word/Document.xml", data: text },
    { name: "empty.xml", data: "", compressed: new Uint8Array() },
  ]));
  assert.equal(await zip.text("empty.xml"), "");
  assert.equal(new TextDecoder().decode(await read(zip, "mimetype")), "application/test");
  assert.equal(await zip.text("/WORD/document.xml"), text);
  assert.ok(zip.has("word/document.xml"));
  assert.ok(!zip.has("../word/document.xml"));
});

Deno.test("a zip bomb stops at the entry budget, even when it declares a small size", async () => {
  const bomb = new Uint8Array(64 * 1024 * 1024); // deflates to ~64 KB
  const zip = new ZipArchive(zipOf([{ name: "bomb.xml", data: bomb, declaredSize: 100 }]));
  const before = Deno.memoryUsage().rss;
  const e = await failure(() => zip.text("bomb.xml"));
  assert.equal(e.code, "too_large");
  assert.match(e.message, /bomb\.xml inflates past the limit/);
  // at most the 32 MiB budget plus one step was ever inflated
  assert.ok(Deno.memoryUsage().rss - before < 96 * 1024 * 1024);
  const honest = new ZipArchive(zipOf([{ name: "bomb.xml", data: bomb }]), small);
  assert.equal((await failure(() => honest.text("bomb.xml"))).code, "too_large");
});

Deno.test("entries within their own budget still stop at the archive's budget", async () => {
  const part = new Uint8Array(800 * 1024);
  const files: ZipFile[] = [1, 2, 3].map((n) => ({ name: `p${n}.xml`, data: part }));
  const zip = new ZipArchive(zipOf(files), small);
  await zip.text("p1.xml");
  await zip.text("p2.xml");
  assert.equal((await failure(() => zip.text("p3.xml"))).code, "too_large");
});

Deno.test("a truncated archive, a damaged entry and a wrong checksum are damaged", async () => {
  const whole = zipOf([{ name: "a.xml", data: "x".repeat(10_000) }]);
  assert.equal((await failure(() => new ZipArchive(whole.slice(0, 60)))).code, "damaged");
  const corrupt = zipOf([{ name: "a.xml", data: "hello world, hello world", crc: 1234 }]);
  assert.equal((await failure(() => new ZipArchive(corrupt).text("a.xml"))).code, "damaged");
  // the directory intact, the deflate stream cut short
  const cut = zipOf([{ name: "a.xml", data: crypto.getRandomValues(new Uint8Array(5000)) }], {
    truncateData: 2000,
  });
  assert.equal((await failure(() => new ZipArchive(cut).text("a.xml"))).code, "damaged");
  const missing = await failure(() => new ZipArchive(whole).text("b\u0007".repeat(5000)));
  assert.equal(missing.code, "damaged");
  assert.ok(missing.message.length < 200 && !missing.message.includes("\u0007"));
});

Deno.test("encrypted entries and unknown compression methods are refused by name", async () => {
  const zip = new ZipArchive(zipOf([
    { name: "secret.xml", data: "x", flags: 1 },
    { name: "aes.xml", data: "x", method: 99 },
    { name: "bz.xml", data: "x", method: 12 },
  ]));
  assert.equal((await failure(() => zip.text("secret.xml"))).code, "encrypted");
  assert.equal((await failure(() => zip.text("aes.xml"))).code, "encrypted");
  const e = await failure(() => zip.text("bz.xml"));
  assert.equal(e.code, "unsupported");
  assert.match(e.message, /bzip2/);
});

Deno.test("a directory listing more entries than allowed is refused before reading", async () => {
  const files = Array.from({ length: 101 }, (_, i) => ({ name: `f${i}`, data: "" }));
  assert.equal(
    (await failure(() => new ZipArchive(zipOf(files), small))).code,
    "too_large",
  );
});
