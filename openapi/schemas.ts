/**
 * The shared parts of the OpenAPI document: component schemas, the error response every
 * route may give, and parameters. Kept beside the routes' valibot schemas by hand; the test in
 * openapi/spec.test.ts checks the two agree on what exists.
 */
type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

export const schemas: Record<string, Json> = {
  Error: {
    type: "object",
    required: ["error"],
    properties: {
      error: {
        type: "object",
        required: ["code", "message"],
        properties: {
          code: { type: "string", description: "Stable, machine-readable: not_found, ..." },
          message: { type: "string" },
          details: { type: "object" },
        },
      },
    },
  },
  Document: {
    type: "object",
    required: ["id", "title", "mime", "bytes", "sha256", "status", "progress", "createdAt"],
    properties: {
      id: { type: "string" },
      title: { type: "string" },
      mime: { type: "string" },
      bytes: { type: "integer" },
      sha256: { type: "string" },
      pages: { type: "integer" },
      language: { type: ["string", "null"] },
      status: { enum: ["queued", "extracting", "embedding", "ready", "failed"] },
      progress: {
        type: "object",
        properties: { pagesDone: { type: "integer" }, pagesTotal: { type: "integer" } },
      },
      chunks: { type: "integer" },
      error: {
        oneOf: [{ type: "null" }, {
          type: "object",
          properties: { code: { type: "string" }, message: { type: ["string", "null"] } },
        }],
      },
      createdAt: { type: "string" },
      updatedAt: { type: "string" },
    },
  },
  SearchHit: {
    type: "object",
    required: ["documentId", "text", "score"],
    properties: {
      documentId: { type: "string" },
      text: { type: "string" },
      score: { type: "number" },
    },
  },
  Conversation: {
    type: "object",
    required: ["id", "title"],
    properties: { id: { type: "string" }, title: { type: "string" } },
  },
  User: {
    type: "object",
    required: ["id", "name"],
    properties: { id: { type: "string" }, name: { type: "string" } },
  },
  ApiKey: {
    type: "object",
    required: ["id", "prefix"],
    properties: { id: { type: "string" }, name: { type: "string" }, prefix: { type: "string" } },
  },
  Name: {
    type: "object",
    required: ["name"],
    additionalProperties: false,
    properties: { name: { type: "string", minLength: 1, maxLength: 200 } },
  },
};

const errorContent = { "application/json": { schema: ref("Error") } };

/** The error statuses any route may answer with, beside its own. */
export const commonErrors: Json = {
  "400": { description: "Invalid request", content: errorContent },
  "401": { description: "Missing or unknown API key (auth on)", content: errorContent },
  "403": { description: "Admin routes without an admin key configured", content: errorContent },
  "404": { description: "Not found (or not yours)", content: errorContent },
  "408": { description: "The body did not arrive in time", content: errorContent },
  "413": { description: "Body over the limit", content: errorContent },
  "415": { description: "Unsupported media type or encoding", content: errorContent },
  "422": { description: "The document cannot be read", content: errorContent },
  "429": { description: "Rate limited (Retry-After)", content: errorContent },
  "500": { description: "Internal error", content: errorContent },
  "502": { description: "The LLM provider failed", content: errorContent },
  "503": {
    description: "Shed under memory pressure or the store is unavailable (Retry-After)",
    content: errorContent,
  },
  "504": { description: "The LLM provider timed out", content: errorContent },
};

export const json = (schema: Json): Json => ({ "application/json": { schema } });

export const ok = (description: string, schema: Json, status = "200"): Json => ({
  [status]: { description, content: json(schema) },
  ...commonErrors,
});

/** One server-sent event, as SSE-aware clients parse it. */
export const sseEvent: Json = {
  type: "object",
  properties: { event: { type: "string" }, data: { type: "string" } },
};

export const sse = (description: string): Json => ({
  "200": { description, content: { "text/event-stream": { schema: sseEvent } } },
  ...commonErrors,
});

export const noContent: Json = { "204": { description: "Done" }, ...commonErrors };

export const pathId = (name: string): Json => ({
  name,
  in: "path",
  required: true,
  schema: { type: "string", minLength: 1 },
});

export const pagingParams: Json[] = [
  {
    name: "limit",
    in: "query",
    schema: { type: "integer", minimum: 1, maximum: 200, default: 50 },
  },
  {
    name: "offset",
    in: "query",
    schema: { type: "integer", minimum: 0, maximum: 1_000_000_000, default: 0 },
  },
];

export { ref };
