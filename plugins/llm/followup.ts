/**
 * The text to retrieve with. A follow-up such as "¿y en 2023?" or "what about the second
 * one?" says too little to find passages by itself, so it borrows the previous user question.
 * A heuristic on purpose: rewriting the question with the LLM costs a round trip before the
 * first token, and the offline provider has no model to ask.
 */
import { stems } from "./extract.ts";

/** Fewer content words than this and the question leans on the conversation. */
const SELF_CONTAINED = 4;

export function retrievalQuery(
  question: string,
  history: readonly { role: "user" | "assistant"; content: string }[],
): string {
  if (stems(question).length >= SELF_CONTAINED) return question;
  const previous = history.findLast((turn) => turn.role === "user")?.content.trim();
  return previous ? `${previous}\n${question}` : question;
}
