/**
 * One ingestion job: extract pages → store them → chunk → embed → store chunks and vectors
 * → ready. Every step commits in batches and the store remembers how far it got, so a job
 * interrupted by a crash or a restart resumes where it stopped: pages already stored are not
 * extracted again and chunks already stored are not embedded again (chunking is
 * deterministic, so ordinals line up).
 */
import type { Config } from "../config/schema.ts";
import type { EmbeddingKernel } from "../plugins/embeddings/types.ts";
import type { PdfKernel } from "../plugins/pdf/types.ts";
import { documentLanguage } from "../text/language.ts";
import type { ChunkInput, DocumentRecord, Language, Store } from "../plugins/store/types.ts";
import type { IndexSync } from "../search/index-sync.ts";
import { type ChunkDraft, chunkPages, type PageText } from "./chunker.ts";
import { kindOfMime } from "./detect.ts";
import { ExtractionError, openDocument } from "./extract.ts";
import type { SourceStore } from "./source-store.ts";

export interface Progress {
  status: DocumentRecord["status"];
  pagesDone: number;
  pagesTotal: number;
  error?: { code: string; message: string };
}

export interface IngestDeps {
  config: Config;
  store: Store;
  pdf: PdfKernel;
  embeddings: EmbeddingKernel;
  index: IndexSync;
  sources: SourceStore;
  /** Near the memory ceiling, each batch waits for memory instead of failing (the governor). */
  memory?: { untilBelowThreshold(what: string): Promise<void> };
}

/** Characters of the first pages that decide the document's full-text language. */
const LANGUAGE_SAMPLE = 20_000;
/** The model's [CLS] and [SEP]. */
const SPECIAL_TOKENS = 2;

export async function ingest(
  deps: IngestDeps,
  doc: DocumentRecord,
  report: (p: Progress) => void,
): Promise<void> {
  const { store } = deps;
  await deps.memory?.untilBelowThreshold(`ingest ${doc.id}`);
  const resume = await store.resumePoint(doc.id);
  const { pagesTotal, title } = await extractPhase(deps, doc, resume.pagesStored, report);
  const language = documentLanguage(await sampleText(store, doc.id, pagesTotal));
  await store.updateDocument(doc.id, {
    status: "embedding",
    language,
    pageCount: pagesTotal,
    pagesTotal,
    ...(title && doc.title === "" ? { title } : {}),
  });
  report({ status: "embedding", pagesDone: 0, pagesTotal });

  // the chunker tokenizes synchronously: the model stays loaded for the whole phase
  const written = await deps.embeddings.hold(() =>
    embedChunks(
      deps,
      doc.id,
      pagesTotal,
      language,
      resume.nextOrdinal,
      (pagesDone) => report({ status: "embedding", pagesDone, pagesTotal }),
    )
  );
  if (written === 0) {
    throw doc.mime === "application/pdf"
      ? new ExtractionError("needs_ocr", "the PDF has no text layer (a scan?): it needs OCR")
      : new ExtractionError("empty_document", "the document contains no text");
  }
  report({ status: "ready", pagesDone: pagesTotal, pagesTotal });
}

/** Stores the pages not stored yet; the upload's bytes live only inside this function. */
async function extractPhase(
  deps: IngestDeps,
  doc: DocumentRecord,
  pagesStored: number,
  report: (p: Progress) => void,
): Promise<{ pagesTotal: number; title?: string }> {
  const kind = kindOfMime(doc.mime);
  const path = kind === "pdf" ? deps.sources.localPath(doc.id) : undefined;
  const source = path ? { path } : { bytes: await deps.sources.read(doc.id) };
  const opened = await openDocument(kind, source, deps.pdf, deps.config.limits.pages);
  const pagesTotal = opened.pageCount;
  try {
    if (pagesStored < pagesTotal) {
      await deps.store.updateDocument(doc.id, {
        status: "extracting",
        pagesTotal,
        pageCount: pagesTotal,
      });
      report({ status: "extracting", pagesDone: pagesStored, pagesTotal });
      await extractPages(
        deps,
        doc.id,
        opened.pages(pagesStored + 1),
        (done) => report({ status: "extracting", pagesDone: done, pagesTotal }),
      );
    }
  } finally {
    opened.close(); // the PDF's native memory goes before embedding starts
  }
  return { pagesTotal, title: opened.title };
}

async function extractPages(
  { store, config, memory }: IngestDeps,
  documentId: string,
  pages: AsyncGenerator<PageText>,
  progress: (done: number) => void,
): Promise<void> {
  let batch: PageText[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await store.writePages(documentId, batch);
    const done = batch[batch.length - 1].pageNumber;
    await store.updateDocument(documentId, { pagesDone: done });
    progress(done);
    batch = [];
    await memory?.untilBelowThreshold(`extract ${documentId}`); // before the next pages are read
  };
  for await (const page of pages) {
    batch.push(page);
    if (batch.length >= config.ingest.pageBatch) await flush();
  }
  await flush();
}

async function sampleText(store: Store, documentId: string, pages: number): Promise<string> {
  let sample = "";
  for (let n = 1; n <= pages && sample.length < LANGUAGE_SAMPLE; n++) {
    sample += (await store.getPage(documentId, n)) ?? "";
  }
  return sample;
}

/** Chunks the stored pages, embeds and writes them in batches; returns the chunk count. */
async function embedChunks(
  { store, config, embeddings, index, memory }: IngestDeps,
  documentId: string,
  pagesTotal: number,
  language: Language,
  skipBelow: number,
  progress: (pagesDone: number) => void,
): Promise<number> {
  const pages = async function* (): AsyncGenerator<PageText> {
    for (let n = 1; n <= pagesTotal; n++) {
      yield { pageNumber: n, text: (await store.getPage(documentId, n)) ?? "" };
    }
  };
  const chunks = chunkPages(pages(), {
    targetTokens: config.chunking.targetTokens,
    overlapTokens: config.chunking.overlapTokens,
    maxTokens: embeddings.maxTokens - SPECIAL_TOKENS,
    tokenOffsets: (text) => embeddings.tokenOffsets(text),
    locale: language === "other" ? undefined : language,
  });

  let pending: ChunkDraft[] = [];
  let count = 0;
  const write = async (final: boolean) => {
    await memory?.untilBelowThreshold(`embed ${documentId}`);
    const vectors = pending.length ? await embeddings.embed(pending.map((c) => c.text)) : undefined;
    const inputs: ChunkInput[] = pending.map((c, i) => ({
      ...c,
      vector: vectors!.subarray(i * embeddings.dims, (i + 1) * embeddings.dims),
    }));
    const pagesDone = pending.length ? pending[pending.length - 1].pageEnd : undefined;
    await store.writeChunks({
      documentId,
      model: embeddings.modelId,
      chunks: inputs,
      pagesDone,
      final,
    });
    if (pagesDone) progress(pagesDone);
    pending = [];
  };
  index.markPending(documentId);
  for await (const chunk of chunks) {
    count++;
    if (chunk.ordinal < skipBelow) continue; // committed by an earlier run of this job
    if (pending.length >= config.ingest.chunkBatch) await write(false);
    pending.push(chunk);
  }
  if (count > 0) {
    await write(true);
    await index.catchUp();
  }
  index.markReady(documentId);
  return count;
}
