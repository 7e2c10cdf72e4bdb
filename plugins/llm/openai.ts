/**
 * Any OpenAI-compatible server: OpenAI itself, Ollama (`http://127.0.0.1:11434/v1`), vLLM,
 * llama.cpp's server, LM Studio. The key is optional; usage is asked for in the stream.
 */
import { OpenAiWireProvider } from "./openai-wire.ts";
import type { RemoteOptions } from "./remote.ts";
import type { LlmProvider } from "./types.ts";

export function openAiProvider(options: RemoteOptions): LlmProvider {
  return new OpenAiWireProvider({ ...options, name: "openai", askForUsage: true });
}
