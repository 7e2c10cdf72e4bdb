/**
 * Where uploaded bytes live until their document is deleted. A single instance keeps them as
 * files (sources.ts). Instances sharing a database keep them in it, since the instance that
 * ingests a document may not be the one that received it; uploads still stream into a local
 * temporary file first (hashed on the way, never whole in memory while the client sends).
 */
import type { SourceBlobs } from "../plugins/store/scale-out.ts";
import type { Store } from "../plugins/store/types.ts";
import { type SavedSource, SourceFiles } from "./sources.ts";

export interface SourceStore {
  /** Streams `body` into a temporary file, hashing it on the way; rejects past `maxBytes`. */
  receive(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<SavedSource>;
  /** Saves bytes already in memory (JSON text uploads). */
  write(data: Uint8Array): Promise<SavedSource>;
  /** Keeps a received upload as its document's source. */
  adopt(source: SavedSource, documentId: string): Promise<void>;
  /** Drops a received upload that did not become a document. */
  discard(source: SavedSource): Promise<void>;
  read(documentId: string): Promise<Uint8Array>;
  /** The source as a file on this machine, if it is kept as one (PDFs are mapped from it). */
  localPath(documentId: string): string | undefined;
  remove(documentId: string): Promise<void>;
  /** Removes files a crash left behind (SourceFiles.sweep); returns how many. */
  sweep(exists: (documentId: string) => Promise<boolean>, staleMs: number): Promise<number>;
}

/** Sources in the shared database; the temporary files stay local. */
export class DatabaseSources implements SourceStore {
  constructor(private readonly files: SourceFiles, private readonly blobs: SourceBlobs) {}

  receive(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<SavedSource> {
    return this.files.receive(body, maxBytes);
  }

  write(data: Uint8Array): Promise<SavedSource> {
    return this.files.write(data);
  }

  async adopt(source: SavedSource, documentId: string): Promise<void> {
    await this.blobs.putSource(documentId, await Deno.readFile(source.path));
    await this.files.discard(source);
  }

  discard(source: SavedSource): Promise<void> {
    return this.files.discard(source);
  }

  async read(documentId: string): Promise<Uint8Array> {
    const bytes = await this.blobs.getSource(documentId);
    if (!bytes) throw new Deno.errors.NotFound(`no stored source for document ${documentId}`);
    return bytes;
  }

  localPath(_documentId: string): undefined {
    return undefined;
  }

  /** Only temporary files are local. */
  sweep(exists: (documentId: string) => Promise<boolean>, staleMs: number): Promise<number> {
    return this.files.sweep(exists, staleMs);
  }

  /** The database drops a document's source with it. */
  async remove(_documentId: string): Promise<void> {}
}

/** Files for a single instance, the database when the store is shared. */
export function sourceStoreFor(store: Store, dataDir: string): SourceStore {
  const files = new SourceFiles(dataDir);
  return store.sources ? new DatabaseSources(files, store.sources) : files;
}
