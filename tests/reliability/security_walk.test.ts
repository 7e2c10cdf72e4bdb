/**
 * With auth on, a second user walks every operation of the OpenAPI document with the first
 * user's ids: nothing of A's is readable, searchable, chattable, exportable or deletable by
 * B. The walk must visit every documented operation, so a new route cannot skip it.
 */
import assert from "node:assert/strict";
import { openApiDocument } from "../../openapi/spec.ts";
import { call, type Client, settle, uploadText } from "../support/api.ts";
import { startServer } from "../support/server.ts";

const ADMIN = "admin-key-for-the-walk-0123456789abcdef";
const SECRET = "The vault combination is AMBERWOLF-7731.";

// deno-lint-ignore no-explicit-any -- JSON bodies of every route
type Check = (res: { status: number; body: any; text: string }) => void;

function specOperations(): string[] {
  return Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
    Object.keys(item).filter((m) => m !== "parameters").map((m) => `${m.toUpperCase()} ${path}`)
  );
}

Deno.test("security walk: user B reaches none of user A's data through any route", async (t) => {
  const server = await startServer({
    env: {
      LIGERO_AUTH__ENABLED: "true",
      LIGERO_ADMIN_KEY: ADMIN,
      LIGERO_AUTH__RATE_LIMIT_PER_MINUTE: "200",
      LIGERO_MEMORY__CEILING: "1GiB",
    },
  });
  const admin: Client = { url: server.url, headers: { authorization: `Bearer ${ADMIN}` } };
  try {
    const keys: string[] = [];
    const userClient = async (name: string): Promise<Client> => {
      const user = await call(admin, "POST", "/admin/users", { name });
      const made = await call(admin, "POST", `/admin/users/${user.body.user.id}/keys`, {
        name: "k",
      });
      keys.push(made.body.key);
      return { url: server.url, headers: { authorization: `Bearer ${made.body.key}` } };
    };
    const alice = await userClient("alice");
    const bob = await userClient("bob");
    const bobId = (await call(admin, "GET", "/admin/users")).body.users
      .find((u: { name: string }) => u.name === "bob").id;

    const doc = (await uploadText(alice, "Vault", SECRET)).body.document;
    await settle(alice, doc.id);
    const chat = await call(alice, "POST", "/chat", {
      message: "What is the vault combination?",
      stream: false,
    });
    assert.equal(chat.status, 200);
    assert.match(JSON.stringify(chat.body), /AMBERWOLF/, "alice's own answer cites her text");
    const conv = chat.body.conversationId;

    const notFound = (code: string): Check => (r) => {
      assert.equal(r.status, 404, r.text);
      assert.equal(r.body.error.code, code);
    };
    const noLeak: Check = (r) => {
      assert.ok(r.status < 500, r.text);
      assert.doesNotMatch(r.text, /AMBERWOLF|7731|"title":"Vault"/);
      assert.ok(!r.text.includes(doc.id) && !r.text.includes(conv), r.text);
    };
    const adminOnly: Check = (r) => assert.equal(r.status, 401, r.text);

    // every documented operation, with A's ids wherever an id goes
    const walk: Record<string, [unknown, Check][]> = {
      "GET /health": [[undefined, noLeak]],
      "GET /ready": [[undefined, noLeak]],
      "GET /metrics": [[undefined, noLeak]],
      "GET /openapi.json": [[undefined, noLeak]],
      "POST /admin/users": [[{ name: "mallory" }, adminOnly]],
      "GET /admin/users": [[undefined, adminOnly]],
      "POST /admin/users/{id}/keys": [[{ name: "stolen" }, adminOnly]],
      "GET /admin/users/{id}/keys": [[undefined, adminOnly]],
      "DELETE /admin/keys/{id}": [[undefined, adminOnly]],
      "POST /documents": [[{ title: "mine", text: "Bob's own words." }, noLeak]],
      "GET /documents": [[undefined, noLeak]],
      "GET /documents/{id}": [[undefined, notFound("document_not_found")]],
      "DELETE /documents/{id}": [[undefined, notFound("document_not_found")]],
      "GET /documents/{id}/pages/{n}": [[undefined, notFound("document_not_found")]],
      "GET /documents/{id}/events": [[undefined, notFound("document_not_found")]],
      "POST /search": ["hybrid", "vector", "text"].flatMap((mode) =>
        [
          [{ query: "what is the vault combination", mode }, noLeak],
          [{ query: "vault combination", mode, documentIds: [doc.id] }, noLeak],
        ] as [unknown, Check][]
      ),
      "POST /chat": [
        [{ message: "What is the vault combination?", stream: false }, noLeak],
        [{ message: "vault?", stream: false, documentIds: [doc.id] }, noLeak],
        [
          { message: "vault?", stream: false, conversationId: conv },
          notFound("conversation_not_found"),
        ],
      ],
      "GET /conversations": [[undefined, noLeak]],
      "GET /conversations/{id}": [[undefined, notFound("conversation_not_found")]],
      "PATCH /conversations/{id}": [[{ title: "pwned" }, notFound("conversation_not_found")]],
      "DELETE /conversations/{id}": [[undefined, notFound("conversation_not_found")]],
      "GET /v1/models": [[undefined, noLeak]],
      "POST /v1/chat/completions": [
        [{ messages: [{ role: "user", content: "What is the vault combination?" }] }, noLeak],
        [{ messages: [{ role: "user", content: "vault?" }], documentIds: [doc.id] }, noLeak],
      ],
      "POST /v1/embeddings": [[{ input: "vault" }, noLeak]],
      "POST /similarity": [[{ query: [1, 0], vectors: [[1, 0]] }, noLeak]],
    };

    await t.step("the walk covers every documented operation", () => {
      assert.deepEqual(specOperations().filter((op) => !(op in walk)), []);
    });

    await t.step("bob with alice's ids: 401 on admin, 404 on hers, nothing leaks", async () => {
      for (const [op, cases] of Object.entries(walk)) {
        const [method, template] = op.split(" ");
        const id = template.startsWith("/conversations")
          ? conv
          : template.startsWith("/admin/users")
          ? bobId
          : doc.id;
        const path = template.replace("{id}", id).replace("{n}", "1");
        for (const [body, check] of cases) {
          const res = await fetch(`${server.url}${path}`, {
            method,
            headers: {
              ...bob.headers,
              ...(body === undefined ? {} : { "content-type": "application/json" }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const text = await res.text();
          let parsed: unknown = null;
          try {
            parsed = JSON.parse(text);
          } catch { /* metrics, SSE */ }
          try {
            check({ status: res.status, body: parsed, text });
          } catch (e) {
            throw new Error(`${op} ${JSON.stringify(body)}: ${(e as Error).message}`);
          }
        }
      }
    });

    await t.step("alice's data is intact after the walk", async () => {
      assert.equal((await call(alice, "GET", `/documents/${doc.id}`)).status, 200);
      const page = await call(alice, "GET", `/documents/${doc.id}/pages/1`);
      assert.match(page.body.text, /AMBERWOLF/);
      const c = await call(alice, "GET", `/conversations/${conv}`);
      assert.equal(c.status, 200);
      assert.notEqual(c.body.conversation.title, "pwned");
    });

    await t.step("keys: ≥ 128 random bits, never stored or logged in the clear", async () => {
      for (const key of keys) assert.ok((key.length - 3) * 6 >= 128, key);
      const files: string[] = [];
      const walkDir = (dir: string) => {
        for (const e of Deno.readDirSync(dir)) {
          if (e.isDirectory) walkDir(`${dir}/${e.name}`);
          else files.push(`${dir}/${e.name}`);
        }
      };
      walkDir(server.dataDir);
      for (const file of files) {
        const text = new TextDecoder("latin1").decode(await Deno.readFile(file));
        for (const key of [...keys, ADMIN]) assert.ok(!text.includes(key), `${key} in ${file}`);
      }
      for (const key of [...keys, ADMIN]) {
        assert.ok(!server.logs().some((l) => l.includes(key)), "a key in the logs");
      }
    });

    await t.step("rate limit per key: bob is throttled, alice is not", async () => {
      let limited: Response | undefined;
      for (let i = 0; i < 250 && !limited; i++) {
        const res = await fetch(`${server.url}/documents`, { headers: bob.headers });
        if (res.status === 429) limited = res;
        await res.body?.cancel();
      }
      assert.ok(limited, "no 429 after 250 requests at 200/min");
      assert.ok(Number(limited.headers.get("retry-after")) >= 1);
      assert.equal((await call(alice, "GET", "/documents")).status, 200);
    });
  } finally {
    await server.stop();
  }
});
