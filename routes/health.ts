/** Liveness and readiness. */
import { Hono } from "hono";
import { describe } from "../plugins/registry.ts";
import { errorBody } from "../server/errors.ts";
import { type Services, VERSION } from "../server/runtime.ts";
import type { Store } from "../plugins/store/types.ts";

/** /ready must answer fast even when the database hangs. */
const STORE_PING_TIMEOUT_MS = 1000;

export function healthRoutes({ governor, plugins, index }: Services): Hono {
  const app = new Hono();

  app.get("/health", (c) => c.json({ status: "ok", version: VERSION }));

  app.get("/ready", async (c) => {
    const memory = {
      rss: governor.rss,
      ceiling: governor.ceiling,
      ceilingSource: governor.ceilingSource,
      belowThreshold: !governor.shedding,
    };
    const kernels = describe(plugins);
    // changes committed by other instances that this index has not applied yet
    const vectorIndex = { seq: index.seq, lagChanges: index.lag };
    const storeProblem = await pingStore(plugins.store);
    if (storeProblem) {
      return c.json(
        { ...errorBody("store_unavailable", storeProblem), memory, kernels, vectorIndex },
        503,
      );
    }
    if (governor.shedding) {
      return c.json(
        {
          ...errorBody("not_ready", "memory is above the shedding threshold"),
          memory,
          kernels,
          vectorIndex,
        },
        503,
      );
    }
    return c.json({ status: "ready", version: VERSION, memory, kernels, vectorIndex });
  });

  return app;
}

/** Why the store cannot serve, or null when it answered in time. */
async function pingStore(store: Store): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`the store did not answer within ${STORE_PING_TIMEOUT_MS} ms`),
      STORE_PING_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      store.ping().then(() => null, (e: Error) => `the store is unavailable: ${e.message}`),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
