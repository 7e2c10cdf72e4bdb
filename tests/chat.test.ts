// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { call, settle, uploadText } from "./support/api.ts";
import { startServer } from "./support/server.ts";
import { readSse } from "./support/sse.ts";

const GUIDE = `La biblioteca abre de lunes a viernes de nueve a veinte horas.
Los sábados abre solo por la mañana, de diez a catorce horas.

Para renovar un préstamo hay que presentar el carné de socio en el mostrador.
Los préstamos duran tres semanas y se pueden renovar dos veces.`;

async function chat(url: string, body: Record<string, unknown>): Promise<Response> {
  return await fetch(`${url}/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

Deno.test("chat with the offline provider: streamed answer with citations, stored conversation", async (t) => {
  const server = await startServer();
  const client = { url: server.url };
  try {
    const doc = await settle(
      client,
      (await uploadText(client, "Biblioteca", GUIDE)).body.document.id,
    );
    assert.equal(doc.status, "ready");
    let conversationId = "";

    await t.step("SSE: sources, tokens, done", async () => {
      const res = await chat(server.url, { message: "¿Cuánto duran los préstamos?" });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
      const events = await readSse(res);
      const kinds = events.map((e) => e.event);
      assert.equal(kinds[0], "sources");
      assert.equal(kinds.at(-1), "done");
      assert.ok(kinds.filter((k) => k === "token").length > 1, "streamed in pieces");
      const sources = JSON.parse(events[0].data).sources;
      assert.equal(sources[0].title, "Biblioteca");
      assert.equal(sources[0].page, 1);
      const done = JSON.parse(events.at(-1)!.data);
      const streamed = events.filter((e) => e.event === "token").map((e) => JSON.parse(e.data).text)
        .join("");
      assert.equal(done.answer, streamed);
      assert.match(done.answer, /tres semanas/);
      assert.match(done.answer, /\[1\]/);
      assert.deepEqual(done.cited, [1]);
      conversationId = done.conversationId;
    });

    await t.step("the conversation holds the question and the cited answer", async () => {
      const { status, body } = await call(client, "GET", `/conversations/${conversationId}`);
      assert.equal(status, 200);
      assert.equal(body.conversation.title, "¿Cuánto duran los préstamos?");
      assert.deepEqual(body.messages.map((m: any) => m.role), ["user", "assistant"]);
      assert.equal(body.messages[1].citedChunkIds.length, 1);
      assert.match(body.messages[1].model, /^offline/);
    });

    await t.step("a follow-up in the same conversation, non-streamed", async () => {
      const res = await chat(server.url, {
        message: "¿y los sábados?",
        conversationId,
        stream: false,
      });
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.conversationId, conversationId);
      assert.match(body.answer, /sábados/i);
      assert.ok(body.sources.length >= 1);
      const { body: conv } = await call(client, "GET", `/conversations/${conversationId}`);
      assert.equal(conv.messages.length, 4);
    });

    await t.step("conversations: list, rename, delete", async () => {
      const list = await call(client, "GET", "/conversations");
      assert.equal(list.body.total, 1);
      const renamed = await call(client, "PATCH", `/conversations/${conversationId}`, {
        title: "Préstamos",
      });
      assert.equal(renamed.body.conversation.title, "Préstamos");
      assert.equal((await call(client, "DELETE", `/conversations/${conversationId}`)).status, 204);
      assert.equal((await call(client, "GET", `/conversations/${conversationId}`)).status, 404);
    });

    await t.step("bad chat requests are 4xx before anything streams", async () => {
      assert.equal((await chat(server.url, { message: "" })).status, 400);
      const missing = await chat(server.url, { message: "hola", conversationId: "nope" });
      assert.equal(missing.status, 404);
      assert.equal((await missing.json()).error.code, "conversation_not_found");
    });

    await t.step("an English question gets an English answer", async () => {
      await settle(
        client,
        (await uploadText(
          client,
          "Pool",
          "The swimming pool opens at seven in the morning and closes at ten at night.",
        )).body.document.id,
      );
      const res = await chat(server.url, {
        message: "When does the swimming pool open?",
        stream: false,
      });
      const body = await res.json();
      assert.match(body.answer, /seven in the morning/);
      assert.equal(body.sources[0].title, "Pool");
    });
  } finally {
    await server.stop();
  }
});
