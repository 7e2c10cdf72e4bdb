/**
 * Kimi (Moonshot): the OpenAI wire format, `reasoning_content` deltas from its thinking models,
 * usage in the final choice of the stream.
 */
import { OpenAiWireProvider } from "./openai-wire.ts";
import type { RemoteOptions } from "./remote.ts";
import type { LlmProvider } from "./types.ts";

export function kimiProvider(options: RemoteOptions): LlmProvider {
  return new OpenAiWireProvider({ ...options, name: "kimi", askForUsage: false });
}
