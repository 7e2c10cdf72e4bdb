/** Every route the Hono app serves is described in the OpenAPI document, and nothing else. */
import assert from "node:assert/strict";
import { configSchema } from "../config/schema.ts";
import * as v from "valibot";
import { createApp } from "../server/app.ts";
import { MemoryGovernor } from "../server/governor.ts";
import type { Services } from "../server/runtime.ts";
import { openApiDocument } from "./spec.ts";

/** The web UI's pages and files are not API. */
const NOT_API = (path: string) => path === "/" || path.startsWith("/ui/");

function appRoutes(): Set<string> {
  const config = v.parse(configSchema, { memory: { ceiling: "64GiB" } });
  const governor = new MemoryGovernor(config.memory);
  // route factories only read config and bind services; nothing here is called
  const services = { config, governor, plugins: { store: {} } } as unknown as Services;
  try {
    const app = createApp(services);
    return new Set(
      app.routes
        .filter((r) => r.method !== "ALL" && !r.path.includes("*") && !NOT_API(r.path))
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
    );
  } finally {
    governor.close();
  }
}

function specRoutes(): Set<string> {
  const out = new Set<string>();
  for (const [path, item] of Object.entries(openApiDocument.paths)) {
    for (const method of Object.keys(item)) {
      if (method !== "parameters") out.add(`${method.toUpperCase()} ${path}`);
    }
  }
  return out;
}

Deno.test("the OpenAPI document describes exactly the routes the app serves", () => {
  const app = appRoutes();
  const spec = specRoutes();
  assert.deepEqual([...app].filter((r) => !spec.has(r)), [], "routes missing from the spec");
  assert.deepEqual([...spec].filter((r) => !app.has(r)), [], "spec paths with no route");
});

Deno.test("every $ref in the OpenAPI document resolves", () => {
  const text = JSON.stringify(openApiDocument);
  const names = Object.keys(openApiDocument.components.schemas);
  for (const [, name] of text.matchAll(/"#\/components\/schemas\/(\w+)"/g)) {
    assert.ok(names.includes(name), `unresolved $ref ${name}`);
  }
});
