/** What every remote provider is built from: its config section with the key read from env. */
import type { Timeouts } from "./http.ts";

export interface RemoteOptions {
  baseUrl: string;
  model: string;
  /** Absent for local servers that need none (Ollama, llama.cpp). */
  apiKey?: string;
  timeouts: Timeouts;
  maxRetries: number;
  temperature: number;
  maxTokens: number;
  promptTokens: number;
  /** The first backoff step in ms (default 500); tests make it small. */
  retryBaseMs?: number;
}

/** The base URL without trailing slashes, so `${base}/path` never doubles one. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}
