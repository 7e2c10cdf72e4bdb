// deno-lint-ignore-file no-explicit-any -- JSON bodies of many shapes; tests assert on them
/** Small HTTP helpers the end-to-end tests share. */
import assert from "node:assert/strict";

export const CORPUS = new URL("../../../shared/corpus/pdf/dev/", import.meta.url).pathname;

export interface Client {
  url: string;
  headers?: Record<string, string>;
}

export async function call(
  client: Client,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${client.url}${path}`, {
    method,
    headers: {
      ...client.headers,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Uploads a file as multipart/form-data, the way a browser form does. */
export async function uploadFile(
  client: Client,
  path: string,
  options: { type?: string; name?: string; title?: string } = {},
): Promise<{ status: number; body: any }> {
  const bytes = await Deno.readFile(path);
  const form = new FormData();
  const name = options.name ?? path.split("/").pop()!;
  form.append("file", new File([bytes], name, { type: options.type ?? "application/pdf" }));
  if (options.title) form.append("title", options.title);
  const res = await fetch(`${client.url}/documents`, {
    method: "POST",
    headers: client.headers,
    body: form,
  });
  return { status: res.status, body: await res.json() };
}

export async function uploadText(
  client: Client,
  title: string,
  text: string,
  format: "text" | "markdown" | "html" = "text",
): Promise<{ status: number; body: any }> {
  return await call(client, "POST", "/documents", { title, text, format });
}

/** Polls a document until it is ready or failed; returns it. */
export async function settle(client: Client, id: string, timeoutMs = 120_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { status, body } = await call(client, "GET", `/documents/${id}`);
    assert.equal(status, 200, JSON.stringify(body));
    if (body.document.status === "ready" || body.document.status === "failed") {
      return body.document;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`document ${id} did not settle in ${timeoutMs} ms`);
}

export async function search(
  client: Client,
  query: string,
  extra: Record<string, unknown> = {},
): Promise<any[]> {
  const { status, body } = await call(client, "POST", "/search", { query, k: 5, ...extra });
  assert.equal(status, 200, JSON.stringify(body));
  return body.results;
}
