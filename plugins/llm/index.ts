/** The llm slot's providers, by the name `llm.provider` uses. */
import { ConfigError } from "../../config/load.ts";
import type { Config } from "../../config/schema.ts";
import { GeminiProvider } from "./gemini.ts";
import { kimiProvider } from "./kimi.ts";
import { OfflineProvider } from "./offline.ts";
import { openAiProvider } from "./openai.ts";
import type { RemoteOptions } from "./remote.ts";
import type { LlmProvider, LlmProviderName } from "./types.ts";

/** Where keys come from; tests pass their own. */
export type EnvLookup = (name: string) => string | undefined;
const processEnv: EnvLookup = (name) => Deno.env.get(name);

type RemoteName = Exclude<LlmProviderName, "offline">;

export const llmImplementations: Record<
  LlmProviderName,
  (config: Config, env?: EnvLookup) => LlmProvider
> = {
  offline: () => new OfflineProvider(),
  kimi: (config, env = processEnv) => kimiProvider(remote(config, "kimi", env, true)),
  gemini: (config, env = processEnv) => new GeminiProvider(remote(config, "gemini", env, true)),
  openai: (config, env = processEnv) => openAiProvider(remote(config, "openai", env, false)),
};

/** The provider's config with its key read; a required key that is missing stops startup. */
function remote(
  config: Config,
  name: RemoteName,
  env: EnvLookup,
  keyRequired: boolean,
): RemoteOptions {
  const { apiKeyEnv, ...options } = config.llm[name];
  const apiKey = apiKeyEnv ? env(apiKeyEnv)?.trim() || undefined : undefined;
  if (keyRequired && !apiKey) {
    throw new ConfigError(
      `config: llm.${name}.apiKeyEnv: the environment variable ${
        apiKeyEnv || "(none named)"
      } must hold the ${name} API key`,
    );
  }
  return { ...options, apiKey };
}
