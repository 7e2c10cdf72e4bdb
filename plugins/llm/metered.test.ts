import assert from "node:assert/strict";
import { metrics } from "../../server/metrics.ts";
import { LlmError } from "./errors.ts";
import { metered } from "./metered.ts";
import { OfflineProvider } from "./offline.ts";
import type { LlmProvider } from "./types.ts";

function count(line: string): number {
  const found = metrics.render().split("\n").find((l) => l.startsWith(line + " "));
  return found ? Number(found.split(" ").at(-1)) : 0;
}

Deno.test("metered: counts calls by outcome and tokens by kind", async () => {
  const ok = 'ligero_llm_calls_total{outcome="ok",provider="offline"}';
  const completion = 'ligero_llm_tokens_total{kind="completion",provider="offline"}';
  const before = [count(ok), count(completion)];
  const provider = metered(new OfflineProvider());
  const result = await provider.complete({ messages: [], question: "hola", sources: [] });
  assert.equal(count(ok), before[0] + 1);
  assert.equal(count(completion), before[1] + result.usage.completionTokens);
  assert.ok(metrics.render().includes('ligero_llm_first_token_seconds_count{provider="offline"}'));
});

Deno.test("metered: a failure is counted under its code and still thrown", async () => {
  const failing: LlmProvider = {
    ...new OfflineProvider(),
    name: "kimi",
    model: "m",
    promptTokens: 100,
    stream: async function* () {
      yield* [];
      throw new LlmError("upstream_auth", "no");
    },
    complete: () => Promise.reject(new Error("unused")),
  };
  const line = 'ligero_llm_calls_total{outcome="upstream_auth",provider="kimi"}';
  const before = count(line);
  await assert.rejects(metered(failing).complete({ messages: [] }), LlmError);
  assert.equal(count(line), before + 1);
});
