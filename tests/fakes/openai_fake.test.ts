/** The fake's wire format is checked by the official `openai` client, streamed and not. */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startOpenAiFake } from "./openai_fake.ts";

Deno.test("openai_fake: the official client completes a streamed and a plain chat", async () => {
  const fake = startOpenAiFake();
  try {
    const client = new OpenAI({ apiKey: "sk-fake", baseURL: fake.baseUrl, maxRetries: 0 });
    const messages = [{ role: "user" as const, content: "Hi" }];

    fake.script({ tokens: ["Hel", "lo"], usage: { prompt: 5, completion: 2 } });
    const plain = await client.chat.completions.create({ model: "m", messages });
    assert.equal(plain.choices[0].message.content, "Hello");
    assert.equal(plain.usage?.completion_tokens, 2);

    fake.script({ tokens: ["a", "b", "c"] });
    const stream = await client.chat.completions.create({
      model: "m",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      usage ??= chunk.usage;
    }
    assert.equal(text, "abc");
    assert.equal(usage?.prompt_tokens, 10);
    assert.equal(fake.requests[1].headers.authorization, "Bearer sk-fake");

    fake.script({ status: 401, error: { type: "invalid_authentication_error", message: "bad" } });
    await assert.rejects(
      client.chat.completions.create({ model: "m", messages }),
      (e: Error) => e instanceof OpenAI.AuthenticationError,
    );
  } finally {
    await fake.close();
  }
});
