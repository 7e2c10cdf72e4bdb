/**
 * /admin: users and API keys, behind the admin key from the environment. A key is shown
 * once, when it is made; only its hash is stored.
 */
import { Hono } from "hono";
import * as v from "valibot";
import { newApiKey, requireAdmin } from "../server/auth.ts";
import { ApiError } from "../server/errors.ts";
import { trimmed } from "../server/rules.ts";
import type { Services } from "../server/runtime.ts";
import { limitBody, readJson } from "../server/validate.ts";

const named = v.strictObject({ name: trimmed(1, 200) });

export function adminRoutes({ config, plugins: { store } }: Services): Hono {
  const app = new Hono();
  app.use("/admin/*", requireAdmin(config), limitBody(config.server.jsonBodyLimit));

  app.post("/admin/users", async (c) => {
    const { name } = await readJson(c, named);
    return c.json({ user: await store.createUser(name) }, 201);
  });

  app.get("/admin/users", async (c) => c.json({ users: await store.listUsers() }));

  app.post("/admin/users/:id/keys", async (c) => {
    const { name } = await readJson(c, named);
    const user = await store.getUser(c.req.param("id"));
    if (!user) throw new ApiError(404, "user_not_found", `no user ${c.req.param("id")}`);
    const { key, hash, prefix } = newApiKey();
    const record = await store.createApiKey({ userId: user.id, name, prefix, hash });
    return c.json({ apiKey: record, key }, 201);
  });

  app.get("/admin/users/:id/keys", async (c) => {
    return c.json({ apiKeys: await store.listApiKeys(c.req.param("id")) });
  });

  app.delete("/admin/keys/:id", async (c) => {
    if (!(await store.deleteApiKey(c.req.param("id")))) {
      throw new ApiError(404, "key_not_found", `no API key ${c.req.param("id")}`);
    }
    return c.body(null, 204);
  });

  return app;
}
