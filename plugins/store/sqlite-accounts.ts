// deno-lint-ignore-file require-await -- the Store interface is async (PostgreSQL); node:sqlite
// is synchronous, and `async` turns its throws into rejections like the other backend's.
/**
 * The embedded store's conversations, messages, users and API keys: the part of the Store
 * that chat and auth use. SqliteStore extends it with documents and search.
 */
import type { SqliteDatabase } from "./sqlite-database.ts";
import { toApiKey, toConversation, toMessage, toUser } from "./rows.ts";
import {
  type ApiKeyRecord,
  type Conversation,
  type Message,
  type NewApiKey,
  type NewMessage,
  type Page,
  RecordMissingError,
  type User,
} from "./types.ts";

const now = (): string => new Date().toISOString();

export class SqliteAccounts {
  constructor(protected readonly s: SqliteDatabase) {}

  protected guard<T>(fn: () => T): T {
    return this.s.guard(fn);
  }

  async createConversation(ownerId: string, title: string): Promise<Conversation> {
    const id = crypto.randomUUID(), at = now();
    this.guard(() =>
      this.s.q("INSERT INTO conversations VALUES (?, ?, ?, ?, ?)").run(id, ownerId, title, at, at)
    );
    return { id, ownerId, title, createdAt: at, updatedAt: at };
  }

  async getConversation(id: string, ownerId: string): Promise<Conversation | null> {
    const row = this.guard(() =>
      this.s.q("SELECT * FROM conversations WHERE id = ? AND owner_id = ?").get(id, ownerId)
    );
    return row ? toConversation(row) : null;
  }

  async listConversations(
    ownerId: string,
    { limit = 50, offset = 0 }: { limit?: number; offset?: number } = {},
  ): Promise<Page<Conversation>> {
    return this.guard(() => ({
      items: this.s.q(
        `SELECT * FROM conversations WHERE owner_id = ? ORDER BY updated_at DESC, id
         LIMIT ? OFFSET ?`,
      ).all(ownerId, limit, offset).map(toConversation),
      total: Number(
        this.s.q("SELECT count(*) AS n FROM conversations WHERE owner_id = ?").get(ownerId)!.n,
      ),
    }));
  }

  async renameConversation(id: string, ownerId: string, title: string): Promise<boolean> {
    return this.guard(() =>
      this.s.q("UPDATE conversations SET title = ?, updated_at = ? WHERE id = ? AND owner_id = ?")
        .run(title, now(), id, ownerId).changes > 0
    );
  }

  async deleteConversation(id: string, ownerId: string): Promise<boolean> {
    return this.guard(() =>
      this.s.q("DELETE FROM conversations WHERE id = ? AND owner_id = ?").run(id, ownerId)
        .changes > 0
    );
  }

  async addMessage(m: NewMessage): Promise<Message> {
    const at = now();
    const row = this.guard(() =>
      this.s.transaction(() => {
        const touched = this.s.q("UPDATE conversations SET updated_at = ? WHERE id = ?")
          .run(at, m.conversationId).changes;
        if (touched === 0) {
          throw new RecordMissingError(`conversation ${m.conversationId} does not exist`);
        }
        return this.s.q(
          `INSERT INTO messages (conversation_id, role, content, cited_chunk_ids, prompt_tokens,
           completion_tokens, model, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        ).get(
          m.conversationId,
          m.role,
          m.content,
          JSON.stringify(m.citedChunkIds ?? []),
          m.usage?.promptTokens ?? null,
          m.usage?.completionTokens ?? null,
          m.model ?? null,
          at,
        )!;
      })
    );
    return toMessage(row);
  }

  async listMessages(conversationId: string): Promise<Message[]> {
    return this.guard(() =>
      this.s.q("SELECT * FROM messages WHERE conversation_id = ? ORDER BY id").all(conversationId)
        .map(toMessage)
    );
  }

  async createUser(name: string): Promise<User> {
    const user = { id: crypto.randomUUID(), name, createdAt: now() };
    this.guard(() =>
      this.s.q("INSERT INTO users VALUES (?, ?, ?)").run(user.id, name, user.createdAt)
    );
    return user;
  }

  async getUser(id: string): Promise<User | null> {
    const row = this.guard(() => this.s.q("SELECT * FROM users WHERE id = ?").get(id));
    return row ? toUser(row) : null;
  }

  async listUsers(): Promise<User[]> {
    return this.guard(() =>
      this.s.q("SELECT * FROM users ORDER BY created_at, id").all().map(toUser)
    );
  }

  async createApiKey(key: NewApiKey): Promise<ApiKeyRecord> {
    const record = {
      id: crypto.randomUUID(),
      userId: key.userId,
      name: key.name,
      prefix: key.prefix,
      createdAt: now(),
    };
    this.guard(() =>
      this.s.q("INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?)")
        .run(record.id, key.userId, key.name, key.prefix, key.hash, record.createdAt)
    );
    return record;
  }

  async findApiKeyByHash(hash: string): Promise<{ key: ApiKeyRecord; user: User } | null> {
    const row = this.guard(() =>
      this.s.q(
        `SELECT k.*, u.name AS user_name, u.created_at AS user_created_at
         FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.hash = ?`,
      ).get(hash)
    );
    if (!row) return null;
    return {
      key: toApiKey(row),
      user: toUser({ id: row.user_id, name: row.user_name, created_at: row.user_created_at }),
    };
  }

  async listApiKeys(userId: string): Promise<ApiKeyRecord[]> {
    return this.guard(() =>
      this.s.q("SELECT * FROM api_keys WHERE user_id = ? ORDER BY created_at, id").all(userId)
        .map(toApiKey)
    );
  }

  async deleteApiKey(id: string): Promise<boolean> {
    return this.guard(() => this.s.q("DELETE FROM api_keys WHERE id = ?").run(id).changes > 0);
  }
}
