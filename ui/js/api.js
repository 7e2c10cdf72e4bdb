/**
 * Talks to the ligero API. The optional API key lives in localStorage and rides every call
 * as a bearer token. Event streams are read from fetch (not EventSource) because EventSource
 * can neither send headers nor POST.
 */

const KEY = "ligero.apiKey";

export function apiKey() {
  return localStorage.getItem(KEY) ?? "";
}

export function setApiKey(key) {
  if (key) localStorage.setItem(KEY, key);
  else localStorage.removeItem(KEY);
}

/** An API failure carrying the server's `{error: {code, message}}`. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function request(method, path, body, signal) {
  const headers = {};
  const key = apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  let payload = body;
  if (body !== undefined && !(body instanceof FormData)) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload, signal });
  if (!res.ok) {
    const text = await res.text();
    let error = { code: "http_" + res.status, message: text || res.statusText };
    try {
      error = JSON.parse(text).error ?? error;
    } catch { /* not JSON: keep the text */ }
    throw new ApiError(res.status, error.code, error.message);
  }
  return res;
}

export async function json(method, path, body) {
  const res = await request(method, path, body);
  return res.status === 204 ? null : await res.json();
}

/** Calls `onEvent(name, data)` for each server-sent event until the stream ends. */
export async function events(res, onEvent) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) onEvent(name, JSON.parse(data.join("\n")));
    }
  }
}
