/**
 * The uploaded bytes of each document, kept on disk under `<dataDir>/uploads/` until the
 * document is deleted: ingestion reads them (and reads them again to resume after a
 * restart), and they never sit in memory while a job waits in the queue.
 */
import { createHash } from "node:crypto";

export interface SavedSource {
  path: string;
  sha256: string;
  bytes: number;
}

export class SourceFiles {
  readonly #dir: string;

  constructor(dataDir: string) {
    this.#dir = `${dataDir.replace(/\/$/, "")}/uploads`;
    Deno.mkdirSync(this.#dir, { recursive: true });
  }

  /** Streams `body` into a temporary file, hashing it on the way; rejects past `maxBytes`. */
  async receive(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<SavedSource> {
    const path = `${this.#dir}/incoming-${crypto.randomUUID()}`;
    const file = await Deno.open(path, { write: true, createNew: true });
    const hash = createHash("sha256");
    let bytes = 0;
    try {
      for await (const chunk of body) {
        bytes += chunk.length;
        if (bytes > maxBytes) throw new SourceTooLargeError(maxBytes);
        hash.update(chunk);
        for (let done = 0; done < chunk.length;) done += await file.write(chunk.subarray(done));
      }
      await file.sync();
    } catch (e) {
      file.close();
      await Deno.remove(path).catch(() => {});
      throw e;
    }
    file.close();
    return { path, sha256: hash.digest("hex"), bytes };
  }

  /** Saves bytes already in memory (JSON text uploads). */
  async write(data: Uint8Array): Promise<SavedSource> {
    const path = `${this.#dir}/incoming-${crypto.randomUUID()}`;
    await Deno.writeFile(path, data).catch(async (e) => {
      await Deno.remove(path).catch(() => {}); // a full disk leaves a partial file
      throw e;
    });
    return { path, sha256: createHash("sha256").update(data).digest("hex"), bytes: data.length };
  }

  /** Gives a received file its document's name. */
  async adopt(source: SavedSource, documentId: string): Promise<void> {
    await Deno.rename(source.path, this.pathOf(documentId));
  }

  async discard(source: SavedSource): Promise<void> {
    await Deno.remove(source.path).catch(() => {});
  }

  read(documentId: string): Promise<Uint8Array> {
    return Deno.readFile(this.pathOf(documentId));
  }

  /** Written once and renamed into place, never rewritten: safe to map while it exists. */
  localPath(documentId: string): string {
    return this.pathOf(documentId);
  }

  async remove(documentId: string): Promise<void> {
    await Deno.remove(this.pathOf(documentId)).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }

  /**
   * Removes what a crash left: files of documents the store no longer has (a kill between
   * deleting the row and the file) and temp files older than `staleMs` (replicas sharing
   * the volume may be receiving fresh ones). Returns how many files went.
   */
  async sweep(exists: (documentId: string) => Promise<boolean>, staleMs: number): Promise<number> {
    let removed = 0;
    for await (const entry of Deno.readDir(this.#dir)) {
      const path = `${this.#dir}/${entry.name}`;
      const stale = entry.name.startsWith("incoming-")
        ? Date.now() - ((await Deno.stat(path)).mtime?.getTime() ?? 0) > staleMs
        : /^[\w-]+$/.test(entry.name) && !(await exists(entry.name));
      if (!entry.isFile || !stale) continue;
      await Deno.remove(path).catch(() => {});
      removed++;
    }
    return removed;
  }

  /** Document ids are UUIDs chosen by the store, never names from the request. */
  pathOf(documentId: string): string {
    if (!/^[\w-]+$/.test(documentId)) throw new Error(`not a document id: ${documentId}`);
    return `${this.#dir}/${documentId}`;
  }
}

export class SourceTooLargeError extends Error {
  override name = "SourceTooLargeError";
  constructor(readonly maxBytes: number) {
    super(`upload exceeds ${maxBytes} bytes`);
  }
}
