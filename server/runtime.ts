/** What the routes are given: config, governor, plugins and the services built on them. */
import type { RagAnswerer } from "../chat/rag.ts";
import type { ChatService } from "../chat/service.ts";
import type { Config } from "../config/schema.ts";
import type { DocumentService } from "../documents/service.ts";
import type { SourceStore } from "../documents/source-store.ts";
import type { Plugins } from "../plugins/registry.ts";
import type { IndexSync } from "../search/index-sync.ts";
import type { SearchService } from "../search/service.ts";
import type { MemoryGovernor } from "./governor.ts";

export const VERSION = "0.1.0";

export interface Services {
  config: Config;
  governor: MemoryGovernor;
  plugins: Plugins;
  sources: SourceStore;
  index: IndexSync;
  documents: DocumentService;
  search: SearchService;
  rag: RagAnswerer;
  chat: ChatService;
}
