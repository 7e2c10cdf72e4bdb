/** Conformance cases for what chat and auth keep: conversations, messages, users, API keys. */
import assert from "node:assert/strict";
import { type Case, withStore } from "./conformance.ts";
import { RecordMissingError } from "./types.ts";

export const accountCases: Case[] = [
  ["conversations and messages, per owner", (backend) =>
    withStore(backend, async (store) => {
      const c = await store.createConversation("alice", "first");
      assert.equal(await store.getConversation(c.id, "bob"), null);
      assert.equal(await store.renameConversation(c.id, "bob", "x"), false);
      assert.equal(await store.renameConversation(c.id, "alice", "renamed"), true);
      await store.addMessage({ conversationId: c.id, role: "user", content: "¿qué?" });
      const m = await store.addMessage({
        conversationId: c.id,
        role: "assistant",
        content: "esto [1]",
        citedChunkIds: [4, 2],
        usage: { promptTokens: 10, completionTokens: 3 },
        model: "offline",
      });
      assert.deepEqual(m.citedChunkIds, [4, 2]);
      const list = await store.listMessages(c.id);
      assert.deepEqual(list.map((x) => x.role), ["user", "assistant"]);
      assert.deepEqual(list[1].usage, { promptTokens: 10, completionTokens: 3 });
      assert.equal(list[0].usage, null);
      const page = await store.listConversations("alice");
      assert.deepEqual([page.total, page.items[0].title], [1, "renamed"]);
      assert.equal((await store.listConversations("bob")).total, 0);
      assert.equal(await store.deleteConversation(c.id, "bob"), false);
      assert.equal(await store.deleteConversation(c.id, "alice"), true);
      assert.deepEqual(await store.listMessages(c.id), []);
      await assert.rejects(
        store.addMessage({ conversationId: c.id, role: "user", content: "x" }),
        RecordMissingError,
      );
    })],

  ["users and API keys: lookup by hash only", (backend) =>
    withStore(backend, async (store) => {
      const u = await store.createUser("ana");
      assert.equal((await store.getUser(u.id))?.name, "ana");
      const k = await store.createApiKey({
        userId: u.id,
        name: "cli",
        prefix: "lg_ab",
        hash: "h1",
      });
      const found = await store.findApiKeyByHash("h1");
      assert.deepEqual([found?.key.id, found?.user.id, found?.user.name], [k.id, u.id, "ana"]);
      assert.equal(await store.findApiKeyByHash("lg_ab"), null);
      assert.deepEqual((await store.listApiKeys(u.id)).map((x) => x.prefix), ["lg_ab"]);
      assert.equal((await store.listUsers()).length, 1);
      assert.equal(await store.deleteApiKey(k.id), true);
      assert.equal(await store.findApiKeyByHash("h1"), null);
      await store.ping();
    })],
];
