import assert from "node:assert/strict";
import { buildRagMessages, loadTemplate, truncate } from "./prompt.ts";
import { estimateTokens } from "./types.ts";

const passages = [
  { chunkId: 7, title: "Contrato", page: 3, text: "El plazo de entrega es de 30 días. ".repeat(4) },
  { chunkId: 9, title: "Anexo", page: 1, text: "Las penalizaciones son del 2% semanal." },
];

Deno.test("prompt: Spanish template, numbered sources with title and page, raw question", () => {
  const prompt = buildRagMessages({
    question: "¿Cuál es el plazo de entrega?",
    passages,
    budgetTokens: 2000,
  });
  assert.equal(prompt.language, "es");
  const [system, user] = prompt.request.messages;
  assert.equal(system.content, loadTemplate("es").system);
  assert.match(system.content, /\[1\]/);
  assert.match(user.content, /^Fuentes:\n\n\[1\] Contrato, p\. 3\nEl plazo/);
  assert.match(user.content, /\[2\] Anexo, p\. 1\nLas penalizaciones/);
  assert.match(user.content, /Pregunta: ¿Cuál es el plazo de entrega\?$/);
  assert.deepEqual(prompt.sources.map((s) => [s.n, s.chunkId]), [[1, 7], [2, 9]]);
  assert.equal(prompt.request.question, "¿Cuál es el plazo de entrega?");
  assert.equal(prompt.request.sources?.[1].text, passages[1].text);
});

Deno.test("prompt: English question gets the English template", () => {
  const prompt = buildRagMessages({
    question: "What is the deadline?",
    passages,
    budgetTokens: 2000,
  });
  assert.equal(prompt.language, "en");
  assert.match(prompt.request.messages.at(-1)!.content, /^Sources:[\s\S]*Question: What is/);
});

Deno.test("prompt: stays within the budget; sources beat history", () => {
  const many = Array.from({ length: 30 }, (_, i) => ({
    title: `Doc ${i}`,
    page: i,
    text: `passage ${i} `.repeat(60),
  }));
  const history = Array.from({ length: 20 }, (_, i) => ({
    role: (i % 2 ? "assistant" : "user") as "user" | "assistant",
    content: `turn ${i} with a citation [1][2] `.repeat(30),
  }));
  const budget = 1500;
  const prompt = buildRagMessages({
    question: "What?",
    passages: many,
    history,
    budgetTokens: budget,
  });
  assert.ok(prompt.promptTokens <= budget, `${prompt.promptTokens} > ${budget}`);
  assert.ok(prompt.sources.length >= 3, "most of the budget goes to sources");
  const past = prompt.request.messages.slice(1, -1);
  assert.ok(past.length >= 1 && past.length < 20, "recent history only");
  assert.ok(past.at(-1)!.content.startsWith("turn 19"), "the most recent turn is kept");
  assert.ok(past.every((m) => !/\[\d\]/.test(m.content)), "old citations stripped");
  assert.deepEqual(prompt.sources.map((s) => s.n), prompt.sources.map((_, i) => i + 1));
});

Deno.test("prompt: a first passage larger than the budget is cut, not dropped", () => {
  const huge = [{ title: "Big", page: 1, text: "word ".repeat(5000) }];
  const prompt = buildRagMessages({ question: "Big?", passages: huge, budgetTokens: 800 });
  assert.equal(prompt.sources.length, 1);
  assert.ok(prompt.promptTokens <= 800);
  assert.match(prompt.request.messages.at(-1)!.content, /…/);
});

Deno.test("prompt: a caller's token counter is used", () => {
  const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
  const prompt = buildRagMessages({
    question: "What?",
    passages,
    budgetTokens: 500,
    countTokens: words,
  });
  assert.equal(
    prompt.promptTokens,
    prompt.request.messages.reduce((sum, m) => sum + words(m.content), 0),
  );
});

Deno.test("truncate: cuts at a word boundary to fit", () => {
  const text = "alpha beta gamma delta epsilon zeta eta theta";
  const cut = truncate(text, 5, estimateTokens);
  assert.ok(estimateTokens(cut) <= 5);
  assert.match(cut, /^alpha( [a-z]+)*…$/);
  assert.equal(truncate(text, 100, estimateTokens), text);
});

Deno.test("prompt: history never starts with an assistant turn", () => {
  const history = [
    { role: "user" as const, content: "first question ".repeat(100) },
    { role: "assistant" as const, content: "short answer" },
    { role: "user" as const, content: "second question" },
    { role: "assistant" as const, content: "second answer" },
  ];
  // 300: room for the last three turns but not the long first question; 5000: for all four.
  for (const [budget, turns] of [[300, 2], [5000, 4]]) {
    const prompt = buildRagMessages({
      question: "Next?",
      passages: [],
      history,
      budgetTokens: budget,
    });
    const past = prompt.request.messages.slice(1, -1);
    assert.equal(past.length, turns, `budget ${budget}`);
    assert.equal(past[0].role, "user", `budget ${budget}`);
  }
});
