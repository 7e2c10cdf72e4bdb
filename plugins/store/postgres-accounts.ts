/**
 * PostgreSQL conversations, messages, users and API keys: the part of the Store that chat
 * and auth use. PostgresStore extends it with documents and search.
 */
import { guard, type Sql } from "./postgres-database.ts";
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

export class PostgresAccounts {
  constructor(protected readonly sql: Sql) {}

  createConversation(ownerId: string, title: string): Promise<Conversation> {
    return guard(async () => {
      const [row] = await this.sql`INSERT INTO conversations (id, owner_id, title)
        VALUES (${crypto.randomUUID()}, ${ownerId}, ${title}) RETURNING *`;
      return toConversation(row);
    });
  }

  getConversation(id: string, ownerId: string): Promise<Conversation | null> {
    return guard(async () => {
      const [row] = await this
        .sql`SELECT * FROM conversations WHERE id = ${id} AND owner_id = ${ownerId}`;
      return row ? toConversation(row) : null;
    });
  }

  listConversations(
    ownerId: string,
    { limit = 50, offset = 0 }: { limit?: number; offset?: number } = {},
  ): Promise<Page<Conversation>> {
    return guard(async () => {
      const rows = await this.sql`SELECT *, count(*) OVER () AS total FROM conversations
        WHERE owner_id = ${ownerId} ORDER BY updated_at DESC, id LIMIT ${limit} OFFSET ${offset}`;
      const total = rows.length > 0 ? Number(rows[0].total) : Number(
        (await this.sql`SELECT count(*) AS n FROM conversations WHERE owner_id = ${ownerId}`)[0]
          .n,
      );
      return { items: rows.map(toConversation), total };
    });
  }

  renameConversation(id: string, ownerId: string, title: string): Promise<boolean> {
    return guard(async () =>
      (await this.sql`UPDATE conversations SET title = ${title}, updated_at = now()
        WHERE id = ${id} AND owner_id = ${ownerId}`).count > 0
    );
  }

  deleteConversation(id: string, ownerId: string): Promise<boolean> {
    return guard(async () =>
      (await this.sql`DELETE FROM conversations WHERE id = ${id} AND owner_id = ${ownerId}`)
        .count > 0
    );
  }

  addMessage(m: NewMessage): Promise<Message> {
    return guard(() =>
      this.sql.begin(async (tx) => {
        const touched = await tx`UPDATE conversations SET updated_at = now()
          WHERE id = ${m.conversationId}`;
        if (touched.count === 0) {
          throw new RecordMissingError(`conversation ${m.conversationId} does not exist`);
        }
        const [row] = await tx`INSERT INTO messages (conversation_id, role, content,
            cited_chunk_ids, prompt_tokens, completion_tokens, model)
          VALUES (${m.conversationId}, ${m.role}, ${m.content},
            ${(m.citedChunkIds ?? []).map(String)}::bigint[], ${m.usage?.promptTokens ?? null},
            ${m.usage?.completionTokens ?? null}, ${m.model ?? null})
          RETURNING *`;
        return toMessage(row);
      })
    );
  }

  listMessages(conversationId: string): Promise<Message[]> {
    return guard(async () =>
      (await this.sql`SELECT * FROM messages WHERE conversation_id = ${conversationId}
        ORDER BY id`).map(toMessage)
    );
  }

  createUser(name: string): Promise<User> {
    return guard(async () => {
      const [row] = await this.sql`INSERT INTO users (id, name)
        VALUES (${crypto.randomUUID()}, ${name}) RETURNING *`;
      return toUser(row);
    });
  }

  getUser(id: string): Promise<User | null> {
    return guard(async () => {
      const [row] = await this.sql`SELECT * FROM users WHERE id = ${id}`;
      return row ? toUser(row) : null;
    });
  }

  listUsers(): Promise<User[]> {
    return guard(async () =>
      (await this.sql`SELECT * FROM users ORDER BY created_at, id`).map(toUser)
    );
  }

  createApiKey(key: NewApiKey): Promise<ApiKeyRecord> {
    return guard(async () => {
      const [row] = await this.sql`INSERT INTO api_keys (id, user_id, name, prefix, hash)
        VALUES (${crypto.randomUUID()}, ${key.userId}, ${key.name}, ${key.prefix}, ${key.hash})
        RETURNING *`;
      return toApiKey(row);
    });
  }

  findApiKeyByHash(hash: string): Promise<{ key: ApiKeyRecord; user: User } | null> {
    return guard(async () => {
      const [row] = await this.sql`SELECT k.*, u.name AS user_name,
          u.created_at AS user_created_at
        FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.hash = ${hash}`;
      if (!row) return null;
      return {
        key: toApiKey(row),
        user: toUser({ id: row.user_id, name: row.user_name, created_at: row.user_created_at }),
      };
    });
  }

  listApiKeys(userId: string): Promise<ApiKeyRecord[]> {
    return guard(async () =>
      (await this.sql`SELECT * FROM api_keys WHERE user_id = ${userId} ORDER BY created_at, id`)
        .map(toApiKey)
    );
  }

  deleteApiKey(id: string): Promise<boolean> {
    return guard(async () => (await this.sql`DELETE FROM api_keys WHERE id = ${id}`).count > 0);
  }
}
