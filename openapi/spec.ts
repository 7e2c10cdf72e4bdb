/**
 * The OpenAPI 3.1 description of ligero's HTTP API, served at `/openapi.json`. Written by
 * hand once; openapi/spec.test.ts fails when a route exists that it does not describe, and
 * tests/reliability/openapi_routes.test.ts when a path it describes does not answer.
 */
import { VERSION } from "../server/runtime.ts";
import { operationsPaths } from "./operations.ts";
import {
  commonErrors,
  json,
  noContent,
  ok,
  pagingParams,
  pathId,
  ref,
  schemas,
  sse,
  sseEvent,
} from "./schemas.ts";

type Json = Record<string, unknown>;

const body = (schema: Json): Json => ({ required: true, content: json(schema) });
const strict = (required: string[], properties: Json): Json => ({
  type: "object",
  required,
  additionalProperties: false,
  properties,
});
const ids = { type: "array", items: { type: "string", minLength: 1, maxLength: 100 }, minItems: 1 };
const open = { type: "object" };

const paths: Record<string, Json> = {
  ...operationsPaths,
  "/documents": {
    post: {
      summary: "Upload a document: multipart `file`, raw bytes, or JSON text",
      description:
        "PDF, DOCX, PPTX, ODT, or UTF-8 plain text, Markdown or HTML; the bytes decide " +
        "the kind, not the name or the declared type. A PPTX has a page per slide; DOCX and ODT " +
        "pages follow the page breaks their editor recorded.",
      parameters: [
        { name: "filename", in: "query", schema: { type: "string" } },
        { name: "title", in: "query", schema: { type: "string" } },
      ],
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              required: ["file"],
              properties: { file: { type: "string", format: "binary" }, title: { type: "string" } },
            },
          },
          "application/json": {
            schema: strict(["title", "text"], {
              title: { type: "string", minLength: 1, maxLength: 500 },
              text: { type: "string", minLength: 1 },
              format: { enum: ["text", "markdown", "html"], default: "text" },
            }),
          },
          "application/pdf": { schema: { type: "string", format: "binary" } },
          "text/plain": { schema: { type: "string" } },
        },
      },
      responses: {
        ...ok("A duplicate of a stored document", documentBody()),
        "202": {
          description: "Accepted; ingestion runs in the background",
          content: json(documentBody()),
        },
      },
    },
    get: {
      summary: "List your documents",
      parameters: pagingParams,
      responses: ok("A page of documents", {
        type: "object",
        required: ["documents", "total"],
        properties: {
          documents: { type: "array", items: ref("Document") },
          total: { type: "integer" },
        },
      }),
    },
  },
  "/documents/{id}": {
    parameters: [pathId("id")],
    get: { summary: "One document", responses: ok("The document", documentBody()) },
    delete: { summary: "Delete a document, its chunks and its file", responses: noContent },
  },
  "/documents/{id}/pages/{n}": {
    parameters: [pathId("id"), {
      name: "n",
      in: "path",
      required: true,
      schema: { type: "integer", minimum: 1, maximum: 1_000_000 },
    }],
    get: {
      summary: "The extracted text of one page",
      responses: ok("Page text", {
        type: "object",
        required: ["text"],
        properties: {
          documentId: { type: "string" },
          page: { type: "integer" },
          text: { type: "string" },
        },
      }),
    },
  },
  "/documents/{id}/events": {
    parameters: [pathId("id")],
    get: { summary: "Ingestion progress (SSE: progress, failed)", responses: sse("Events") },
  },
  "/search": {
    post: {
      summary: "Hybrid retrieval over your documents",
      requestBody: body(strict(["query"], {
        query: { type: "string", minLength: 1, maxLength: 2000 },
        k: { type: "integer", minimum: 1, maximum: 100, default: 8 },
        mode: { enum: ["hybrid", "vector", "text"], default: "hybrid" },
        documentIds: ids,
      })),
      responses: ok("Ranked passages with page citations", {
        type: "object",
        required: ["results"],
        properties: { results: { type: "array", items: ref("SearchHit") } },
      }),
    },
  },
  "/chat": {
    post: {
      summary: "A RAG answer: SSE (sources, token, done | error) or JSON with stream:false",
      requestBody: body(strict(["message"], {
        message: { type: "string", minLength: 1, maxLength: 20_000 },
        conversationId: { type: "string", minLength: 1, maxLength: 100 },
        documentIds: ids,
        stream: { type: "boolean", default: true },
      })),
      responses: {
        ...sse("Streamed answer"),
        "200": {
          description: "The answer (SSE, or JSON when stream is false)",
          content: { "text/event-stream": { schema: sseEvent }, ...json(open) },
        },
      },
    },
  },
  "/conversations": {
    get: {
      summary: "List your conversations",
      parameters: pagingParams,
      responses: ok("A page of conversations", {
        type: "object",
        required: ["conversations", "total"],
        properties: {
          conversations: { type: "array", items: ref("Conversation") },
          total: { type: "integer" },
        },
      }),
    },
  },
  "/conversations/{id}": {
    parameters: [pathId("id")],
    get: { summary: "A conversation with its messages", responses: ok("Conversation", open) },
    patch: {
      summary: "Rename",
      requestBody: body(
        strict(["title"], { title: { type: "string", minLength: 1, maxLength: 200 } }),
      ),
      responses: ok("Renamed", open),
    },
    delete: { summary: "Delete", responses: noContent },
  },
  "/v1/models": {
    get: { summary: "OpenAI-compatible model list", responses: ok("Models", open) },
  },
  "/v1/chat/completions": {
    post: {
      summary: "OpenAI-compatible chat completion (RAG over your documents)",
      requestBody: body({
        type: "object",
        required: ["messages"],
        properties: {
          model: { type: "string", maxLength: 200 },
          messages: {
            type: "array",
            minItems: 1,
            maxItems: 500,
            items: {
              type: "object",
              required: ["role"],
              properties: {
                role: { enum: ["system", "developer", "user", "assistant", "tool"] },
                content: { oneOf: [{ type: "string" }, { type: "null" }, { type: "array" }] },
              },
            },
          },
          stream: { type: "boolean", default: false },
          documentIds: ids,
        },
      }),
      responses: {
        ...commonErrors,
        "200": {
          description: "A completion, or chunks as SSE when stream is true",
          content: { ...json(open), "text/event-stream": { schema: sseEvent } },
        },
      },
    },
  },
  "/v1/embeddings": {
    post: {
      summary: "OpenAI-compatible embeddings from the server's encoder",
      requestBody: body(strict(["input"], {
        input: {
          oneOf: [{ type: "string" }, {
            type: "array",
            items: { type: "string" },
            minItems: 1,
            maxItems: 2048,
          }],
        },
        model: { type: "string", maxLength: 200 },
        encoding_format: { enum: ["float", "base64"], default: "float" },
        dimensions: { type: "integer", minimum: 1 },
        user: { type: "string" },
      })),
      responses: ok("Vectors", {
        type: "object",
        required: ["data"],
        properties: { data: { type: "array" } },
      }),
    },
  },
  "/similarity": {
    post: {
      summary: "Exact top-k of a query vector against vectors you send",
      requestBody: body(strict(["query", "vectors"], {
        query: { type: "array", items: { type: "number" }, minItems: 1, maxItems: 4096 },
        vectors: { type: "array", items: { type: "array", items: { type: "number" } } },
        k: { type: "integer", minimum: 1, maximum: 1000, default: 10 },
      })),
      responses: ok("Top k rows", {
        type: "object",
        required: ["results"],
        properties: { results: { type: "array" } },
      }),
    },
  },
};

function documentBody(): Json {
  return { type: "object", required: ["document"], properties: { document: ref("Document") } };
}

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "ligero",
    version: VERSION,
    description: "A self-hosted RAG chat server. Errors are always `{error:{code,message}}`.",
  },
  security: [{ apiKey: [] }],
  components: {
    schemas,
    securitySchemes: {
      apiKey: { type: "http", scheme: "bearer", description: "An API key (when auth is on)" },
      admin: { type: "http", scheme: "bearer", description: "The admin key from the environment" },
    },
  },
  paths,
} as const;
