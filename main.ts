/** ligero: wiring only. config → governor → plugins → routes → listen. */
import { ConfigError, loadConfig } from "./config/load.ts";
import { buildPlugins, PluginError } from "./plugins/registry.ts";
import { KernelMissingError } from "./kernels/ffi.ts";
import { createApp } from "./server/app.ts";
import { MemoryGovernor } from "./server/governor.ts";
import { log, setLogLevel } from "./server/log.ts";
import { VERSION } from "./server/runtime.ts";

async function main(): Promise<void> {
  const config = loadConfig();
  setLogLevel(config.log.level);
  const governor = new MemoryGovernor(config.memory);
  const plugins = await buildPlugins(config);
  const app = createApp({ config, governor, plugins });

  const server = Deno.serve({
    hostname: config.server.host,
    port: config.server.port,
    onListen: ({ hostname, port }) =>
      log.info("listening", {
        version: VERSION,
        url: `http://${hostname}:${port}`,
        port,
        memoryCeiling: governor.ceiling,
        ceilingSource: governor.ceilingSource,
      }),
  }, app.fetch);

  const stop = () => {
    log.info("shutting down");
    server.shutdown();
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGHUP", () => reload(governor));
  await server.finished;
  governor.close();
  plugins.similarity.close();
}

/** SIGHUP re-reads the config and applies what can change live: memory limits, log level. */
function reload(governor: MemoryGovernor): void {
  try {
    const config = loadConfig();
    setLogLevel(config.log.level);
    governor.configure(config.memory);
    log.info("config reloaded", { memoryCeiling: governor.ceiling, shedAt: governor.shedAt });
  } catch (e) {
    log.error("config reload failed; keeping the running config", { error: (e as Error).message });
  }
}

try {
  await main();
} catch (e) {
  if (e instanceof ConfigError || e instanceof PluginError || e instanceof KernelMissingError) {
    console.error(`ligero: ${e.message}`);
    Deno.exit(2);
  }
  throw e;
}
