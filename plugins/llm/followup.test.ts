import assert from "node:assert/strict";
import { retrievalQuery } from "./followup.ts";

const history = [
  { role: "user" as const, content: "¿Cuántos días de vacaciones da el convenio de 2022?" },
  { role: "assistant" as const, content: "Veintidós días hábiles [1]." },
];

Deno.test("retrievalQuery: a short follow-up borrows the previous question", () => {
  assert.equal(
    retrievalQuery("¿Y en 2023?", history),
    "¿Cuántos días de vacaciones da el convenio de 2022?\n¿Y en 2023?",
  );
});

Deno.test("retrievalQuery: a self-contained question, or no history, stays as it is", () => {
  const full = "¿Qué penalizaciones fija el contrato de suministro por retraso?";
  assert.equal(retrievalQuery(full, history), full);
  assert.equal(retrievalQuery("¿Y en 2023?", []), "¿Y en 2023?");
});
