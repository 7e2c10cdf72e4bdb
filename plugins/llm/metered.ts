/**
 * Wraps a provider so every call is counted in /metrics: calls by outcome (ok, an LlmError
 * code, aborted), tokens by kind, and the time to the first token, which is what a user
 * waits for.
 */
import { Counter, Histogram, LATENCY_BUCKETS, metrics } from "../../server/metrics.ts";
import { LlmError } from "./errors.ts";
import {
  collect,
  type LlmCompletion,
  type LlmEvent,
  type LlmProvider,
  type LlmRequest,
} from "./types.ts";

const calls = metrics.register(
  new Counter("ligero_llm_calls_total", "LLM calls by provider and outcome."),
);
const tokens = metrics.register(
  new Counter("ligero_llm_tokens_total", "LLM tokens by provider and kind (prompt, completion)."),
);
const firstToken = metrics.register(
  new Histogram(
    "ligero_llm_first_token_seconds",
    "Time from the call to the first streamed token or reasoning.",
    LATENCY_BUCKETS,
  ),
);

export function metered(provider: LlmProvider): LlmProvider {
  return {
    name: provider.name,
    model: provider.model,
    promptTokens: provider.promptTokens,
    stream: (request, signal) => meter(provider, request, signal),
    complete(request: LlmRequest, signal?: AbortSignal): Promise<LlmCompletion> {
      return collect(meter(provider, request, signal));
    },
  };
}

async function* meter(
  provider: LlmProvider,
  request: LlmRequest,
  signal?: AbortSignal,
): AsyncGenerator<LlmEvent> {
  const labels = { provider: provider.name };
  const start = performance.now();
  let first = true;
  let outcome = "aborted";
  try {
    for await (const event of provider.stream(request, signal)) {
      if (first && (event.type === "token" || event.type === "reasoning")) {
        firstToken.observe((performance.now() - start) / 1000, labels);
        first = false;
      }
      if (event.type === "usage") {
        tokens.inc({ ...labels, kind: "prompt" }, event.promptTokens);
        tokens.inc({ ...labels, kind: "completion" }, event.completionTokens);
      }
      if (event.type === "done") outcome = "ok";
      yield event;
    }
  } catch (e) {
    if (e instanceof LlmError) outcome = e.code;
    throw e;
  } finally {
    calls.inc({ ...labels, outcome });
  }
}
