/**
 * With auth on, one user can never read, search, chat over or delete another user's
 * documents or conversations; keys are required, hashed, and managed with the admin key.
 */
import assert from "node:assert/strict";
import { call, type Client, settle, uploadText } from "./support/api.ts";
import { startServer } from "./support/server.ts";

const ADMIN = "admin-key-for-tests-0123456789";

Deno.test("users and API keys: isolation between users", async (t) => {
  const server = await startServer({
    env: { LIGERO_AUTH__ENABLED: "true", LIGERO_ADMIN_KEY: ADMIN },
  });
  const admin: Client = { url: server.url, headers: { authorization: `Bearer ${ADMIN}` } };
  try {
    const keyFor = async (name: string): Promise<Client> => {
      const user = await call(admin, "POST", "/admin/users", { name });
      assert.equal(user.status, 201);
      const key = await call(admin, "POST", `/admin/users/${user.body.user.id}/keys`, {
        name: "laptop",
      });
      assert.equal(key.status, 201);
      assert.match(key.body.key, /^lg_[\w-]{40,}$/);
      assert.ok(
        !JSON.stringify(key.body.apiKey).includes(key.body.key),
        "the record never holds the key",
      );
      return { url: server.url, headers: { authorization: `Bearer ${key.body.key}` } };
    };
    const alice = await keyFor("alice");
    const bob = await keyFor("bob");

    await t.step("no key, a wrong key, or a user key on admin routes: 401", async () => {
      assert.equal((await call({ url: server.url }, "GET", "/documents")).status, 401);
      const wrong = { url: server.url, headers: { authorization: "Bearer lg_nope" } };
      assert.equal((await call(wrong, "GET", "/documents")).body.error.code, "unauthorized");
      assert.equal((await call(alice, "GET", "/admin/users")).status, 401);
      assert.equal((await call({ url: server.url }, "GET", "/health")).status, 200);
    });

    const secret = await uploadText(
      alice,
      "Alice's plan",
      "The launch code name is BLUEHERON and it ships in March.",
    );
    const docId = secret.body.document.id;
    await settle(alice, docId);
    const chat = await call(alice, "POST", "/chat", {
      message: "What is the launch code name?",
      stream: false,
    });
    assert.equal(chat.status, 200);
    const conversationId = chat.body.conversationId;

    await t.step("bob cannot see alice's documents or conversations", async () => {
      assert.equal((await call(bob, "GET", `/documents/${docId}`)).status, 404);
      assert.equal((await call(bob, "GET", `/documents/${docId}/pages/1`)).status, 404);
      assert.equal((await call(bob, "GET", "/documents")).body.total, 0);
      assert.equal((await call(bob, "GET", `/conversations/${conversationId}`)).status, 404);
      assert.equal((await call(bob, "GET", "/conversations")).body.total, 0);
      assert.equal(
        (await call(bob, "PATCH", `/conversations/${conversationId}`, { title: "x" })).status,
        404,
      );
    });

    await t.step("bob's search and chat never reach alice's text", async () => {
      for (const mode of ["hybrid", "vector", "text"]) {
        const hits = await call(bob, "POST", "/search", {
          query: "launch code name BLUEHERON",
          mode,
        });
        assert.deepEqual(hits.body.results, [], mode);
      }
      const scoped = await call(bob, "POST", "/search", {
        query: "BLUEHERON",
        documentIds: [docId],
      });
      assert.deepEqual(scoped.body.results, []);
      const answer = await call(bob, "POST", "/chat", {
        message: "What is the launch code name?",
        stream: false,
      });
      assert.ok(!answer.body.answer.includes("BLUEHERON"));
      assert.deepEqual(answer.body.sources, []);
      const follow = await call(bob, "POST", "/chat", {
        message: "hi",
        conversationId,
        stream: false,
      });
      assert.equal(follow.status, 404);
    });

    await t.step("bob cannot delete alice's things; alice can", async () => {
      assert.equal((await call(bob, "DELETE", `/documents/${docId}`)).status, 404);
      assert.equal((await call(bob, "DELETE", `/conversations/${conversationId}`)).status, 404);
      assert.equal((await call(alice, "GET", `/documents/${docId}`)).status, 200);
      assert.equal((await call(alice, "DELETE", `/documents/${docId}`)).status, 204);
    });

    await t.step("a deleted key stops working", async () => {
      const users = await call(admin, "GET", "/admin/users");
      const bobId = users.body.users.find((u: { name: string }) => u.name === "bob").id;
      const keys = await call(admin, "GET", `/admin/users/${bobId}/keys`);
      assert.equal(
        (await call(admin, "DELETE", `/admin/keys/${keys.body.apiKeys[0].id}`)).status,
        204,
      );
      assert.equal((await call(bob, "GET", "/documents")).status, 401);
    });
  } finally {
    await server.stop();
  }
});
