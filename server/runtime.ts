/** What the routes are given: the config, the memory governor and the plugins in use. */
import type { Config } from "../config/schema.ts";
import type { Plugins } from "../plugins/registry.ts";
import type { MemoryGovernor } from "./governor.ts";

export const VERSION = "0.1.0";

export interface Runtime {
  config: Config;
  governor: MemoryGovernor;
  plugins: Plugins;
}
