/**
 * Retrieval-augmented answering, shared by `/chat` and `/v1/chat/completions`: retrieve with
 * the question (borrowing the previous one when it is a short follow-up), number the best
 * passages into a prompt within the provider's budget, and stream the provider's answer.
 */
import type { Config } from "../config/schema.ts";
import { retrievalQuery } from "../plugins/llm/followup.ts";
import { buildRagMessages } from "../plugins/llm/prompt.ts";
import type { LlmEvent, LlmProvider } from "../plugins/llm/types.ts";
import type { SearchService } from "../search/service.ts";

export interface Turn {
  role: "user" | "assistant";
  content: string;
}

export interface Citation {
  n: number;
  chunkId: number;
  documentId: string;
  title: string;
  page: number;
  pageEnd: number;
  snippet: string;
}

export interface RagQuestion {
  ownerId: string;
  question: string;
  history: readonly Turn[];
  documentIds?: string[];
}

export interface RagAnswer {
  /** The passages in the prompt, numbered as the answer cites them. */
  citations: Citation[];
  events: AsyncIterable<LlmEvent>;
}

export class RagAnswerer {
  constructor(
    private readonly config: Config,
    private readonly search: SearchService,
    private readonly llm: LlmProvider,
  ) {}

  get model(): string {
    return `${this.llm.name}:${this.llm.model}`;
  }

  async answer(q: RagQuestion, signal?: AbortSignal): Promise<RagAnswer> {
    const results = await this.search.search({
      ownerId: q.ownerId,
      query: retrievalQuery(q.question, q.history),
      k: this.config.chat.sources,
      mode: "hybrid",
      documentIds: q.documentIds,
    });
    const prompt = buildRagMessages({
      question: q.question,
      passages: results.map((r) => ({ ...r, page: r.pageStart })),
      history: q.history.slice(-this.config.chat.historyMessages),
      budgetTokens: this.llm.promptTokens,
    });
    const citations = prompt.sources.map((s) => ({
      n: s.n,
      chunkId: s.chunkId,
      documentId: s.documentId,
      title: s.title,
      page: s.pageStart,
      pageEnd: s.pageEnd,
      snippet: s.snippet,
    }));
    return { citations, events: this.llm.stream(prompt.request, signal) };
  }
}

/** The `[n]` an answer cites, in order of first mention, only those that exist. */
export function citedNumbers(answer: string, available: readonly Citation[]): number[] {
  const known = new Set(available.map((c) => c.n));
  const seen: number[] = [];
  for (const m of answer.matchAll(/\[(\d{1,3})\]/g)) {
    const n = Number(m[1]);
    if (known.has(n) && !seen.includes(n)) seen.push(n);
  }
  return seen;
}
