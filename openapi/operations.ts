/** The operator's paths of the OpenAPI document: probes, metrics, this document, admin. */
import { noContent, ok, pathId, ref } from "./schemas.ts";

type Json = Record<string, unknown>;

const open = { type: "object" };
const body = (schema: Json): Json => ({
  required: true,
  content: { "application/json": { schema } },
});

export const operationsPaths: Record<string, Json> = {
  "/health": {
    get: { summary: "Liveness", security: [], responses: ok("Alive", open) },
  },
  "/ready": {
    get: {
      summary: "Readiness: store reachable, memory below the shedding threshold",
      security: [],
      responses: ok("Ready", open),
    },
  },
  "/metrics": {
    get: {
      summary: "Prometheus metrics",
      security: [],
      responses: {
        "200": { description: "Text exposition format", content: { "text/plain": {} } },
      },
    },
  },
  "/openapi.json": {
    get: { summary: "This document", security: [], responses: ok("OpenAPI 3.1", open) },
  },
  "/admin/users": {
    post: {
      summary: "Create a user",
      security: [{ admin: [] }],
      requestBody: body(ref("Name")),
      responses: ok("Created", { type: "object", properties: { user: ref("User") } }, "201"),
    },
    get: {
      summary: "List users",
      security: [{ admin: [] }],
      responses: ok("Users", {
        type: "object",
        properties: { users: { type: "array", items: ref("User") } },
      }),
    },
  },
  "/admin/users/{id}/keys": {
    parameters: [pathId("id")],
    post: {
      summary: "Create an API key (shown once)",
      security: [{ admin: [] }],
      requestBody: body(ref("Name")),
      responses: ok("Created", {
        type: "object",
        required: ["apiKey", "key"],
        properties: { apiKey: ref("ApiKey"), key: { type: "string" } },
      }, "201"),
    },
    get: {
      summary: "List a user's keys (never the keys themselves)",
      security: [{ admin: [] }],
      responses: ok("Keys", {
        type: "object",
        properties: { apiKeys: { type: "array", items: ref("ApiKey") } },
      }),
    },
  },
  "/admin/keys/{id}": {
    parameters: [pathId("id")],
    delete: { summary: "Revoke an API key", security: [{ admin: [] }], responses: noContent },
  },
};
