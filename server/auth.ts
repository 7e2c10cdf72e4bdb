/**
 * Who is asking. With auth off (the laptop default) every request is the local user. With it
 * on, `Authorization: Bearer <key>`: keys are random 256-bit strings stored as their SHA-256
 * (a slow hash adds nothing for keys this random), looked up by hash, so the comparison
 * never touches the key itself; the admin key is compared in constant time.
 */
import type { MiddlewareHandler } from "hono";
import { createHash, timingSafeEqual } from "node:crypto";
import type { Config } from "../config/schema.ts";
import type { Store } from "../plugins/store/types.ts";
import { ApiError } from "./errors.ts";
import { RateLimiter } from "./rate-limit.ts";

export interface AuthUser {
  id: string;
  name: string;
  /** The API key used, for per-key limits; "local" with auth off. */
  keyId: string;
}

export type AppEnv = { Variables: { user: AuthUser } };

export const LOCAL_USER: AuthUser = { id: "local", name: "local", keyId: "local" };

const KEY_PREFIX = "lg_";

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** A new API key: what the user is shown once, and what the store keeps. */
export function newApiKey(): { key: string; hash: string; prefix: string } {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const key = KEY_PREFIX +
    btoa(String.fromCharCode(...bytes)).replace(
      /[+/=]/g,
      (c) => c === "+" ? "-" : c === "/" ? "_" : "",
    );
  return { key, hash: hashKey(key), prefix: key.slice(0, KEY_PREFIX.length + 6) };
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m?.[1];
}

export function authenticate(config: Config, store: Store): MiddlewareHandler<AppEnv> {
  const limiter = new RateLimiter(config.auth.rateLimitPerMinute);
  return async function authenticateRequest(c, next) {
    if (!config.auth.enabled) {
      c.set("user", LOCAL_USER);
      return await next();
    }
    const key = bearer(c.req.header("authorization"));
    if (!key) throw new ApiError(401, "unauthorized", "send Authorization: Bearer <api key>");
    const found = await store.findApiKeyByHash(hashKey(key));
    if (!found) throw new ApiError(401, "unauthorized", "unknown API key");
    const wait = limiter.take(found.key.id);
    if (wait > 0) {
      c.header("Retry-After", String(Math.ceil(wait)));
      throw new ApiError(429, "rate_limited", "too many requests for this API key");
    }
    c.set("user", { id: found.user.id, name: found.user.name, keyId: found.key.id });
    await next();
  };
}

/** Admin routes: the admin key from the environment, compared in constant time. */
export function requireAdmin(config: Config): MiddlewareHandler {
  return async function requireAdminKey(c, next) {
    const expected = Deno.env.get(config.auth.adminKeyEnv);
    if (!expected) {
      throw new ApiError(
        403,
        "admin_disabled",
        `set ${config.auth.adminKeyEnv} to use admin routes`,
      );
    }
    const given = bearer(c.req.header("authorization")) ?? "";
    const a = createHash("sha256").update(given).digest();
    const b = createHash("sha256").update(expected).digest();
    if (!timingSafeEqual(a, b)) throw new ApiError(401, "unauthorized", "admin key required");
    await next();
  };
}
