/**
 * Builds the messages for a RAG answer: the system prompt from `prompts/rag.<lang>.md`, the
 * recent conversation condensed, and a last user message with the numbered sources and the
 * question, all within a token budget. Sources come first in the budget (they carry the
 * answer); history gets at most a quarter, and only what the sources leave.
 */
import { questionLanguage, type ReplyLanguage as Language } from "../../text/language.ts";
import { estimateTokens, type LlmMessage, type LlmRequest } from "./types.ts";

/** A retrieved passage, ranked best first. Extra fields (chunk ids...) are carried through. */
export interface Passage {
  title: string;
  page: number;
  text: string;
}

export interface RagInput<P extends Passage> {
  question: string;
  passages: readonly P[];
  /** Earlier turns, oldest first. */
  history?: readonly { role: "user" | "assistant"; content: string }[];
  /** Tokens the whole prompt may use: the provider's `promptTokens`. */
  budgetTokens: number;
  /** A real tokenizer's count when the caller has one; default chars / 4. */
  countTokens?: (text: string) => number;
  /** Default: detected from the question. */
  language?: Language;
}

export interface RagPrompt<P extends Passage> {
  /** Ready for `LlmProvider.stream`: messages, numbered sources, the raw question. */
  request: LlmRequest;
  /** The passages that made it into the prompt, numbered as the answer cites them. */
  sources: (P & { n: number })[];
  language: Language;
  /** The prompt's size by `countTokens`. */
  promptTokens: number;
}

/** Share of the budget history may take, and the most one past turn may keep. */
const HISTORY_SHARE = 0.25;
const TURN_TOKENS = 200;
/** A passage cut shorter than this is not worth sending. */
const MIN_PASSAGE_TOKENS = 40;

export function buildRagMessages<P extends Passage>(input: RagInput<P>): RagPrompt<P> {
  const count = input.countTokens ?? estimateTokens;
  const language = input.language ?? questionLanguage(input.question);
  const template = loadTemplate(language);
  const question = truncate(input.question.trim(), Math.floor(input.budgetTokens / 4), count);
  const fixed = count(template.system) + count(fill(template.user, "", question));
  let room = input.budgetTokens - fixed;

  const turns = condense(input.history ?? [], count);
  const turnsCost = turns.reduce((sum, t) => sum + t.tokens, 0);
  const historyReserve = Math.min(Math.floor(room * HISTORY_SHARE), turnsCost);

  const sources: (P & { n: number })[] = [];
  const blocks: string[] = [];
  for (const passage of input.passages) {
    const n = sources.length + 1;
    let block = formatSource(n, passage, passage.text);
    let cost = count(block) + 1;
    const available = room - historyReserve;
    if (cost > available && sources.length === 0 && available >= MIN_PASSAGE_TOKENS) {
      const head = count(formatSource(n, passage, ""));
      block = formatSource(n, passage, truncate(passage.text, available - head - 1, count));
      cost = count(block) + 1;
    }
    if (cost > available) continue;
    sources.push({ ...passage, n });
    blocks.push(block);
    room -= cost;
  }

  const history: LlmMessage[] = [];
  for (const turn of turns.toReversed()) {
    if (turn.tokens > room) break;
    history.unshift({ role: turn.role, content: turn.content });
    room -= turn.tokens;
  }
  // A conversation starts with the user (Gemini refuses anything else), and an answer
  // without its question means little.
  if (history[0]?.role === "assistant") history.shift();

  const messages: LlmMessage[] = [
    { role: "system", content: template.system },
    ...history,
    { role: "user", content: fill(template.user, blocks.join("\n\n"), question) },
  ];
  return {
    request: {
      messages,
      sources: sources.map(({ n, title, page, text }) => ({ n, title, page, text })),
      question,
    },
    sources,
    language,
    promptTokens: messages.reduce((sum, m) => sum + count(m.content), 0),
  };
}

function formatSource(n: number, passage: Passage, text: string): string {
  return `[${n}] ${passage.title}, p. ${passage.page}\n${text.trim()}`;
}

/**
 * Past turns without their citations (their numbers meant other sources), whitespace
 * collapsed, each cut to TURN_TOKENS.
 */
function condense(
  history: readonly { role: "user" | "assistant"; content: string }[],
  count: (text: string) => number,
): { role: "user" | "assistant"; content: string; tokens: number }[] {
  return history.map(({ role, content }) => {
    const clean = content.replace(/\s*\[\d+\](?:\[\d+\])*/g, "").replace(/\s+/g, " ").trim();
    const cut = truncate(clean, TURN_TOKENS, count);
    return { role, content: cut, tokens: count(cut) };
  }).filter((t) => t.content);
}

/** Cuts `text` at a word boundary until `count` says it fits in `tokens`. */
export function truncate(text: string, tokens: number, count: (text: string) => number): string {
  let out = text;
  while (count(out) > tokens) {
    const keep = Math.floor(out.length * Math.max(0, tokens) / count(out) * 0.95);
    if (keep <= 0) return "";
    const space = out.lastIndexOf(" ", keep);
    out = `${out.slice(0, space > keep / 2 ? space : keep).trimEnd()}…`;
  }
  return out;
}

function fill(template: string, sources: string, question: string): string {
  return template.replace(
    /\{\{(sources|question)\}\}/g,
    (_, key) => key === "sources" ? sources : question,
  );
}

const templates = new Map<Language, { system: string; user: string }>();

/** Reads `prompts/rag.<lang>.md` once: the text after `<!-- system -->` and `<!-- user -->`. */
export function loadTemplate(language: Language): { system: string; user: string } {
  let template = templates.get(language);
  if (!template) {
    const url = new URL(`../../prompts/rag.${language}.md`, import.meta.url);
    const text = Deno.readTextFileSync(url);
    const system = text.split("<!-- system -->")[1]?.split("<!-- user -->")[0]?.trim();
    const user = text.split("<!-- user -->")[1]?.trim();
    if (!system || !user) {
      throw new Error(`${url.pathname}: needs a <!-- system --> and a <!-- user --> part`);
    }
    template = { system, user };
    templates.set(language, template);
  }
  return template;
}
