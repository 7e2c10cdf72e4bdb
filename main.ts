/** ligero: wiring only. config → governor → plugins → services → routes → listen. */
import { RagAnswerer } from "./chat/rag.ts";
import { ChatService } from "./chat/service.ts";
import { ConfigError, loadConfig } from "./config/load.ts";
import { DocumentService } from "./documents/service.ts";
import { sourceStoreFor } from "./documents/source-store.ts";
import { IndexSnapshot } from "./search/index-snapshot.ts";
import { claimSnapshotSlot } from "./search/snapshot-slot.ts";
import { IndexSync } from "./search/index-sync.ts";
import { SearchService } from "./search/service.ts";
import { buildPlugins, PluginError } from "./plugins/registry.ts";
import { openPgvector } from "./plugins/store/index.ts";
import { StoreError } from "./plugins/store/types.ts";
import { KernelMissingError } from "./kernels/ffi.ts";
import { pinMmapThreshold, releaseFreedMemory } from "./kernels/libc.ts";
import { createApp } from "./server/app.ts";
import { MemoryGovernor } from "./server/governor.ts";
import { log, setLogLevel } from "./server/log.ts";
import { VERSION } from "./server/runtime.ts";

async function main(): Promise<void> {
  const config = loadConfig();
  setLogLevel(config.log.level);
  pinMmapThreshold();
  const governor = new MemoryGovernor(config.memory);
  const plugins = await buildPlugins(config);
  const { store, embeddings, similarity, llm } = plugins;
  if (!config.auth.enabled) {
    log.warn("auth is off: every request acts as the local user (set auth.enabled on a network)");
  }

  const { modelId, dims } = embeddings;
  const pgvector = await openPgvector(config, modelId, dims);
  // a shared store: a restart resumes from the change sequence it had reached
  const slot = store.changes && !pgvector
    ? await claimSnapshotSlot(`${config.store.dataDir}/index`)
    : null;
  const index = new IndexSync(store, similarity, modelId, dims, {
    snapshot: slot ? new IndexSnapshot(slot.dir, modelId, dims) : undefined,
    pollMs: config.store.changePollMs,
    pgvector,
  });
  const resumedFrom = await index.start();
  log.info("vector index loaded", {
    vectors: index.index.size,
    bytes: index.index.bytes,
    seq: index.seq,
    resumedFrom,
  });
  const sources = sourceStoreFor(store, config.store.dataDir);
  const documents = new DocumentService({
    config,
    store,
    pdf: plugins.pdf,
    embeddings,
    index,
    sources,
    memory: governor,
  });
  const search = new SearchService(config, store, embeddings, index);
  const rag = new RagAnswerer(config, search, llm);
  const chat = new ChatService(store, rag);
  const resumed = await documents.resumeUnfinished();
  if (resumed > 0) log.info("resuming unfinished ingestion", { documents: resumed });
  const app = createApp({
    config,
    governor,
    plugins,
    sources,
    index,
    documents,
    search,
    rag,
    chat,
  });

  // loading the model and the vector index leaves parse buffers in malloc's free lists
  releaseFreedMemory();
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
    // open event streams would hold shutdown forever; unfinished jobs resume at next start
    Deno.unrefTimer(setTimeout(() => Deno.exit(0), SHUTDOWN_GRACE_MS));
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGHUP", () => reload(governor));
  await server.finished;
  documents.stop();
  await index.stop();
  await pgvector?.close();
  await slot?.release();
  governor.close();
  await store.close();
}

const SHUTDOWN_GRACE_MS = 5000;

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
  const clear = [ConfigError, PluginError, KernelMissingError, StoreError];
  if (clear.some((kind) => e instanceof kind)) {
    console.error(`ligero: ${(e as Error).message}`);
    Deno.exit(2);
  }
  throw e;
}
