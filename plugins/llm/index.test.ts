import assert from "node:assert/strict";
import { ConfigError } from "../../config/load.ts";
import { configSchema } from "../../config/schema.ts";
import * as v from "valibot";
import { llmImplementations } from "./index.ts";

const config = v.parse(configSchema, {});

Deno.test("llm config: defaults per provider", () => {
  assert.equal(config.llm.provider, "offline");
  assert.equal(config.llm.kimi.model, "kimi-k2-0905-preview");
  assert.equal(config.llm.gemini.model, "gemini-2.5-flash");
  assert.equal(config.llm.openai.model, "gpt-4o-mini");
  assert.equal(config.llm.kimi.apiKeyEnv, "MOONSHOT_API_KEY");
  assert.ok(config.llm.openai.timeouts.connectMs > 0);
});

Deno.test("llm config: strict, and base URLs must be http(s)", () => {
  assert.equal(v.safeParse(configSchema, { llm: { kimi: { baseURL: "x" } } }).success, false);
  assert.equal(
    v.safeParse(configSchema, { llm: { openai: { baseUrl: "file:///etc" } } }).success,
    false,
  );
  assert.equal(v.safeParse(configSchema, { llm: { provider: "claude" } }).success, false);
});

Deno.test("llm factories: keys from the named env var; a missing required key stops startup", () => {
  const env = (name: string) => (name === "MOONSHOT_API_KEY" ? "sk-moon" : undefined);
  assert.equal(llmImplementations.kimi(config, env).name, "kimi");
  assert.throws(
    () => llmImplementations.gemini(config, env),
    (e: Error) => e instanceof ConfigError && /GEMINI_API_KEY/.test(e.message),
  );
  // An OpenAI-compatible server may need no key (Ollama, llama.cpp).
  assert.equal(llmImplementations.openai(config, env).model, "gpt-4o-mini");
  assert.equal(llmImplementations.offline(config).name, "offline");
});
