/**
 * The default provider: no key, no network. It answers by quoting the source sentences that
 * share the most terms with the question, each with its `[n]` citation, in the question's
 * language, streamed word by word like a model would.
 */
import { firstSentence, pickSentences } from "./extract.ts";
import { questionLanguage, type ReplyLanguage as Language } from "../../text/language.ts";
import {
  collect,
  estimatedUsage,
  type LlmCompletion,
  type LlmEvent,
  type LlmProvider,
  type LlmRequest,
} from "./types.ts";

const PHRASES: Record<Language, { found: string; closest: string; none: string }> = {
  es: {
    found: "Según los documentos:",
    closest: "Los documentos no responden a esto directamente. Lo más cercano:",
    none: "No encontré pasajes sobre esto en los documentos.",
  },
  en: {
    found: "According to the documents:",
    closest: "The documents do not answer this directly. The closest passage:",
    none: "I found no passages about this in the documents.",
  },
};

export class OfflineProvider implements LlmProvider {
  readonly name = "offline";
  readonly model = "extractive";
  readonly promptTokens = 4000;

  async *stream(request: LlmRequest, signal?: AbortSignal): AsyncGenerator<LlmEvent> {
    const answer = offlineAnswer(request);
    for (const word of answer.match(/\S+\s*/g) ?? []) {
      signal?.throwIfAborted();
      yield { type: "token", text: word };
    }
    yield { type: "usage", ...estimatedUsage(request, answer.length) };
    yield { type: "done", finishReason: "stop" };
  }

  complete(request: LlmRequest, signal?: AbortSignal): Promise<LlmCompletion> {
    return collect(this.stream(request, signal));
  }
}

export function offlineAnswer(request: LlmRequest): string {
  const question = request.question ??
    request.messages.findLast((m) => m.role === "user")?.content ?? "";
  const say = PHRASES[questionLanguage(question)];
  const sources = request.sources ?? [];
  if (sources.length === 0) return say.none;
  const picks = pickSentences(question, sources);
  if (picks.length === 0) {
    const closest = firstSentence(sources[0].text);
    return closest ? `${say.closest} "${closest}" [${sources[0].n}]` : say.none;
  }
  return [say.found, "", ...picks.map((p) => `- ${p.text} [${p.n}]`)].join("\n");
}
