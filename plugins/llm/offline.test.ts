import assert from "node:assert/strict";
import { offlineAnswer, OfflineProvider } from "./offline.ts";
import type { LlmSource } from "./types.ts";
import { drain } from "./wire.case.ts";

const SOURCES: LlmSource[] = [
  {
    n: 1,
    title: "Reglamento de vacaciones",
    page: 4,
    text: "El reglamento se aplica a todo el personal. Los empleados tienen derecho a 22 días " +
      "hábiles de vacaciones pagadas por año trabajado. Las vacaciones se solicitan con un mes " +
      "de antelación.",
  },
  {
    n: 2,
    title: "Manual del empleado",
    page: 12,
    text: "El horario de oficina es de 9 a 18 horas. Los días de vacaciones no disfrutados " +
      "pueden trasladarse al primer trimestre del año siguiente.",
  },
  {
    n: 3,
    title: "Safety handbook",
    page: 2,
    text: "Fire exits are marked in green. Employees must attend a yearly fire drill.",
  },
];

Deno.test("offline: a Spanish question gets a Spanish answer citing the right passages", () => {
  const answer = offlineAnswer({
    messages: [{ role: "user", content: "¿Cuántos días de vacaciones tienen los empleados?" }],
    sources: SOURCES,
  });
  assert.match(answer, /^Según los documentos:/);
  assert.match(answer, /22 días hábiles de vacaciones pagadas por año trabajado\. \[1\]/);
  assert.ok(!answer.includes("[3]"), "the fire-drill passage is off topic");
  assert.ok(!answer.includes("horario de oficina"), "only matching sentences are quoted");
});

Deno.test("offline: an English question gets an English answer", () => {
  const answer = offlineAnswer({
    messages: [],
    question: "Where are the fire exits?",
    sources: SOURCES,
  });
  assert.match(answer, /^According to the documents:\n\n- Fire exits are marked in green\. \[3\]/);
});

Deno.test("offline: says so when the sources do not answer, or when there are none", () => {
  const question = "¿Quién fundó la empresa?";
  const closest = offlineAnswer({ messages: [], question, sources: SOURCES.slice(2) });
  assert.match(closest, /^Los documentos no responden a esto directamente\..*\[3\]$/);
  const none = offlineAnswer({ messages: [], question: "What is the budget?", sources: [] });
  assert.equal(none, "I found no passages about this in the documents.");
});

Deno.test("offline: streams word by word, then usage and done; abort stops it", async () => {
  const provider = new OfflineProvider();
  const request = { messages: [], question: "vacaciones pagadas", sources: SOURCES };
  const { events } = await drain(provider.stream(request));
  const tokens = events.filter((e) => e.type === "token");
  assert.ok(tokens.length > 10);
  assert.equal(tokens.map((e) => e.text).join(""), offlineAnswer(request));
  assert.deepEqual(events.slice(-2).map((e) => e.type), ["usage", "done"]);

  const controller = new AbortController();
  const { error, events: partial } = await drain(
    (async function* () {
      for await (const e of provider.stream(request, controller.signal)) {
        controller.abort();
        yield e;
      }
    })(),
  );
  assert.equal((error as Error).name, "AbortError");
  assert.equal(partial.length, 1);
});
