/** /conversations: list, read (with messages), rename, delete. */
import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../server/auth.ts";
import { ApiError } from "../server/errors.ts";
import { paging, trimmed, validate } from "../server/rules.ts";
import type { Services } from "../server/runtime.ts";
import { limitBody, readJson } from "../server/validate.ts";

const rename = v.strictObject({ title: trimmed(1, 200) });

export function conversationRoutes({ config, plugins: { store } }: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const missing = (id: string) =>
    new ApiError(404, "conversation_not_found", `no conversation ${id}`);

  app.get("/conversations", async (c) => {
    const { limit, offset } = validate(paging, c.req.query(), "query");
    const page = await store.listConversations(c.get("user").id, { limit, offset });
    return c.json({ conversations: page.items, total: page.total, limit, offset });
  });

  app.get("/conversations/:id", async (c) => {
    const id = c.req.param("id");
    const conversation = await store.getConversation(id, c.get("user").id);
    if (!conversation) throw missing(id);
    return c.json({ conversation, messages: await store.listMessages(id) });
  });

  app.patch("/conversations/:id", limitBody(config.server.jsonBodyLimit), async (c) => {
    const id = c.req.param("id");
    const { title } = await readJson(c, rename);
    if (!(await store.renameConversation(id, c.get("user").id, title))) throw missing(id);
    return c.json({ conversation: await store.getConversation(id, c.get("user").id) });
  });

  app.delete("/conversations/:id", async (c) => {
    const id = c.req.param("id");
    if (!(await store.deleteConversation(id, c.get("user").id))) throw missing(id);
    return c.body(null, 204);
  });

  return app;
}
