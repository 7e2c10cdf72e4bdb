/**
 * `/chat`: a RAG answer inside a conversation. The question and the answer are stored
 * together once the answer is complete, so a failed or cancelled answer leaves the
 * conversation as it was.
 */
import type { Conversation, Store, TokenUsage } from "../plugins/store/types.ts";
import { ApiError } from "../server/errors.ts";
import { type Citation, citedNumbers, type RagAnswerer, type Turn } from "./rag.ts";

export interface ChatInput {
  ownerId: string;
  conversationId?: string;
  message: string;
  documentIds?: string[];
}

export type ChatEvent =
  | { type: "sources"; sources: Citation[] }
  | { type: "token"; text: string }
  | {
    type: "done";
    conversationId: string;
    messageId: number;
    answer: string;
    cited: number[];
    usage: TokenUsage;
    finishReason: string;
  };

const TITLE_CHARS = 80;

export class ChatService {
  constructor(private readonly store: Store, private readonly rag: RagAnswerer) {}

  async #open(input: ChatInput): Promise<{ conversation: Conversation | null; history: Turn[] }> {
    if (!input.conversationId) return { conversation: null, history: [] };
    const conversation = await this.store.getConversation(input.conversationId, input.ownerId);
    if (!conversation) {
      throw new ApiError(404, "conversation_not_found", `no conversation ${input.conversationId}`);
    }
    const messages = await this.store.listMessages(conversation.id);
    const history = messages.flatMap((m) =>
      m.role === "system" ? [] : [{ role: m.role, content: m.content }]
    );
    return { conversation, history };
  }

  /**
   * The answer as events: `sources`, `token`s, `done`. Everything checkable (the conversation,
   * retrieval) happens before the first event, so a caller that pulls it before streaming can
   * still answer a plain 4xx.
   */
  async *chat(input: ChatInput, signal?: AbortSignal): AsyncGenerator<ChatEvent> {
    const { conversation, history } = await this.#open(input);
    const { citations, events } = await this.rag.answer({
      ownerId: input.ownerId,
      question: input.message,
      history,
      documentIds: input.documentIds,
    }, signal);
    yield { type: "sources", sources: citations };

    let answer = "";
    let usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
    let finishReason = "stop";
    for await (const event of events) {
      if (event.type === "token") {
        answer += event.text;
        yield { type: "token", text: event.text };
      } else if (event.type === "usage") {
        usage = { promptTokens: event.promptTokens, completionTokens: event.completionTokens };
      } else if (event.type === "done") finishReason = event.finishReason;
    }

    const cited = citedNumbers(answer, citations);
    const target = conversation ??
      await this.store.createConversation(input.ownerId, titleOf(input.message));
    await this.store.addMessage({
      conversationId: target.id,
      role: "user",
      content: input.message,
    });
    const stored = await this.store.addMessage({
      conversationId: target.id,
      role: "assistant",
      content: answer,
      citedChunkIds: cited.map((n) => citations.find((c) => c.n === n)!.chunkId),
      usage,
      model: this.rag.model,
    });
    yield {
      type: "done",
      conversationId: target.id,
      messageId: stored.id,
      answer,
      cited,
      usage,
      finishReason,
    };
  }
}

function titleOf(message: string): string {
  const oneLine = message.replace(/\s+/g, " ").trim();
  return oneLine.length <= TITLE_CHARS ? oneLine : oneLine.slice(0, TITLE_CHARS - 1) + "…";
}
