/** The official `openai` npm client, pointed at ligero, completes its calls. */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { settle, uploadText } from "./support/api.ts";
import { startServer } from "./support/server.ts";

Deno.test("the openai client: models, streamed and non-streamed chat with sources", async (t) => {
  const server = await startServer();
  const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused-with-auth-off" });
  try {
    await settle(
      { url: server.url },
      (await uploadText(
        { url: server.url },
        "Garden",
        "Tomatoes need six hours of direct sun a day and deep watering twice a week.",
      )).body.document.id,
    );

    await t.step("models", async () => {
      const models = await openai.models.list();
      assert.deepEqual(models.data.map((m) => m.id), ["ligero-rag"]);
    });

    await t.step("a non-streamed completion", async () => {
      const completion = await openai.chat.completions.create({
        model: "ligero-rag",
        messages: [{ role: "user", content: "How much sun do tomatoes need?" }],
      });
      const answer = completion.choices[0].message.content ?? "";
      assert.match(answer, /six hours of direct sun/);
      assert.equal(completion.choices[0].finish_reason, "stop");
      assert.ok(completion.usage!.total_tokens > 0);
      // deno-lint-ignore no-explicit-any
      const sources = (completion as any).sources;
      assert.equal(sources[0].title, "Garden");
    });

    await t.step("a streamed completion", async () => {
      const stream = await openai.chat.completions.create({
        model: "ligero-rag",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "How often should tomatoes be watered?" },
        ],
        stream: true,
      });
      let text = "";
      let finish: string | null = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      assert.match(text, /twice a week/);
      assert.equal(finish, "stop");
    });

    await t.step("embeddings", async () => {
      const res = await openai.embeddings.create({
        model: "sentence-transformers/all-MiniLM-L6-v2",
        input: ["tomatoes need sun", "los tomates necesitan sol"],
      });
      assert.equal(res.data.length, 2);
      assert.equal(res.data[0].embedding.length, 384);
      const norm = Math.hypot(...res.data[0].embedding);
      assert.ok(Math.abs(norm - 1) < 1e-3, `unit length, got ${norm}`);
      assert.ok(res.usage.prompt_tokens > 0);
    });

    await t.step("a request whose last message is not the user's is a 400", async () => {
      await assert.rejects(
        openai.chat.completions.create({
          model: "ligero-rag",
          messages: [{ role: "assistant", content: "hello" }],
        }),
        (e: unknown) => e instanceof OpenAI.BadRequestError,
      );
    });
  } finally {
    await server.stop();
  }
});
